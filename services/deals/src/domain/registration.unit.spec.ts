import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExistingRegistration, RegisterDeal } from './deal.commands';
import { conflictOnEarlierDeal, dealDecider } from './deal.decider';
import {
  customerClass,
  CUSTOMER_ID,
  DEAL_ID,
  DIRECT_SALES,
  directRegistered,
  fieldsOf,
  given,
  OTHER_DEAL_ID,
  OTHER_PARTNER_ID,
  PARTNER_ID,
  partnerFacts,
  registerCommand,
  registered,
  registeredData,
  registeredDeal,
  refused,
} from './testing/deal.fixtures';

const OTHER_REGISTERED_AT = '2025-02-20T09:00:00.000Z';

const otherPartnersRegistration = (overrides: Partial<ExistingRegistration> = {}): ExistingRegistration => ({
  dealId: OTHER_DEAL_ID,
  partnerId: OTHER_PARTNER_ID,
  channel: 'partner',
  registeredAt: OTHER_REGISTERED_AT,
  matchedOn: ['domain', 'tax_id'],
  holdsProtection: true,
  ...overrides,
});

const directCommand = (overrides: Partial<RegisterDeal['data']> = {}): RegisterDeal =>
  registerCommand({
    channel: 'direct',
    partnerId: null,
    partner: null,
    attribution: '',
    registeredBy: DIRECT_SALES.id,
    ...overrides,
  });

/** The new registration when another deal holds the customer's protection. */
const unprotected = { ...registeredData, holdsProtection: false, protectedUntil: null };

describe('RegisterDeal: a valid registration', () => {
  it('records the customer normalized (trimmed name, bare domain, INN) with its match keys, and protects it for 90 days', () => {
    given([]).when(registerCommand()).then([registered]);
  });

  it('accepts an expected close date of today, a lower-case country and a foreign tax id as given', () => {
    given([])
      .when(
        registerCommand({
          customer: { name: 'Müller GmbH', taxId: 'de 123.456-789', country: ' de ' },
          expectedCloseDate: '2025-03-03',
        }),
      )
      .then([
        {
          type: 'DealRegistered',
          data: {
            ...registeredData,
            customer: {
              name: 'Müller GmbH',
              taxId: { scheme: 'OTHER', value: 'DE123456789' },
              country: 'DE',
            },
            // GmbH is a legal form, ü loses its diaeresis; OTHER ids are only unique within a country.
            customerKeys: {
              taxId: 'OTHER:DE:DE123456789',
              nameCountry: 'muller|DE',
              nameVariants: ['mueller|DE'],
            },
            expectedCloseDate: '2025-03-03',
          },
        },
      ]);
  });

  it('records the customer’s class, a trimmed description, and a protection window from the program', () => {
    given([])
      .when(
        registerCommand({
          customerClass: customerClass('B'),
          description: '  ERP roll-out, 40 seats  ',
          protectionDays: 30,
        }),
      )
      .then([
        {
          type: 'DealRegistered',
          data: {
            ...registeredData,
            customerId: CUSTOMER_ID,
            customerClass: 'B',
            description: 'ERP roll-out, 40 seats',
            // 2025-03-03 + 30 days: March has 31 days, so 2025-04-02.
            protectedUntil: '2025-04-02',
          },
        },
      ]);
  });

  it('registers a direct deal of the vendor’s team without partner, attribution or protection', () => {
    given([]).when(directCommand()).then([directRegistered]);
  });

  it('refuses a second registration of the same deal with ALREADY_EXISTS', () => {
    const error = refused(registeredDeal, registerCommand(), 'ALREADY_EXISTS', /already registered/);
    assert.equal(error.details.dealId, DEAL_ID);
  });
});

