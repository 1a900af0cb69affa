import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TierChange } from './deal.commands';
import { tierInForce } from './deal.decider';
import type { DealEvent } from './deal.events';
import {
  accrued,
  approvedDeal,
  AT,
  ENTRY_TIER,
  given,
  GOLD,
  refused,
  winCommand,
  won,
} from './testing/deal.fixtures';

/*
 * Issue 21 item 1: commission always accrues on a win, at the tier in force at the INSTANT of
 * registration (2025-03-03 10:00 UTC in the fixtures). The old decider accrued nothing, silently,
 * when the partner had no tier change dated on or before the registration day, and took a change
 * made after the registration but dated the same day.
 */

const SILVER: TierChange = {
  tier: 'silver',
  discountPercent: 20,
  effectiveFrom: '2025-01-01',
  changedAt: '2024-12-20T09:00:00.000Z',
};
/** Gold at 30 %, dated the registration day. */
const sameDayGold = (changedAt: string): TierChange => ({
  tier: 'gold',
  discountPercent: 30,
  effectiveFrom: '2025-03-03',
  changedAt,
});

const accrual = (tier: string, ratePercent: number, amount: string, extra: object = {}): DealEvent =>
  ({
    ...accrued,
    data: { ...accrued.data, tier, ratePercent, amount: { amount, currency: 'RUB' }, ...extra },
  }) as DealEvent;

describe('WinDeal: the commission always accrues, at the tier in force when the deal was registered', () => {
  it('pays a partner that was never tiered its program’s entry tier (1 234 567.89 × 10 % = 123 456.79)', () => {
    given(approvedDeal)
      .when(winCommand({ tierHistory: [] }))
      .then([won, accrual('registered', 10, '123456.79', { entryTier: true })]);
  });

  it('pays the entry tier to a partner tiered only after it registered (a later effective day)', () => {
    const later: TierChange = { ...GOLD, effectiveFrom: '2025-03-04', changedAt: '2025-03-04T08:00:00.000Z' };
    given(approvedDeal)
      .when(winCommand({ tierHistory: [later] }))
      .then([won, accrual('registered', 10, '123456.79', { entryTier: true })]);
  });

  it('ignores a tier change made after the registration even when it is dated the same day (silver 20 % pays)', () => {
    // 1 234 567.89 × 20 % = 246 913.578 → 246 913.58.
    given(approvedDeal)
      .when(winCommand({ tierHistory: [SILVER, sameDayGold('2025-03-03T15:00:00.000Z')] }))
      .then([won, accrual('silver', 20, '246913.58')]);
  });

  it('takes a same-day change made before the registration instant (gold 30 % pays)', () => {
    // 1 234 567.89 × 30 % = 370 370.367 → 370 370.37.
    given(approvedDeal)
      .when(winCommand({ tierHistory: [sameDayGold('2025-03-03T08:00:00.000Z'), SILVER] }))
      .then([won, accrual('gold', 30, '370370.37')]);
  });

  it('does not take a future-dated change made before the registration until its day', () => {
    const scheduled: TierChange = {
      tier: 'platinum',
      discountPercent: 40,
      effectiveFrom: '2025-04-01',
      changedAt: '2025-02-01T09:00:00.000Z',
    };
    given(approvedDeal)
      .when(winCommand({ tierHistory: [SILVER, scheduled] }))
      .then([won, accrual('silver', 20, '246913.58')]);
  });

  it('lets a change made after the partner registered supersede its starting tier, even dated before it', () => {
    // The view records the starting tier when the partner registers (2025-02-01); gold is granted
    // on 2025-02-15, backdated to 2025-01-01, before this deal’s registration: gold pays.
    const start: TierChange = {
      tier: 'registered',
      discountPercent: 10,
      effectiveFrom: '2025-02-01',
      changedAt: '2025-02-01T10:00:00.000Z',
    };
    const backdated: TierChange = { ...sameDayGold('2025-02-15T09:00:00.000Z'), effectiveFrom: '2025-01-01' };
    given(approvedDeal)
      .when(winCommand({ tierHistory: [start, backdated] }))
      .then([won, accrual('gold', 30, '370370.37')]);
  });

  it('refuses a win whose commission cannot be computed, with the reason, and records nothing', () => {
    const error = refused(
      approvedDeal,
      winCommand({ tierHistory: [], entryTier: null }),
      'FAILED_PRECONDITION',
      /commission of deal .* cannot be computed: partner .* had no tier at its registration and the deals service does not know the entry tier of its program "default"; the win is not recorded/,
    );
    assert.equal((error.details as { program: string }).program, 'default');
  });
});

describe('tierInForce', () => {
  it('is the latest change in force at the instant, else the entry tier, else nothing', () => {
    assert.deepEqual(tierInForce([SILVER], ENTRY_TIER, AT), {
      tier: 'silver',
      discountPercent: 20,
      entry: false,
    });
    assert.deepEqual(tierInForce([], ENTRY_TIER, AT), { ...ENTRY_TIER, entry: true });
    assert.equal(tierInForce([], null, AT), null);
    // A backdated change made after the instant was not in force at it.
    const backdated: TierChange = {
      ...GOLD,
      effectiveFrom: '2025-02-01',
      changedAt: '2025-03-05T00:00:00.000Z',
    };
    assert.deepEqual(tierInForce([SILVER, backdated], ENTRY_TIER, AT), {
      tier: 'silver',
      discountPercent: 20,
      entry: false,
    });
  });
});
