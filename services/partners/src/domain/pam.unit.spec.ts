import { describe, it } from 'node:test';
import type { AssignPam } from './partner.commands';
import type { PartnerEvent } from './partner.state';
import { AT, given, PARTNER_ID, partnerAt, refused, registeredPartner } from './testing/partner.fixtures';

const assign = (pamId: string, pamPartnerCount: number, capacity?: number): AssignPam => ({
  type: 'AssignPam',
  data: { pamId, pamPartnerCount, at: AT, ...(capacity !== undefined ? { capacity } : {}) },
});
const assigned = (pamId: string, previousPamId: string | null, pamPartnerCount: number): PartnerEvent => ({
  type: 'PamAssigned',
  data: { partnerId: PARTNER_ID, pamId, previousPamId, pamPartnerCount },
});

describe('PAM assignment', () => {
  it('assigns a PAM, recording the PAM’s partner count after the assignment', () => {
    given(registeredPartner)
      .when(assign('user:pam-anna', 4))
      .then([assigned('user:pam-anna', null, 5)]);
  });

  it('the tenth partner is still within the default capacity of 10', () => {
    given(registeredPartner)
      .when(assign('user:pam-anna', 9))
      .then([assigned('user:pam-anna', null, 10)]);
  });

  it('the eleventh partner is assigned anyway, and PamOverCapacity is raised', () => {
    given(registeredPartner)
      .when(assign('user:pam-anna', 10))
      .then([
        assigned('user:pam-anna', null, 11),
        {
          type: 'PamOverCapacity',
          data: { partnerId: PARTNER_ID, pamId: 'user:pam-anna', partnerCount: 11, capacity: 10 },
        },
      ]);
  });

  it('respects a configured capacity', () => {
    given(registeredPartner)
      .when(assign('user:pam-boris', 6, 6))
      .then([
        assigned('user:pam-boris', null, 7),
        {
          type: 'PamOverCapacity',
          data: { partnerId: PARTNER_ID, pamId: 'user:pam-boris', partnerCount: 7, capacity: 6 },
        },
      ]);
  });

  it('reassigns to another PAM, naming the previous one', () => {
    given([...registeredPartner, assigned('user:pam-anna', null, 5)])
      .when(assign('user:pam-boris', 2))
      .then([assigned('user:pam-boris', 'user:pam-anna', 3)]);
  });

  it('reassigning to the same PAM changes nothing', () => {
    given([...registeredPartner, assigned('user:pam-anna', null, 5)])
      .when(assign('user:pam-anna', 12))
      .thenNothing();
  });

  it('refuses an empty PAM, a negative count and a zero capacity, all at once', () => {
    refused(
      registeredPartner,
      assign('', -1, 0),
      'INVALID_ARGUMENT',
      /pamId: must not be empty; pamPartnerCount: must be a non-negative integer.*; capacity: must be a positive integer/,
    );
  });

  it('is refused for a churned partner', () => {
    refused(partnerAt('churned'), assign('user:pam-anna', 1), 'FAILED_PRECONDITION', /churned/);
  });
});
