import type { PartnerTier } from '@prm/contracts';

/**
 * A partner's tier as a read model shows it: the tier in force, and a future-dated change that
 * is scheduled but not yet in force. A PartnerTierChanged dated after the day it was made is
 * shown as scheduled until its day comes; the current tier stays the one before it.
 */
export interface TierSchedule {
  readonly tier: PartnerTier | null;
  readonly scheduledTier: PartnerTier | null;
  /** First day of the scheduled tier (YYYY-MM-DD); null when none is scheduled. */
  readonly scheduledTierFrom: string | null;
}

/** The schedule as of `today` (YYYY-MM-DD): a scheduled tier whose day has come is current. */
export function tierScheduleAsOf(schedule: TierSchedule, today: string): TierSchedule {
  if (schedule.scheduledTier && schedule.scheduledTierFrom && schedule.scheduledTierFrom <= today)
    return { tier: schedule.scheduledTier, scheduledTier: null, scheduledTierFrom: null };
  return schedule;
}

/** The schedule after a tier change made on `changedOn` (the day of the event). */
export function afterTierChange(
  schedule: TierSchedule,
  change: { readonly tier: PartnerTier; readonly effectiveFrom: string },
  changedOn: string,
): TierSchedule {
  if (change.effectiveFrom <= changedOn)
    return { tier: change.tier, scheduledTier: null, scheduledTierFrom: null };
  return {
    tier: tierScheduleAsOf(schedule, changedOn).tier,
    scheduledTier: change.tier,
    scheduledTierFrom: change.effectiveFrom,
  };
}