describe('RegisterDeal: the registering partner', () => {
  for (const stage of ['enabled', 'first_deal_registered', 'first_deal_won', 'active', 'dormant'])
    it(`accepts a partner at journey stage ${stage}`, () => {
      given([])
        .when(registerCommand({ partner: partnerFacts({ stage }) }))
        .then([registered]);
    });

  it('refuses a partner the deals service does not know', () => {
    const error = refused(
      [],
      registerCommand({ partner: null }),
      'FAILED_PRECONDITION',
      new RegExp(`partner ${PARTNER_ID} is not known`),
    );
    assert.equal(error.details.partnerId, PARTNER_ID);
  });

  it('refuses a churned partner', () => {
    refused(
      [],
      registerCommand({ partner: partnerFacts({ stage: 'churned' }) }),
      'FAILED_PRECONDITION',
      /has churned/,
    );
  });

  it('refuses a partner still onboarding, naming its stage', () => {
    const error = refused(
      [],
      registerCommand({ partner: partnerFacts({ stage: 'onboarding' }) }),
      'FAILED_PRECONDITION',
      /journey stage "onboarding"; deals can be registered from "enabled" on/,
    );
    assert.equal(error.details.stage, 'onboarding');
  });

  it('refuses a partner whose stage is not known yet', () => {
    refused(
      [],
      registerCommand({ partner: partnerFacts({ stage: null }) }),
      'FAILED_PRECONDITION',
      /journey stage "unknown"/,
    );
  });
});

describe('RegisterDeal: bad input', () => {
  const cases: [string, RegisterDeal, string[], RegExp][] = [
    [
      'a negative value',
      registerCommand({ estimatedValue: { amount: '-100.00', currency: 'RUB' } }),
      ['estimatedValue.amount'],
      /estimatedValue\.amount: must not be negative/,
    ],
    [
      'a zero value',
      registerCommand({ estimatedValue: { amount: '0.00', currency: 'RUB' } }),
      ['estimatedValue.amount'],
      /estimatedValue\.amount: must be greater than zero/,
    ],
    [
      'an unknown currency XXQ',
      registerCommand({ estimatedValue: { amount: '100', currency: 'XXQ' } }),
      ['estimatedValue.currency'],
      /estimatedValue\.currency: "XXQ" is not an ISO 4217 currency code/,
    ],
    [
      'an unknown currency ABC',
      registerCommand({ estimatedValue: { amount: '100', currency: 'ABC' } }),
      ['estimatedValue.currency'],
      /"ABC" is not an ISO 4217/,
    ],
    [
      'an expected close date in the past',
      registerCommand({ expectedCloseDate: '2025-03-02' }),
      ['expectedCloseDate'],
      /expectedCloseDate: is in the past \(today is 2025-03-03\)/,
    ],
    [
      'an expected close date that is no date',
      registerCommand({ expectedCloseDate: '2025-02-30' }),
      ['expectedCloseDate'],
      /expectedCloseDate: must be a date YYYY-MM-DD/,
    ],
    [
      'a customer with neither domain nor tax id',
      registerCommand({ customer: { name: 'ООО «Ромашка»', domain: ' ', country: 'RU' } }),
      ['customer'],
      /customer: give the customer’s web domain or tax id/,
    ],
    [
      'an INN with a wrong check digit',
      registerCommand({ customer: { name: 'Ромашка', taxId: '7701234561', country: 'RU' } }),
      ['customer.taxId'],
      /customer\.taxId: check digit does not match/,
    ],
    [
      'a domain without a top-level domain',
      registerCommand({ customer: { name: 'Ромашка', domain: 'romashka', country: 'RU' } }),
      ['customer.domain'],
      /customer\.domain: needs a dot/,
    ],
    [
      'an unknown country',
      registerCommand({ customer: { name: 'Ромашка', domain: 'romashka.ru', country: 'XX' } }),
      ['customer.country'],
      /customer\.country: "XX" is not an ISO 3166-1 alpha-2 country code/,
    ],
    ['no products', registerCommand({ products: [] }), ['products'], /products: name at least one/],
    [
      'a product code that is not a slug',
      registerCommand({ products: ['crm-enterprise', 'CRM Analytics'] }),
      ['products[1]'],
      /products\[1\]: must be a lower-case product code/,
    ],
    [
      'a partner deal without attribution',
      registerCommand({ attribution: '' }),
      ['attribution'],
      /attribution: must be sourced .* or influenced/,
    ],
    [
      'a direct deal with attribution',
      directCommand({ attribution: 'sourced' }),
      ['attribution'],
      /attribution: is only for partner registrations/,
    ],
    [
      'a direct deal naming a partner',
      directCommand({ partnerId: PARTNER_ID }),
      ['partnerId'],
      /partnerId: must be empty for a direct deal/,
    ],
    [
      'a deal id that is no UUID',
      registerCommand({ dealId: 'deal-1' }),
      ['dealId'],
      /dealId: must be a UUID/,
    ],
  ];
  for (const [what, command, fields, message] of cases)
    it(`refuses ${what}, naming only that field and emitting nothing`, () => {
      assert.deepEqual(fieldsOf(refused([], command, 'INVALID_ARGUMENT', message)), fields);
    });

  it('reports every bad field of one command together', () => {
    const error = refused(
      [],
      registerCommand({
        customer: { name: '  ', country: 'Russia' },
        estimatedValue: { amount: '-5', currency: 'XXQ' },
        expectedCloseDate: '2025-01-31',
        products: [],
        attribution: undefined,
      }),
      'INVALID_ARGUMENT',
      /customer\.name: is required/,
    );
    assert.deepEqual(fieldsOf(error), [
      'customer.name',
      'customer.country',
      'customer',
      'estimatedValue.amount',
      'estimatedValue.currency',
      'expectedCloseDate',
      'products',
      'attribution',
    ]);
  });

  it('reports a bad domain, a bad INN, a zero value and a bad product together', () => {
    const error = refused(
      [],
      registerCommand({
        customer: { name: 'Ромашка', domain: 'not a domain', taxId: '7701234561', country: 'RU' },
        estimatedValue: { amount: '0', currency: 'ABC' },
        products: ['CRM'],
      }),
      'INVALID_ARGUMENT',
      /customer\.domain: contains spaces/,
    );
    assert.deepEqual(fieldsOf(error), [
      'customer.domain',
      'customer.taxId',
      'estimatedValue.amount',
      'estimatedValue.currency',
      'products[0]',
    ]);
  });

  it('checks the input before the partner: bad input of an unknown partner is INVALID_ARGUMENT', () => {
    refused(
      [],
      registerCommand({ partner: null, products: [] }),
      'INVALID_ARGUMENT',
      /products: name at least one/,
    );
  });

  for (const country of ['ZZ', 'EU'])
    it(`refuses the pseudo country code ${country} as an unknown country`, () => {
      assert.deepEqual(
        fieldsOf(
          refused(
            [],
            registerCommand({ customer: { name: 'Ромашка', domain: 'romashka.ru', country } }),
            'INVALID_ARGUMENT',
            /customer\.country: .* is not an ISO 3166-1 alpha-2 country code/,
          ),
        ),
        ['customer.country'],
      );
    });
});

