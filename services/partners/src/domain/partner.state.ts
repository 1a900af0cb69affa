import type { CatalogEvent, DataOf, JourneyStage, Money, PartnerTier } from '@prm/contracts';
import { toMicros } from './money';
import type { OnboardingStepDefinition } from './onboarding';

/** The events of one partner's stream (the ideal partner profile has its own stream). */
export type PartnerEvent = CatalogEvent<
  | 'PartnerRegistered'
  | 'PartnerProfileUpdated'
  | 'OnboardingChecklistAssigned'
  | 'PartnerJourneyStageReached'
  | 'OnboardingStepCompleted'
  | 'PartnerTierChanged'
  | 'PamAssigned'
  | 'PamOverCapacity'
  | 'CertificationGranted'
  | 'CertificationExpired'
  | 'TrainingCompleted'
  | 'MdfAllocated'
  | 'MdfSpent'
  | 'PartnerChurned'
  | 'PartnerReactivated'
  | 'PartnerDormancyDetected'
  | 'PartnerProfileChangeProposed'
  | 'OnboardingStepSubmitted'
  | 'MdfSpendClaimed'
>;

/** Self-reported values a partner user proposed, awaiting the vendor's confirmation. */
export interface ProposedProfile {
  readonly employeeCount?: number;
  readonly salesReps?: number;
  readonly clientSegments?: DataOf<'PartnerProfileChangeProposed'>['clientSegments'];
  readonly proposedBy: string;
  readonly proposedAt: string;
}

/** The partner's profile, normalized (website domain, tax id), as the events carry it. */
export type PartnerProfile = Omit<DataOf<'PartnerRegistered'>, 'partnerId' | 'tier'>;

/** A tier and the discount that came with it, from a date on. */
export interface TierPeriod {
  readonly tier: PartnerTier;
  readonly discountPercent: number;
  readonly effectiveFrom: string;
}

export interface CertificationState {
  readonly data: DataOf<'CertificationGranted'>;
  readonly expired: boolean;
}

export interface MdfAllocationState {
  readonly amount: Money;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly purpose?: string;
  /** Sum of the spends, in millionths of the currency (exact, see money.ts). */
  readonly spentMicros: bigint;
}

export type UnregisteredPartner = { readonly status: 'Unregistered' };

export interface RegisteredPartner {
  readonly status: 'Registered';
  readonly partnerId: string;
  readonly profile: PartnerProfile;
  readonly stage: JourneyStage;
  readonly stageReachedAt: string;
  readonly checklist: readonly OnboardingStepDefinition[];
  /** Step key → when it was completed. */
  readonly completedSteps: Readonly<Record<string, string>>;
  readonly tier: PartnerTier | null;
  /** Tier changes in effective-date order; see tierAt. */
  readonly tierHistory: readonly TierPeriod[];
  readonly pamId: string | null;
  readonly certifications: Readonly<Record<string, CertificationState>>;
  /** `trainingCode|attendeeId|completedAt` of every training recorded, to ignore replays. */
  readonly trainings: readonly string[];
  readonly mdfAllocations: Readonly<Record<string, MdfAllocationState>>;
  /** spendId → the spend, to make a retried SpendMdf a no-op. */
  readonly mdfSpends: Readonly<Record<string, DataOf<'MdfSpent'>>>;
  /** Whether a first deal was registered / won (reset on reactivation: a new relationship). */
  readonly firstDealRegistered: boolean;
  readonly firstDealWon: boolean;
  /** The latest training completed (dormancy counts it as activity); null before any. */
  readonly lastTrainingAt: string | null;
  /** When the partner last became active (the dormancy rule's start); null before. */
  readonly activeSince: string | null;
  /** Self-reported profile values awaiting the vendor's confirmation; null when none. */
  readonly proposed: ProposedProfile | null;
  /** Gating onboarding steps a partner user ticked, awaiting confirmation: step → who. */
  readonly submittedSteps: Readonly<Record<string, string>>;
  /** MDF spends a partner user claimed, awaiting confirmation: spendId → the claim. */
  readonly mdfClaims: Readonly<Record<string, DataOf<'MdfSpendClaimed'>>>;
}

/** A partner stream's state: nothing yet, or a registered partner (churned is a stage). */
export type PartnerState = UnregisteredPartner | RegisteredPartner;

export const initialPartnerState = (): PartnerState => ({ status: 'Unregistered' });

function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

export function trainingKey(data: { trainingCode: string; attendeeId: string; completedAt: string }): string {
  return `${data.trainingCode}|${data.attendeeId}|${data.completedAt}`;
}

