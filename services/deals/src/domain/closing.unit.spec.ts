import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LoseDeal, RecordInfluence } from './deal.commands';
import type { DealEvent } from './deal.events';
import {
  accrued,
  ADMIN,
  approvedDeal,
  coSellerAssigned,
  CLOSED_ON,
  customerClass,
  DEAL_ID,
  DIRECT_SALES,
  directDeal,
  given,
  INFLUENCE_ID,
  lost,
  OTHER_PARTNER_ID,
  OTHER_PARTNER_USER,
  PAM,
  PARTNER_ID,
  PARTNER_USER,
  partnerFacts,
  refused,
  registeredDeal,
  SECOND_INFLUENCE_ID,
  SERVICE,
  stageChanged,
  THIRD_PARTNER_ID,
  winCommand,
  WON_AMOUNT,
  won,
  wonDeal,
} from './testing/deal.fixtures';

const recordInfluence = (overrides: Partial<RecordInfluence['data']> = {}): RecordInfluence => ({
  type: 'RecordInfluence',
  data: {
    by: PAM,
    influenceId: INFLUENCE_ID,
    partner: partnerFacts({ partnerId: OTHER_PARTNER_ID, pamId: 'user:pam-boris' }),
    partnerId: OTHER_PARTNER_ID,
    activity: 'presale',
    description: '  ran the technical demo  ',
    weightPercent: 40,
    ...overrides,
  },
});

const influence = (
  influenceId: string,
  partnerId: string,
  weightPercent?: number,
  activity: 'presale' | 'introduction' = 'presale',
): DealEvent => ({
  type: 'DealInfluenceRecorded',
  data: {
    dealId: DEAL_ID,
    partnerId,
    influenceId,
    activity,
    ...(weightPercent !== undefined && { weightPercent }),
  },
});

const lose = (overrides: Partial<LoseDeal['data']> = {}): LoseDeal => ({
  type: 'LoseDeal',
  data: {
    by: PARTNER_USER,
    lostReason: 'competitor',
    note: '  price war  ',
    competitor: '  Contoso CRM ',
    closedOn: '2025-04-01',
    at: '2025-04-02T09:00:00.000Z',
    ...overrides,
  },
});

describe('RecordInfluence', () => {
  it('records another partner’s influence, by the vendor', () => {
    given(approvedDeal)
      .when(recordInfluence())
      .then([
        {
          type: 'DealInfluenceRecorded',
          data: {
            dealId: DEAL_ID,
            partnerId: OTHER_PARTNER_ID,
            influenceId: INFLUENCE_ID,
            activity: 'presale',
            description: 'ran the technical demo',
            weightPercent: 40,
          },
        },
      ]);
  });

  it('is recorded by vendor roles only', () => {
    refused(
      approvedDeal,
      recordInfluence({ by: PARTNER_USER }),
      'PERMISSION_DENIED',
      /recorded by the vendor/,
    );
    refused(
      approvedDeal,
      recordInfluence({ by: OTHER_PARTNER_USER }),
      'PERMISSION_DENIED',
      /recorded by the vendor/,
    );
  });

  it('is not for the registering partner, whose credit is its attribution', () => {
    refused(
      approvedDeal,
      recordInfluence({ partnerId: PARTNER_ID, partner: partnerFacts() }),
      'FAILED_PRECONDITION',
      /influence records are for other partners/,
    );
  });

  it('needs an eligible partner: known and at least enabled', () => {
    refused(approvedDeal, recordInfluence({ partner: null }), 'FAILED_PRECONDITION', /is not known/);
    refused(
      approvedDeal,
      recordInfluence({ partner: partnerFacts({ partnerId: OTHER_PARTNER_ID, stage: 'contacted' }) }),
      'FAILED_PRECONDITION',
      /journey stage "contacted"/,
    );
  });

  it('keeps the weights of all influences at 100 % or less', () => {
    const withSeventy = [...approvedDeal, influence(SECOND_INFLUENCE_ID, THIRD_PARTNER_ID, 70)];
    const error = refused(withSeventy, recordInfluence(), 'INVALID_ARGUMENT', /add up to 110 %, over 100 %/);
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['weightPercent'],
    );
    given(withSeventy)
      .when(recordInfluence({ weightPercent: 30, description: undefined }))
      .then([influence(INFLUENCE_ID, OTHER_PARTNER_ID, 30)]);
  });

  it('does nothing when the same influence is recorded again', () => {
    given([...approvedDeal, influence(INFLUENCE_ID, OTHER_PARTNER_ID, 40)])
      .when(recordInfluence())
      .thenNothing();
  });

  it('reports a bad activity and weight together', () => {
    const error = refused(
      approvedDeal,
      recordInfluence({ activity: 'lunch', weightPercent: 120 }),
      'INVALID_ARGUMENT',
      /activity: must be one of introduction, presale, demo/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['activity', 'weightPercent'],
    );
  });

  it('is recorded on open and won deals, not on lost ones', () => {
    given(wonDeal)
      .when(recordInfluence({ description: undefined }))
      .then([influence(INFLUENCE_ID, OTHER_PARTNER_ID, 40)]);
    refused(
      [...approvedDeal, lost],
      recordInfluence(),
      'FAILED_PRECONDITION',
      /is lost; influence is recorded/,
    );
  });
});

