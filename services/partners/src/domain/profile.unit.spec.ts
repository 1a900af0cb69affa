import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UpdatePartnerProfile } from './partner.commands';
import { AT, given, PARTNER_ID, partnerAt, refused, registeredPartner } from './testing/partner.fixtures';

const update = (data: Omit<UpdatePartnerProfile['data'], 'at'>): UpdatePartnerProfile => ({
  type: 'UpdatePartnerProfile',
  data: { ...data, at: AT },
});

describe('UpdatePartnerProfile', () => {
  it('records only the fields that changed', () => {
    given(registeredPartner)
      .when(update({ legalName: 'ООО «Интегратор Плюс»', employeeCount: 150, salesReps: 10 }))
      .then([
        {
          type: 'PartnerProfileUpdated',
          data: {
            partnerId: PARTNER_ID,
            changedFields: ['employeeCount', 'salesReps'],
            employeeCount: 150,
            salesReps: 10,
          },
        },
      ]);
  });

  it('compares normalized values: the same domain typed differently is no change', () => {
    given(registeredPartner)
      .when(update({ website: 'http://INTEGRATOR-PLUS.example/contacts', taxId: ' 7701234560 ' }))
      .thenNothing();
  });

  it('treats lists as sets: the same specializations in another order is no change', () => {
    given(registeredPartner)
      .when(
        update({
          specializations: ['cloud-migration', 'erp-implementation'],
          clientSegments: ['enterprise', 'mid_market'],
        }),
      )
      .thenNothing();
  });

  it('records a new website as its normalized domain and a new list', () => {
    given(registeredPartner)
      .when(update({ website: 'https://www.new-brand.example/', industries: ['banking'] }))
      .then([
        {
          type: 'PartnerProfileUpdated',
          data: {
            partnerId: PARTNER_ID,
            changedFields: ['websiteDomain', 'industries'],
            websiteDomain: 'new-brand.example',
            industries: ['banking'],
          },
        },
      ]);
  });

  it('clears the region with null', () => {
    given(registeredPartner)
      .when(update({ region: null }))
      .then([
        {
          type: 'PartnerProfileUpdated',
          data: { partnerId: PARTNER_ID, changedFields: ['region'], region: null },
        },
      ]);
  });

  it('re-reads the tax id under a new country and records both', () => {
    given(registeredPartner)
      .when(update({ country: 'KZ', taxId: '123456789012' }))
      .then([
        {
          type: 'PartnerProfileUpdated',
          data: {
            partnerId: PARTNER_ID,
            changedFields: ['country', 'taxId'],
            country: 'KZ',
            taxId: { scheme: 'OTHER', value: '123456789012' },
          },
        },
      ]);
  });

  it('moving from RU to another country turns the INN into an OTHER tax id', () => {
    given(registeredPartner)
      .when(update({ country: 'BY' }))
      .then([
        {
          type: 'PartnerProfileUpdated',
          data: {
            partnerId: PARTNER_ID,
            changedFields: ['country', 'taxId'],
            country: 'BY',
            taxId: { scheme: 'OTHER', value: '7701234560' },
          },
        },
      ]);
  });

  it('validates like registration, every bad field at once', () => {
    const error = refused(
      registeredPartner,
      update({ legalName: '', taxId: '7701234561', clientSegments: ['giants'] }),
      'INVALID_ARGUMENT',
      /legalName: must not be empty/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['legalName', 'taxId', 'clientSegments[0]'],
    );
  });

  it('checks salesReps against the stored employee count', () => {
    refused(
      registeredPartner,
      update({ salesReps: 121 }),
      'INVALID_ARGUMENT',
      /salesReps: must not exceed employeeCount \(121 sales reps > 120 employees\)/,
    );
  });

  it('is refused for a churned partner', () => {
    refused(partnerAt('churned'), update({ employeeCount: 1 }), 'FAILED_PRECONDITION', /churned/);
  });
});