export function evolvePartner(state: PartnerState, event: PartnerEvent): PartnerState {
  if (event.type === 'PartnerRegistered') {
    const { partnerId, tier, ...profile } = event.data;
    return {
      status: 'Registered',
      partnerId,
      profile,
      stage: 'prospect',
      stageReachedAt: '',
      checklist: [],
      completedSteps: {},
      tier: tier ?? null,
      tierHistory: [],
      pamId: null,
      certifications: {},
      trainings: [],
      mdfAllocations: {},
      mdfSpends: {},
      firstDealRegistered: false,
      firstDealWon: false,
      lastTrainingAt: null,
      activeSince: null,
      proposed: null,
      submittedSteps: {},
      mdfClaims: {},
    };
  }
  // Events of a stream that was never registered cannot happen; ignore rather than crash a rebuild.
  if (state.status === 'Unregistered') return state;
  switch (event.type) {
    case 'PartnerProfileUpdated': {
      const { partnerId: _id, changedFields, ...changes } = event.data;
      const profile: Record<string, unknown> = { ...state.profile };
      for (const field of changedFields) {
        const value = (changes as Record<string, unknown>)[field];
        if (value === null || value === undefined) delete profile[field];
        else profile[field] = value;
      }
      // A value the vendor set (or confirmed) supersedes what was proposed for that field.
      let proposed: Record<string, unknown> | null = state.proposed ? { ...state.proposed } : null;
      if (proposed) {
        for (const field of changedFields) delete proposed[field];
        if (!('employeeCount' in proposed || 'salesReps' in proposed || 'clientSegments' in proposed))
          proposed = null;
      }
      return { ...state, profile: profile as PartnerProfile, proposed: proposed as ProposedProfile | null };
    }
    case 'PartnerProfileChangeProposed': {
      const { partnerId: _id, proposedFields, proposedBy, proposedAt, ...values } = event.data;
      const proposed: Record<string, unknown> = { ...(state.proposed ?? {}), proposedBy, proposedAt };
      for (const field of proposedFields) proposed[field] = values[field];
      return { ...state, proposed: proposed as unknown as ProposedProfile };
    }
    case 'OnboardingStepSubmitted':
      return {
        ...state,
        submittedSteps: { ...state.submittedSteps, [event.data.step]: event.data.submittedBy },
      };
    case 'MdfSpendClaimed':
      return { ...state, mdfClaims: { ...state.mdfClaims, [event.data.spendId]: event.data } };
    case 'OnboardingChecklistAssigned':
      return { ...state, checklist: event.data.steps };
    case 'PartnerJourneyStageReached': {
      const stage = event.data.stage;
      const firstDealRegistered = state.firstDealRegistered || stage === 'first_deal_registered';
      const firstDealWon = state.firstDealWon || stage === 'first_deal_won';
      const activeSince = stage === 'active' ? event.data.reachedAt : state.activeSince;
      return {
        ...state,
        stage,
        stageReachedAt: event.data.reachedAt,
        firstDealRegistered,
        firstDealWon,
        activeSince,
      };
    }
    case 'OnboardingStepCompleted':
      return {
        ...state,
        completedSteps: { ...state.completedSteps, [event.data.step]: event.data.completedAt },
        submittedSteps: withoutKey(state.submittedSteps, event.data.step),
      };
    case 'PartnerTierChanged': {
      const { tier, discountPercent, effectiveFrom } = event.data;
      return {
        ...state,
        tier,
        tierHistory: [...state.tierHistory, { tier, discountPercent, effectiveFrom }],
      };
    }
    case 'PamAssigned':
      return { ...state, pamId: event.data.pamId };
    case 'PamOverCapacity':
      return state;
    case 'CertificationGranted':
      return {
        ...state,
        certifications: {
          ...state.certifications,
          [event.data.certificationId]: { data: event.data, expired: false },
        },
      };
    case 'CertificationExpired': {
      const certificate = state.certifications[event.data.certificationId];
      if (!certificate) return state;
      return {
        ...state,
        certifications: {
          ...state.certifications,
          [event.data.certificationId]: { ...certificate, expired: true },
        },
      };
    }
    case 'TrainingCompleted': {
      const at = event.data.completedAt;
      const lastTrainingAt =
        state.lastTrainingAt === null || at > state.lastTrainingAt ? at : state.lastTrainingAt;
      return { ...state, trainings: [...state.trainings, trainingKey(event.data)], lastTrainingAt };
    }
    case 'PartnerDormancyDetected':
      return state;
    case 'MdfAllocated': {
      const { allocationId, amount, validFrom, validUntil, purpose } = event.data;
      const allocation: MdfAllocationState = {
        amount,
        validFrom,
        validUntil,
        ...(purpose !== undefined ? { purpose } : {}),
        spentMicros: 0n,
      };
      return { ...state, mdfAllocations: { ...state.mdfAllocations, [allocationId]: allocation } };
    }
    case 'MdfSpent': {
      const allocation = state.mdfAllocations[event.data.allocationId];
      if (!allocation) return state;
      return {
        ...state,
        mdfAllocations: {
          ...state.mdfAllocations,
          [event.data.allocationId]: {
            ...allocation,
            spentMicros: allocation.spentMicros + toMicros(event.data.amount.amount),
          },
        },
        mdfSpends: { ...state.mdfSpends, [event.data.spendId]: event.data },
        mdfClaims: withoutKey(state.mdfClaims, event.data.spendId),
      };
    }
    case 'PartnerChurned':
      return state;
    case 'PartnerReactivated':
      // A reactivated partner's journey restarts: its "first deal" is the first of the new relationship.
      return { ...state, firstDealRegistered: false, firstDealWon: false };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/**
 * The tier that applies on `date` (`YYYY-MM-DD`): the last change effective on or before it,
 * or null before the first change. Deals use it for "the tier at registration time".
 * (A tier set on PartnerRegistered has no date and no discount, so it is not in the history.)
 */
export function tierAt(state: PartnerState, date: string): TierPeriod | null {
  if (state.status === 'Unregistered') return null;
  let found: TierPeriod | null = null;
  for (const period of state.tierHistory) if (period.effectiveFrom <= date) found = period;
  return found;
}

/** Unspent amount of an MDF allocation, in millionths. */
export function unspentMicros(allocation: MdfAllocationState): bigint {
  return toMicros(allocation.amount.amount) - allocation.spentMicros;
}
