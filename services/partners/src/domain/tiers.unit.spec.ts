import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeTier } from './partner.commands';
import { partnerDecider } from './partner.decider';
import { tierAt, type PartnerEvent } from './partner.state';
import type { Program } from './program';
import { AT, given, PARTNER_ID, partnerAt, refused, registeredPartner } from './testing/partner.fixtures';

const PROGRAM: Program = {
  name: 'Partner Program 2025',
  tiers: [
    { tier: 'registered', discountPercent: 10, requirements: {} },
    { tier: 'silver', discountPercent: 20, requirements: { certifiedPeople: 2 } },
    {
      tier: 'gold',
      discountPercent: 30,
      requirements: { certifiedPeople: 5, trailing12MonthRevenue: { amount: '10000000', currency: 'RUB' } },
    },
  ],
};

const FACTS = { certifiedPeople: 3, trailing12MonthRevenue: { amount: '2500000.50', currency: 'RUB' } };

const changeTier = (
  tier: string,
  effectiveFrom: string,
  extra: Partial<ChangeTier['data']> = {},
): ChangeTier => ({
  type: 'ChangeTier',
  data: { program: PROGRAM, tier, effectiveFrom, facts: FACTS, at: AT, ...extra },
});

const tierChanged = (
  tier: 'registered' | 'silver' | 'gold',
  previousTier: 'registered' | 'silver' | 'gold' | null,
  discountPercent: number,
  effectiveFrom: string,
  extra: {
    reason?: string;
    overriddenBy?: string;
    waivedRequirements?: {
      requirement: 'certifiedPeople' | 'trailing12MonthRevenue';
      actual: string;
      required: string;
    }[];
  } = {},
): PartnerEvent => ({
  type: 'PartnerTierChanged',
  data: { partnerId: PARTNER_ID, tier, previousTier, discountPercent, effectiveFrom, ...extra },
});