describe('RegisterDeal: channel conflict', () => {
  it('flags another partner’s protected registration with its evidence; the new deal holds no protection', () => {
    given([])
      .when(registerCommand({ existing: [otherPartnersRegistration()] }))
      .then([
        { type: 'DealRegistered', data: unprotected },
        {
          type: 'DealConflictDetected',
          data: {
            dealId: DEAL_ID,
            partnerId: PARTNER_ID,
            conflicts: [
              {
                kind: 'partner_registration',
                conflictingDealId: OTHER_DEAL_ID,
                conflictingPartnerId: OTHER_PARTNER_ID,
                matchedOn: ['domain', 'tax_id'],
                conflictingRegisteredAt: OTHER_REGISTERED_AT,
                firstDealId: OTHER_DEAL_ID,
                evidence: 'same_customer',
              },
            ],
          },
        },
      ]);
  });

  it('flags an open direct deal of the vendor; the partner’s registration holds no protection', () => {
    given([])
      .when(
        registerCommand({
          existing: [
            otherPartnersRegistration({
              partnerId: null,
              channel: 'direct',
              matchedOn: ['domain'],
              holdsProtection: false,
            }),
          ],
        }),
      )
      .then([
        { type: 'DealRegistered', data: unprotected },
        {
          type: 'DealConflictDetected',
          data: {
            dealId: DEAL_ID,
            partnerId: PARTNER_ID,
            conflicts: [
              {
                kind: 'direct_deal',
                conflictingDealId: OTHER_DEAL_ID,
                conflictingPartnerId: null,
                matchedOn: ['domain'],
                conflictingRegisteredAt: OTHER_REGISTERED_AT,
                firstDealId: OTHER_DEAL_ID,
                evidence: 'same_customer',
              },
            ],
          },
        },
      ]);
  });

  it('still protects the first holder: a conflicting registration that holds no protection is flagged only', () => {
    given([])
      .when(registerCommand({ existing: [otherPartnersRegistration({ holdsProtection: false })] }))
      .then([
        registered,
        {
          type: 'DealConflictDetected',
          data: {
            dealId: DEAL_ID,
            partnerId: PARTNER_ID,
            conflicts: [
              {
                kind: 'partner_registration',
                conflictingDealId: OTHER_DEAL_ID,
                conflictingPartnerId: OTHER_PARTNER_ID,
                matchedOn: ['domain', 'tax_id'],
                conflictingRegisteredAt: OTHER_REGISTERED_AT,
                firstDealId: OTHER_DEAL_ID,
                evidence: 'same_customer',
              },
            ],
          },
        },
      ]);
  });

  it('does not count the partner’s own earlier deal of the customer as a conflict', () => {
    given([])
      .when(
        registerCommand({
          existing: [otherPartnersRegistration({ partnerId: PARTNER_ID, holdsProtection: false })],
        }),
      )
      .then([registered]);
  });

  it('lists only the other partners’ deals when the own partner’s deal is found too', () => {
    const own = otherPartnersRegistration({
      dealId: '00000000-0000-4000-8000-00000000d003',
      partnerId: PARTNER_ID,
      holdsProtection: false,
    });
    const events = dealDecider.decide(
      registerCommand({ existing: [own, otherPartnersRegistration()] }),
      dealDecider.initialState(),
    );
    assert.equal(events.length, 2);
    const conflict = events[1]!;
    assert.equal(conflict.type, 'DealConflictDetected');
    assert.deepEqual(
      conflict.type === 'DealConflictDetected' && conflict.data.conflicts.map((c) => c.conflictingDealId),
      [OTHER_DEAL_ID],
    );
  });

  it('flags a partner registration found for a new direct deal', () => {
    given([])
      .when(directCommand({ existing: [otherPartnersRegistration({ matchedOn: ['tax_id'] })] }))
      .then([
        directRegistered,
        {
          type: 'DealConflictDetected',
          data: {
            dealId: DEAL_ID,
            partnerId: null,
            conflicts: [
              {
                kind: 'partner_registration',
                conflictingDealId: OTHER_DEAL_ID,
                conflictingPartnerId: OTHER_PARTNER_ID,
                matchedOn: ['tax_id'],
                conflictingRegisteredAt: OTHER_REGISTERED_AT,
                firstDealId: OTHER_DEAL_ID,
                evidence: 'same_customer',
              },
            ],
          },
        },
      ]);
  });

  it('counts the protection window from the registration day, whatever the hour', () => {
    // 2025-03-03 (day 62) + 90 = day 152 = 2025-06-01, also one millisecond before midnight.
    given([])
      .when(registerCommand({ at: '2025-03-03T23:59:59.999Z' }))
      .then([
        {
          type: 'DealRegistered',
          data: { ...registeredData, registeredAt: '2025-03-03T23:59:59.999Z', protectedUntil: '2025-06-01' },
        },
      ]);
  });

  it('records the conflict on the earlier deal too, with the later deal as evidence and itself as first', () => {
    const later = {
      ...registeredData,
      dealId: OTHER_DEAL_ID,
      partnerId: OTHER_PARTNER_ID,
      registeredAt: OTHER_REGISTERED_AT,
    };
    assert.deepEqual(conflictOnEarlierDeal({ dealId: DEAL_ID, partnerId: PARTNER_ID }, later, ['tax_id']), {
      type: 'DealConflictDetected',
      data: {
        dealId: DEAL_ID,
        partnerId: PARTNER_ID,
        conflicts: [
          {
            kind: 'partner_registration',
            conflictingDealId: OTHER_DEAL_ID,
            conflictingPartnerId: OTHER_PARTNER_ID,
            matchedOn: ['tax_id'],
            conflictingRegisteredAt: OTHER_REGISTERED_AT,
            firstDealId: DEAL_ID,
          },
        ],
      },
    });
  });
});
