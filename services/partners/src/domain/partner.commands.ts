import type { Money } from '@prm/contracts';
import type { OnboardingStepDefinition } from './onboarding';
import type { Program, TierFacts, TierOverride } from './program';

/*
 * Commands of the partner aggregate (stream `partners.partner-<partnerId>`). Everything a
 * decision needs arrives here: the time (`at`), ids, and facts owned elsewhere (a PAM's
 * partner count, the program, certified people and revenue). Enum-like fields are typed
 * `string` because they come from gRPC/REST input and are validated by the decider.
 */

/** The profile as the user enters it: raw website and tax id, normalized by the decider. */
export interface PartnerProfileInput {
  readonly legalName: string;
  readonly country: string;
  readonly region?: string;
  /** A URL or domain as typed, e.g. `https://www.Example.com/about`. */
  readonly website: string;
  /** The tax id as typed; for country RU the INN with its check digits. */
  readonly taxId: string;
  readonly type: string;
  readonly employeeCount: number;
  readonly salesReps: number;
  readonly specializations: readonly string[];
  readonly clientSegments: readonly string[];
  readonly industries: readonly string[];
}

export type RegisterPartner = {
  readonly type: 'RegisterPartner';
  readonly data: PartnerProfileInput & {
    readonly partnerId: string;
    /** The program's onboarding checklist; DEFAULT_ONBOARDING_CHECKLIST when missing. */
    readonly checklist?: readonly OnboardingStepDefinition[];
    /** The program the partner joins (its key); recorded so deals can apply the program's rules. */
    readonly program?: string;
    readonly at: string;
  };
};

export type UpdatePartnerProfile = {
  readonly type: 'UpdatePartnerProfile';
  /** Only the fields to change; `region: null` (or "") clears the region. */
  readonly data: Partial<Omit<PartnerProfileInput, 'region'>> & {
    readonly region?: string | null;
    /**
     * Set when a partner user updates its own profile: the self-reported fields
     * (SELF_REPORTED_PROFILE_FIELDS) are then proposed, not applied, until the vendor confirms.
     */
    readonly proposedBy?: string;
    readonly at: string;
  };
};

/** The vendor confirms what the partner proposed (all pending self-reported fields). */
export type ConfirmPartnerProfile = {
  readonly type: 'ConfirmPartnerProfile';
  readonly data: { readonly confirmedBy: string; readonly at: string };
};

/** The vendor confirms a spend a partner user claimed (MdfSpendClaimed → MdfSpent). */
export type ConfirmMdfSpend = {
  readonly type: 'ConfirmMdfSpend';
  readonly data: { readonly spendId: string; readonly confirmedBy: string };
};

export type AdvanceJourney = {
  readonly type: 'AdvanceJourney';
  readonly data: { readonly stage: string; readonly reason?: string; readonly at: string };
};

export type RecordFirstDealRegistered = {
  readonly type: 'RecordFirstDealRegistered';
  readonly data: { readonly dealId: string; readonly at: string };
};

export type RecordFirstDealWon = {
  readonly type: 'RecordFirstDealWon';
  readonly data: { readonly dealId: string; readonly at: string };
};

export type CompleteOnboardingStep = {
  readonly type: 'CompleteOnboardingStep';
  readonly data: {
    readonly step: string;
    readonly completedBy: string;
    /** A partner user ticking its own step: a step that gates enablement is only submitted. */
    readonly byPartner?: boolean;
    readonly at: string;
  };
};

export type ChangeTier = {
  readonly type: 'ChangeTier';
  readonly data: {
    readonly program: Program;
    readonly tier: string;
    /** First day the tier applies, `YYYY-MM-DD`. */
    readonly effectiveFrom: string;
    readonly facts: TierFacts;
    readonly reason?: string;
    readonly override?: TierOverride;
    readonly at: string;
  };
};

export type AssignPam = {
  readonly type: 'AssignPam';
  readonly data: {
    readonly pamId: string;
    /** How many partners the PAM runs now, before this one (from the PAM workload read model). */
    readonly pamPartnerCount: number;
    /** How many partners a PAM runs well; 10 when missing. */
    readonly capacity?: number;
    readonly at: string;
  };
};

export type GrantCertification = {
  readonly type: 'GrantCertification';
  readonly data: {
    readonly certificationId: string;
    readonly certificationCode: string;
    readonly certificationName: string;
    /** The certified person (an id: BI sees it). */
    readonly holderId: string;
    readonly grantedOn: string;
    readonly expiresOn: string | null;
  };
};

export type ExpireCertifications = {
  readonly type: 'ExpireCertifications';
  /** Today's date from the scheduler's (injected) clock. */
  readonly data: { readonly today: string };
};

export type RecordTraining = {
  readonly type: 'RecordTraining';
  readonly data: {
    readonly trainingCode: string;
    readonly trainingName: string;
    readonly attendeeId: string;
    readonly completedAt: string;
    readonly hours?: number;
    readonly score?: number;
  };
};

export type AllocateMdf = {
  readonly type: 'AllocateMdf';
  readonly data: {
    readonly allocationId: string;
    readonly amount: Money;
    readonly validFrom: string;
    readonly validUntil: string;
    readonly purpose?: string;
  };
};

export type SpendMdf = {
  readonly type: 'SpendMdf';
  readonly data: {
    readonly allocationId: string;
    readonly spendId: string;
    readonly amount: Money;
    readonly spentOn: string;
    /** What the money was spent on (the claim's subject), e.g. "webinar". */
    readonly activity: string;
    /** The claim document's reference (invoice, report). */
    readonly claimReference?: string;
    /** Set when a partner user reports the spend: it is claimed, and spent once the vendor confirms. */
    readonly claimedBy?: string;
  };
};

export type ChurnPartner = {
  readonly type: 'ChurnPartner';
  readonly data: {
    readonly reason: string;
    readonly note?: string;
    readonly lastDealWonOn?: string | null;
    readonly at: string;
  };
};

export type ReactivatePartner = {
  readonly type: 'ReactivatePartner';
  readonly data: { readonly note?: string; readonly at: string };
};

/**
 * The dormancy rule, sent by a scheduler with an injected clock: an active partner with no deal
 * registration, no win and no training for `dormantAfterDays` becomes dormant. The deal facts
 * come from the deals service's events (the shell's activity table); trainings are the partner's own.
 */
export type DetectDormancy = {
  readonly type: 'DetectDormancy';
  readonly data: {
    readonly dormantAfterDays: number;
    /** The partner's latest deal registration / win, or null when it has none. */
    readonly lastDealRegisteredAt: string | null;
    readonly lastDealWonAt: string | null;
    readonly at: string;
  };
};

export type PartnerCommand =
  | ConfirmPartnerProfile
  | ConfirmMdfSpend
  | DetectDormancy
  | RegisterPartner
  | UpdatePartnerProfile
  | AdvanceJourney
  | RecordFirstDealRegistered
  | RecordFirstDealWon
  | CompleteOnboardingStep
  | ChangeTier
  | AssignPam
  | GrantCertification
  | ExpireCertifications
  | RecordTraining
  | AllocateMdf
  | SpendMdf
  | ChurnPartner
  | ReactivatePartner;
