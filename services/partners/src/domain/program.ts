import type { Money, PartnerTier } from '@prm/contracts';
import type { RecordedRate } from './revenue';

/** What a tier asks of a partner; a missing requirement is not checked. */
export interface TierRequirements {
  readonly certifiedPeople?: number;
  readonly trailing12MonthRevenue?: Money;
}

export interface ProgramTier {
  readonly tier: PartnerTier;
  /** The partner's margin on deals in this tier, 0..100. */
  readonly discountPercent: number;
  readonly requirements: TierRequirements;
}

/** A partner program is data (the vendor edits it), passed on the command that needs it. */
export interface Program {
  readonly name: string;
  readonly tiers: readonly ProgramTier[];
}

/** The facts about a partner a tier's requirements are checked against, from read models. */
export interface TierFacts {
  readonly certifiedPeople: number;
  /** Won revenue of the last 12 months in the reporting currency (see trailing12MonthRevenue). */
  readonly trailing12MonthRevenue: Money;
  /** Recorded exchange rates: a requirement in another currency is converted at the rate of the day. */
  readonly exchangeRates?: readonly RecordedRate[];
  /** Won value not counted in the revenue for want of a rate (named in a refusal, never silently zero). */
  readonly unconvertedRevenue?: readonly Money[];
}

/** A vendor admin granting a tier whose requirements are not met. */
export interface TierOverride {
  readonly by: string;
  readonly role: 'vendor_admin';
  readonly reason: string;
}

/** One requirement a partner does not meet: what it has against what the tier asks. */
export interface UnmetRequirement {
  readonly requirement: keyof TierRequirements;
  readonly actual: string;
  readonly required: string;
}
