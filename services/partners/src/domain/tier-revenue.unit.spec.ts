import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeTier } from './partner.commands';
import type { PartnerEvent } from './partner.state';
import type { Program } from './program';
import { rateMicrosOn, trailing12MonthRevenue, type RecordedRate, type WonDeal } from './revenue';
import { AT, given, PARTNER_ID, refused, registeredPartner } from './testing/partner.fixtures';

/* Issue 21 item 2: tier revenue requirements are checkable. */

const RATES: RecordedRate[] = [
  { from: 'EUR', to: 'RUB', rate: '100', effectiveOn: '2025-01-01' },
  { from: 'EUR', to: 'RUB', rate: '95.5', effectiveOn: '2025-03-01' },
  { from: 'USD', to: 'RUB', rate: '90', effectiveOn: '2025-01-01' },
];

const won = (dealId: string, amount: string, currency: string, closedOn: string): WonDeal => ({
  dealId,
  wonValue: { amount, currency },
  closedOn,
});

describe('trailing-12-month won revenue, from the partner’s won deals', () => {
  it('sums the deals closed in the 12 months up to today, converted into the reporting currency at the close day’s rate', () => {
    const result = trailing12MonthRevenue(
      [
        won('d1', '1000000', 'RUB', '2025-06-01'),
        won('d2', '1000', 'EUR', '2025-02-15'), // 100 → 100000 RUB
        won('d3', '1000', 'EUR', '2025-03-15'), // 95.5 → 95500 RUB
        won('d4', '5000000', 'RUB', '2024-06-01'), // a year and more before: out
        won('d5', '5000000', 'RUB', '2024-06-02'), // the first day of the window: in
        won('d1', '1000000', 'RUB', '2025-06-01'), // redelivered: once
      ],
      RATES,
      'RUB',
      '2025-06-01',
    );
    assert.deepEqual(result, {
      revenue: { amount: '6195500.00', currency: 'RUB' },
      unconverted: [],
      deals: 4,
    });
  });

  it('a deal in a currency without a recorded rate is listed as unconverted, never counted as zero silently', () => {
    const result = trailing12MonthRevenue(
      [
        won('d1', '1000', 'RUB', '2025-05-01'),
        won('d2', '700', 'KZT', '2025-05-01'),
        won('d3', '20', 'EUR', '2024-12-31'),
      ],
      RATES,
      'RUB',
      '2025-06-01',
    );
    assert.deepEqual(result.revenue, { amount: '1000.00', currency: 'RUB' });
    assert.deepEqual(result.unconverted, [
      { amount: '20.00', currency: 'EUR' }, // before the first EUR rate
      { amount: '700.00', currency: 'KZT' },
    ]);
  });

  it('uses the rate of the day, or the inverse of the opposite rate when only that was recorded', () => {
    assert.equal(rateMicrosOn(RATES, 'EUR', 'RUB', '2025-02-28'), 100_000_000n);
    assert.equal(rateMicrosOn(RATES, 'EUR', 'RUB', '2025-03-01'), 95_500_000n);
    assert.equal(rateMicrosOn(RATES, 'RUB', 'EUR', '2025-02-01'), 10_000n);
    assert.equal(rateMicrosOn(RATES, 'KZT', 'RUB', '2025-02-01'), null);
  });
});

const PROGRAM: Program = {
  name: 'Euro program',
  tiers: [
    {
      tier: 'gold',
      discountPercent: 30,
      requirements: { trailing12MonthRevenue: { amount: '50000', currency: 'EUR' } },
    },
  ],
};

const changeTier = (
  facts: ChangeTier['data']['facts'],
  extra: Partial<ChangeTier['data']> = {},
): ChangeTier => ({
  type: 'ChangeTier',
  data: { program: PROGRAM, tier: 'gold', effectiveFrom: '2025-04-01', facts, at: AT, ...extra },
});

const gold = (extra: Record<string, unknown> = {}): PartnerEvent =>
  ({
    type: 'PartnerTierChanged',
    data: {
      partnerId: PARTNER_ID,
      tier: 'gold',
      previousTier: null,
      discountPercent: 30,
      effectiveFrom: '2025-04-01',
      ...extra,
    },
  }) as PartnerEvent;

describe('a tier whose revenue requirement is in another currency', () => {
  it('is met when the revenue, in the reporting currency, reaches the requirement at the recorded rate', () => {
    // 50000 EUR at 100 (the rate on 2025-01-10) = 5000000 RUB
    given(registeredPartner)
      .when(
        changeTier({
          certifiedPeople: 0,
          trailing12MonthRevenue: { amount: '5000000', currency: 'RUB' },
          exchangeRates: RATES,
        }),
      )
      .then([gold()]);
  });

  it('is refused below it, actual against the converted requirement', () => {
    refused(
      registeredPartner,
      changeTier({
        certifiedPeople: 0,
        trailing12MonthRevenue: { amount: '4999999.99', currency: 'RUB' },
        exchangeRates: RATES,
        unconvertedRevenue: [{ amount: '700', currency: 'KZT' }],
      }),
      'FAILED_PRECONDITION',
      /trailing12MonthRevenue 4999999.99 RUB \(not counted: 700.00 KZT without a recorded rate into RUB\) \(required 5000000.00 RUB \(50000.00 EUR at 100.00\)\)/,
    );
  });

  it('a vendor admin’s override records who, why and what was waived', () => {
    given(registeredPartner)
      .when(
        changeTier(
          {
            certifiedPeople: 0,
            trailing12MonthRevenue: { amount: '0', currency: 'RUB' },
            exchangeRates: RATES,
          },
          { override: { by: 'user:director', role: 'vendor_admin', reason: 'New strategic partner' } },
        ),
      )
      .then([
        gold({
          reason: 'New strategic partner',
          overriddenBy: 'user:director',
          waivedRequirements: [
            {
              requirement: 'trailing12MonthRevenue',
              actual: '0.00 RUB',
              required: '5000000.00 RUB (50000.00 EUR at 100.00)',
            },
          ],
        }),
      ]);
  });
});
