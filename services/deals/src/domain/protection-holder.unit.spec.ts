import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApproveRegistration, ExpireRegistration, RevokeProtection } from './deal.commands';
import type { DealEvent } from './deal.events';
import {
  ADMIN,
  APPROVED_AT,
  APPROVED_UNTIL,
  approved,
  approvedDeal,
  DEAL_ID,
  given,
  OTHER_DEAL_ID,
  OTHER_PAM,
  OTHER_PARTNER_ID,
  PAM,
  PAM_ID,
  PARTNER_ID,
  PARTNER_USER,
  PROTECTED_UNTIL,
  refused,
  registeredWith,
} from './testing/deal.fixtures';

/*
 * Issue 21 item 4: exactly one registration protects a customer at a time. The old decider
 * approved a later registration in conflict with protection of its own, so two partners held
 * protection on one customer. Now such an approval is refused while the first one holds
 * protection, or it explicitly takes protection over: the holder is revoked with its own event
 * (DealProtectionRevoked, with the reason) before the approval names where protection came from.
 */

/** This partner's registration came second: it holds no protection (another registration does). */
const laterRegistration = [registeredWith({ holdsProtection: false, protectedUntil: null })];
/** The other partner's registration that protects the customer. */
const HOLDER = { dealId: OTHER_DEAL_ID, partnerId: OTHER_PARTNER_ID, protectedUntil: '2025-05-30' };
const REASON = 'The customer signed a letter of intent with this partner';

const approve = (overrides: Partial<ApproveRegistration['data']> = {}): ApproveRegistration => ({
  type: 'ApproveRegistration',
  data: {
    by: PAM,
    partnerPamId: PAM_ID,
    customerClass: null,
    protectionDays: 90,
    protectionHolder: HOLDER,
    at: APPROVED_AT,
    ...overrides,
  },
});

const revoke = (overrides: Partial<RevokeProtection['data']> = {}): RevokeProtection => ({
  type: 'RevokeProtection',
  data: {
    by: ADMIN,
    partnerPamId: PAM_ID,
    reason: `  ${REASON}  `,
    transferredTo: { dealId: OTHER_DEAL_ID, partnerId: OTHER_PARTNER_ID },
    ...overrides,
  },
});

const revoked: DealEvent = {
  type: 'DealProtectionRevoked',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    protectedUntil: APPROVED_UNTIL,
    reason: REASON,
    revokedBy: ADMIN.id,
    transferredToDealId: OTHER_DEAL_ID,
    transferredToPartnerId: OTHER_PARTNER_ID,
  },
};

describe('ApproveRegistration of a registration in conflict: never two holders', () => {
  it('is refused while another registration protects the customer, naming it and its end', () => {
    const error = refused(
      laterRegistration,
      approve(),
      'FAILED_PRECONDITION',
      new RegExp(
        `is in conflict: registration ${OTHER_DEAL_ID} of partner ${OTHER_PARTNER_ID} protects this customer until 2025-05-30; reject this registration, or approve it with a transfer of protection`,
      ),
    );
    assert.deepEqual(error.details, {
      dealId: DEAL_ID,
      protectedBy: OTHER_DEAL_ID,
      protectedUntil: '2025-05-30',
    });
  });

  it('takes protection over when the approval transfers it, naming the registration it came from', () => {
    given(laterRegistration)
      .when(approve({ by: ADMIN, transferProtection: { reason: REASON } }))
      .then([approved({ approvedBy: ADMIN.id, protectionTransferredFrom: OTHER_DEAL_ID })]);
  });

  it('needs a reason for a transfer', () => {
    refused(
      laterRegistration,
      approve({ transferProtection: { reason: '  ' } }),
      'INVALID_ARGUMENT',
      /transferProtection.reason: is required/,
    );
  });

  it('approves as before when nobody else holds protection (the holder closed or lapsed)', () => {
    given(laterRegistration)
      .when(approve({ protectionHolder: null }))
      .then([approved()]);
  });

  it('ignores the holder when the registration holds protection itself', () => {
    given([registeredWith({})])
      .when(approve())
      .then([approved()]);
  });
});

describe('RevokeProtection: the first half of a transfer', () => {
  it('revokes the holder’s protection with the reason and where it went; the deal stays open', () => {
    given(approvedDeal).when(revoke()).then([revoked]);
  });

  it('does nothing to a registration that holds no protection', () => {
    given([...approvedDeal, revoked])
      .when(revoke())
      .thenNothing();
  });

  it('leaves a revoked registration open: it is neither lapsed nor closed by the expiry job', () => {
    const expire: ExpireRegistration = {
      type: 'ExpireRegistration',
      data: { today: '2026-01-01', protectionDays: 90 },
    };
    given([...approvedDeal, revoked])
      .when(expire)
      .thenNothing();
  });

  it('is the vendor’s: the partner’s PAM or a vendor admin, with a reason', () => {
    refused(approvedDeal, revoke({ by: OTHER_PAM }), 'PERMISSION_DENIED', /own PAM/);
    refused(approvedDeal, revoke({ by: PARTNER_USER }), 'PERMISSION_DENIED', /transfer protection/);
    refused(approvedDeal, revoke({ reason: '' }), 'INVALID_ARGUMENT', /reason: is required/);
  });

  it('keeps the registration day’s window for an unapproved holder', () => {
    given([registeredWith({})])
      .when(revoke())
      .then([{ ...revoked, data: { ...revoked.data, protectedUntil: PROTECTED_UNTIL } } as DealEvent]);
  });
});