// Issue 21 item 12: class A must hold through the deal. The old decider checked the co-seller at
// approval only, so a customer reclassified to A after approval was won without the vendor.
describe('WinDeal: a class A customer needs a vendor co-seller before the win', () => {
  it('refuses the win of a deal whose customer was reclassified to A after approval, with no co-seller', () => {
    const error = refused(
      approvedDeal,
      winCommand({ customerClass: customerClass('A') }),
      'FAILED_PRECONDITION',
      /the customer is class A: the vendor co-sells every deal, so assign a vendor co-seller before deal .* is won/,
    );
    assert.deepEqual(error.details, { dealId: DEAL_ID, customerClass: 'A' });
  });

  it('wins it once a co-seller is assigned', () => {
    given([...approvedDeal, coSellerAssigned('user:cosell-kira')])
      .when(winCommand({ customerClass: customerClass('A') }))
      .then([{ ...won, data: { ...won.data, customerClass: 'A' } } as DealEvent, accrued]);
  });

  it('needs no co-seller on a direct deal (the vendor sells it)', () => {
    given(directDeal)
      .when(winCommand({ by: DIRECT_SALES, customerClass: customerClass('A'), entryTier: null }))
      .then([
        {
          ...won,
          data: { ...won.data, partnerId: null, attribution: null, customerClass: 'A' },
        } as DealEvent,
      ]);
  });
});

