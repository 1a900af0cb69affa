import type { Money, PartnerTier } from '@prm/contracts';

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
  readonly trailing12MonthRevenue: Money;
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
