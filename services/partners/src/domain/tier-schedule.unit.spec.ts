import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterTierChange, tierScheduleAsOf, type TierSchedule } from './tier-schedule';

/*
 * Issue 21 item 1: a future-dated tier change is shown as scheduled, not as the current tier,
 * until it takes effect. The partner summary used to show the new tier as current the moment the
 * change was recorded.
 */
const SILVER: TierSchedule = { tier: 'silver', scheduledTier: null, scheduledTierFrom: null };

describe('tier schedule of the partner read model', () => {
  it('shows a change dated after the day it was made as scheduled; the current tier stays', () => {
    const after = afterTierChange(SILVER, { tier: 'gold', effectiveFrom: '2026-04-01' }, '2026-03-10');
    assert.deepEqual(after, { tier: 'silver', scheduledTier: 'gold', scheduledTierFrom: '2026-04-01' });
    assert.deepEqual(tierScheduleAsOf(after, '2026-03-31'), after);
  });

  it('makes the scheduled tier current from its first day', () => {
    const after = afterTierChange(SILVER, { tier: 'gold', effectiveFrom: '2026-04-01' }, '2026-03-10');
    assert.deepEqual(tierScheduleAsOf(after, '2026-04-01'), {
      tier: 'gold',
      scheduledTier: null,
      scheduledTierFrom: null,
    });
  });

  it('applies a change dated today or earlier at once, replacing what was scheduled', () => {
    const scheduled: TierSchedule = {
      tier: 'silver',
      scheduledTier: 'gold',
      scheduledTierFrom: '2026-04-01',
    };
    assert.deepEqual(
      afterTierChange(scheduled, { tier: 'platinum', effectiveFrom: '2026-03-10' }, '2026-03-10'),
      {
        tier: 'platinum',
        scheduledTier: null,
        scheduledTierFrom: null,
      },
    );
  });

  it('keeps a scheduled tier that came into force as current when the next one is scheduled', () => {
    const scheduled: TierSchedule = {
      tier: 'silver',
      scheduledTier: 'gold',
      scheduledTierFrom: '2026-04-01',
    };
    assert.deepEqual(
      afterTierChange(scheduled, { tier: 'platinum', effectiveFrom: '2026-06-01' }, '2026-05-02'),
      {
        tier: 'gold',
        scheduledTier: 'platinum',
        scheduledTierFrom: '2026-06-01',
      },
    );
  });
});