describe('tiers', () => {
  it('a tier whose requirements are met is granted with the program’s discount', () => {
    given(registeredPartner)
      .when(changeTier('silver', '2025-04-01'))
      .then([tierChanged('silver', null, 20, '2025-04-01')]);
  });

  it('records the previous tier and the reason given', () => {
    given([...registeredPartner, tierChanged('registered', null, 10, '2025-01-01')])
      .when(changeTier('silver', '2025-04-01', { reason: 'Two certified sales people' }))
      .then([
        tierChanged('silver', 'registered', 20, '2025-04-01', { reason: 'Two certified sales people' }),
      ]);
  });

  it('refuses a tier whose requirements are not met, with each one actual vs required', () => {
    const error = refused(
      registeredPartner,
      changeTier('gold', '2025-04-01'),
      'FAILED_PRECONDITION',
      /requirements not met: certifiedPeople 3 \(required 5\); trailing12MonthRevenue 2500000.50 RUB \(required 10000000.00 RUB\)/,
    );
    assert.deepEqual(error.details.unmet, [
      { requirement: 'certifiedPeople', actual: '3', required: '5' },
      { requirement: 'trailing12MonthRevenue', actual: '2500000.50 RUB', required: '10000000.00 RUB' },
    ]);
  });

  it('compares revenue exactly: one kopeck short is short', () => {
    const facts = { certifiedPeople: 5, trailing12MonthRevenue: { amount: '9999999.99', currency: 'RUB' } };
    refused(
      registeredPartner,
      changeTier('gold', '2025-04-01', { facts }),
      'FAILED_PRECONDITION',
      /trailing12MonthRevenue 9999999.99 RUB/,
    );
    given(registeredPartner)
      .when(
        changeTier('gold', '2025-04-01', {
          facts: { ...facts, trailing12MonthRevenue: { amount: '10000000.000000', currency: 'RUB' } },
        }),
      )
      .then([tierChanged('gold', null, 30, '2025-04-01')]);
  });

  it('a vendor admin may override unmet requirements with a reason, which the event carries', () => {
    given(registeredPartner)
      .when(
        changeTier('gold', '2025-04-01', {
          override: {
            by: 'user:director',
            role: 'vendor_admin',
            reason: 'Strategic partner for the public sector',
          },
        }),
      )
      .then([
        tierChanged('gold', null, 30, '2025-04-01', {
          reason: 'Strategic partner for the public sector',
          overriddenBy: 'user:director',
          // issue 21 item 2: the override also records what was waived
          waivedRequirements: [
            { requirement: 'certifiedPeople', actual: '3', required: '5' },
            { requirement: 'trailing12MonthRevenue', actual: '2500000.50 RUB', required: '10000000.00 RUB' },
          ],
        }),
      ]);
  });

  it('refuses an override without a reason', () => {
    refused(
      registeredPartner,
      changeTier('gold', '2025-04-01', {
        override: { by: 'user:director', role: 'vendor_admin', reason: '  ' },
      }),
      'INVALID_ARGUMENT',
      /override.reason: must say why/,
    );
  });

  it('refuses an override by someone who is not a vendor admin', () => {
    refused(
      registeredPartner,
      changeTier('gold', '2025-04-01', {
        override: { by: 'user:pam', role: 'pam' as 'vendor_admin', reason: 'please' },
      }),
      'PERMISSION_DENIED',
      /override.role: only a vendor_admin/,
    );
  });

  it('refuses a tier the program does not have, listing its tiers', () => {
    refused(
      registeredPartner,
      changeTier('platinum', '2025-04-01'),
      'INVALID_ARGUMENT',
      /tier: platinum is not a tier of program "Partner Program 2025"; its tiers: registered, silver, gold/,
    );
    refused(
      registeredPartner,
      changeTier('diamond', '2025-04-01'),
      'INVALID_ARGUMENT',
      /tier: must be one of registered, silver, gold, platinum/,
    );
  });

  it('refuses bad dates and facts, naming each field', () => {
    const error = refused(
      registeredPartner,
      changeTier('silver', '01.04.2025', {
        facts: { certifiedPeople: -1, trailing12MonthRevenue: { amount: '1e6', currency: 'rubles' } },
      }),
      'INVALID_ARGUMENT',
      /effectiveFrom/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      [
        'effectiveFrom',
        'facts.certifiedPeople',
        'facts.trailing12MonthRevenue.amount',
        'facts.trailing12MonthRevenue.currency',
      ],
    );
  });

  // issue 21 item 2: this used to be refused outright (INVALID_ARGUMENT "must be RUB"); the
  // requirement is now converted at the recorded rate, and without one the refusal names the rate.
  it('revenue in another currency than the requirement is compared at the recorded rate, or names the missing rate', () => {
    const facts = { certifiedPeople: 9, trailing12MonthRevenue: { amount: '99999999', currency: 'EUR' } };
    const error = refused(
      registeredPartner,
      changeTier('gold', '2025-04-01', { facts }),
      'FAILED_PRECONDITION',
      /trailing12MonthRevenue 99999999.00 EUR \(required 10000000.00 RUB \(no recorded RUB→EUR rate on 2025-01-10\)\)/,
    );
    assert.equal((error.details.unmet as unknown[]).length, 1);
    given(registeredPartner)
      .when(
        changeTier('gold', '2025-04-01', {
          facts: {
            ...facts,
            exchangeRates: [{ from: 'EUR', to: 'RUB', rate: '100', effectiveOn: '2025-01-01' }],
          },
        }),
      )
      .then([tierChanged('gold', null, 30, '2025-04-01')]);
  });

  it('refuses an effective date before the last change’s (dates out of order)', () => {
    const error = refused(
      [...registeredPartner, tierChanged('silver', null, 20, '2025-04-01')],
      changeTier('registered', '2025-03-01'),
      'FAILED_PRECONDITION',
      /effectiveFrom: dates out of order: 2025-03-01 is before the last tier change, effective 2025-04-01/,
    );
    assert.equal(error.details.lastEffectiveFrom, '2025-04-01');
  });

  it('changing to the tier the partner already has changes nothing', () => {
    given([...registeredPartner, tierChanged('silver', null, 20, '2025-04-01')])
      .when(changeTier('silver', '2025-05-01'))
      .thenNothing();
  });

  it('keeps the tier history: tierAt answers the tier on a date', () => {
    const history = [
      ...registeredPartner,
      tierChanged('registered', null, 10, '2025-01-01'),
      tierChanged('silver', 'registered', 20, '2025-04-01'),
      tierChanged('gold', 'silver', 30, '2025-10-01'),
    ];
    const state = history.reduce(partnerDecider.evolve, partnerDecider.initialState());
    assert.equal(tierAt(state, '2024-12-31'), null);
    assert.deepEqual(tierAt(state, '2025-01-01'), {
      tier: 'registered',
      discountPercent: 10,
      effectiveFrom: '2025-01-01',
    });
    assert.deepEqual(tierAt(state, '2025-06-15'), {
      tier: 'silver',
      discountPercent: 20,
      effectiveFrom: '2025-04-01',
    });
    assert.deepEqual(tierAt(state, '2026-01-01'), {
      tier: 'gold',
      discountPercent: 30,
      effectiveFrom: '2025-10-01',
    });
    assert.equal(tierAt(partnerDecider.initialState(), '2025-06-15'), null);
  });

  it('is refused for a churned partner', () => {
    refused(partnerAt('churned'), changeTier('silver', '2025-04-01'), 'FAILED_PRECONDITION', /churned/);
  });
});