describe('WinDeal', () => {
  it('wins an approved deal and accrues the partner’s commission at its tier on the registration date', () => {
    given(approvedDeal).when(winCommand()).then([won, accrued]);
  });

  it('is confirmed by a vendor admin or the service too', () => {
    given(approvedDeal)
      .when(winCommand({ by: ADMIN }))
      .then([won, accrued]);
    given(approvedDeal)
      .when(winCommand({ by: SERVICE }))
      .then([won, accrued]);
  });

  it('carries the influencing partners once each, and the customer’s class', () => {
    const ANOTHER_INFLUENCE_ID = '00000000-0000-4000-8000-00000000d103';
    given([
      ...approvedDeal,
      influence(INFLUENCE_ID, OTHER_PARTNER_ID, 20),
      influence(SECOND_INFLUENCE_ID, THIRD_PARTNER_ID),
      influence(ANOTHER_INFLUENCE_ID, OTHER_PARTNER_ID, 10, 'introduction'),
    ])
      .when(winCommand({ customerClass: customerClass('C') }))
      .then([
        {
          type: 'DealWon',
          data: {
            ...won.data,
            customerClass: 'C',
            influencingPartnerIds: [OTHER_PARTNER_ID, THIRD_PARTNER_ID],
          } as Extract<DealEvent, { type: 'DealWon' }>['data'],
        } as DealEvent,
        accrued,
      ]);
  });

  it('converts the commission into the reporting currency at the given rate, rounded to the cent', () => {
    // 154 320.99 RUB × 0.0105 = 1 620.370395 → 1 620.37 USD.
    const withReporting = {
      ...accrued,
      data: {
        ...accrued.data,
        reporting: { amount: { amount: '1620.37', currency: 'USD' }, rate: '0.0105', rateDate: '2025-05-19' },
      },
    } as DealEvent;
    given(approvedDeal)
      .when(
        winCommand({ reporting: { currency: 'USD', rate: { rate: '0.0105', effectiveOn: '2025-05-19' } } }),
      )
      .then([won, withReporting]);
  });

  it('refuses a win without an exchange rate into the reporting currency, naming both currencies', () => {
    const error = refused(
      approvedDeal,
      winCommand({ reporting: { currency: 'USD', rate: null } }),
      'FAILED_PRECONDITION',
      /no exchange rate RUB→USD on or before 2025-05-20/,
    );
    assert.deepEqual(error.details, { from: 'RUB', to: 'USD', closedOn: CLOSED_ON });
  });

  it('needs no rate when the reporting currency is the deal’s', () => {
    given(approvedDeal)
      .when(winCommand({ reporting: { currency: 'RUB', rate: null } }))
      .then([won, accrued]);
  });

  it('rounds the commission half-up to the cent: 100.10 × 5 % = 5.005 → 5.01', () => {
    given(approvedDeal)
      .when(
        winCommand({
          wonValue: { amount: '100.10', currency: 'RUB' },
          tierHistory: [
            {
              tier: 'silver',
              discountPercent: 5,
              effectiveFrom: '2024-07-01',
              changedAt: '2024-06-01T00:00:00Z',
            },
          ],
        }),
      )
      .then([
        { ...won, data: { ...won.data, wonValue: { amount: '100.10', currency: 'RUB' } } } as DealEvent,
        {
          ...accrued,
          data: {
            ...accrued.data,
            tier: 'silver',
            ratePercent: 5,
            baseAmount: { amount: '100.10', currency: 'RUB' },
            amount: { amount: '5.01', currency: 'RUB' },
          },
        } as DealEvent,
      ]);
  });

  it('wins a direct deal by direct sales without any commission', () => {
    given(directDeal)
      .when(winCommand({ by: DIRECT_SALES }))
      .then([{ ...won, data: { ...won.data, partnerId: null, attribution: null } } as DealEvent]);
  });

  it('needs no commission id on a direct deal', () => {
    given(directDeal)
      .when(winCommand({ by: DIRECT_SALES, commissionId: '', tierHistory: [], entryTier: null }))
      .then([{ ...won, data: { ...won.data, partnerId: null, attribution: null } } as DealEvent]);
  });

  it('counts the cycle from the registration day: a win on that day is 0 days', () => {
    given(approvedDeal)
      .when(winCommand({ closedOn: '2025-03-03' }))
      .then([
        { ...won, data: { ...won.data, closedOn: '2025-03-03', cycleDays: 0 } } as DealEvent,
        { ...accrued, data: { ...accrued.data, accruedOn: '2025-03-03' } } as DealEvent,
      ]);
  });

  it('is not confirmed by a partner user, nor by direct sales on a partner deal', () => {
    refused(
      approvedDeal,
      winCommand({ by: PARTNER_USER }),
      'PERMISSION_DENIED',
      /a win is confirmed by the vendor/,
    );
    refused(
      approvedDeal,
      winCommand({ by: DIRECT_SALES }),
      'PERMISSION_DENIED',
      /a win is confirmed by the vendor/,
    );
  });

  it('needs the registration approved first', () => {
    refused(registeredDeal, winCommand(), 'FAILED_PRECONDITION', /is not approved; approve the registration/);
  });

  it('refuses a close date in the future or before the registration', () => {
    refused(
      approvedDeal,
      winCommand({ closedOn: '2025-05-22' }),
      'INVALID_ARGUMENT',
      /closedOn: is in the future \(today is 2025-05-21\)/,
    );
    refused(
      approvedDeal,
      winCommand({ closedOn: '2025-03-02' }),
      'INVALID_ARGUMENT',
      /closedOn: is before the registration \(2025-03-03\)/,
    );
  });

  it('needs the won value in the deal’s currency', () => {
    refused(
      approvedDeal,
      winCommand({ wonValue: { amount: WON_AMOUNT, currency: 'EUR' } }),
      'INVALID_ARGUMENT',
      /wonValue\.currency: must be the deal’s currency RUB/,
    );
  });

  it('reports a bad won value, close date and commission id together', () => {
    const error = refused(
      approvedDeal,
      winCommand({ wonValue: { amount: '0', currency: 'XXQ' }, closedOn: 'soon', commissionId: 'c-1' }),
      'INVALID_ARGUMENT',
      /wonValue\.amount: must be greater than zero/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['wonValue.amount', 'wonValue.currency', 'closedOn', 'commissionId'],
    );
  });

  it('refuses to win a deal twice or a lost deal', () => {
    refused(wonDeal, winCommand(), 'FAILED_PRECONDITION', /is won; cannot win it/);
    refused([...approvedDeal, lost], winCommand(), 'FAILED_PRECONDITION', /is lost; cannot win it/);
  });
});

describe('LoseDeal', () => {
  it('is marked lost by the deal’s partner user, with reason, trimmed note and competitor, and the stage', () => {
    given([...approvedDeal, stageChanged('qualified', 'approved')])
      .when(lose())
      .then([
        {
          type: 'DealLost',
          data: {
            dealId: DEAL_ID,
            partnerId: PARTNER_ID,
            lostReason: 'competitor',
            note: 'price war',
            competitor: 'Contoso CRM',
            closedOn: '2025-04-01',
            // 2025-04-01 is day 91; the registration day 62.
            cycleDays: 29,
            stage: 'qualified',
          },
        },
      ]);
  });

  it('may mark an unapproved registration lost', () => {
    given(registeredDeal)
      .when(lose({ by: PAM, lostReason: 'no_decision', note: undefined, competitor: undefined }))
      .then([
        {
          type: 'DealLost',
          data: {
            dealId: DEAL_ID,
            partnerId: PARTNER_ID,
            lostReason: 'no_decision',
            closedOn: '2025-04-01',
            cycleDays: 29,
            stage: 'registered',
          },
        },
      ]);
  });

  it('may not be marked lost by another partner’s user, nor by direct sales on a partner deal', () => {
    refused(approvedDeal, lose({ by: OTHER_PARTNER_USER }), 'PERMISSION_DENIED', /may not close deal/);
    refused(approvedDeal, lose({ by: DIRECT_SALES }), 'PERMISSION_DENIED', /may not close deal/);
  });

  it('needs a reason from the list and a past close date, reported together', () => {
    const error = refused(
      approvedDeal,
      lose({ lostReason: 'bad luck', closedOn: '2025-04-03' }),
      'INVALID_ARGUMENT',
      /lostReason: must be one of price, competitor, no_decision, budget, timing, product_fit, other/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['lostReason', 'closedOn'],
    );
  });

  it('does not lose a won deal', () => {
    refused(
      wonDeal,
      lose({ by: PAM, closedOn: '2025-05-21', at: '2025-05-22T09:00:00.000Z' }),
      'FAILED_PRECONDITION',
      /is won; cannot mark it lost/,
    );
  });
});
