import { JourneyStage } from '@prm/contracts';

export const JOURNEY_STAGES: readonly JourneyStage[] = JourneyStage.options;

/**
 * The allowed moves of the partner journey: stage → stages it may go to next.
 *
 * - The main path moves forward one step at a time.
 * - `enabled → first_deal_won` is allowed because the deals service's events for two
 *   different deals are not ordered: a won deal may be reported before any registration
 *   (the registration then changes nothing, see RecordFirstDealRegistered).
 * - `active ↔ dormant`; any stage but `churned` may go to `churned`; `churned → contacted`
 *   is the reactivation.
 */
export const JOURNEY_TRANSITIONS: Readonly<Record<JourneyStage, readonly JourneyStage[]>> = {
  prospect: ['contacted', 'churned'],
  contacted: ['agreement_signed', 'churned'],
  agreement_signed: ['onboarding', 'churned'],
  onboarding: ['enabled', 'churned'],
  enabled: ['first_deal_registered', 'first_deal_won', 'churned'],
  first_deal_registered: ['first_deal_won', 'churned'],
  first_deal_won: ['active', 'churned'],
  active: ['dormant', 'churned'],
  dormant: ['active', 'churned'],
  churned: ['contacted'],
};

/**
 * Stages AdvanceJourney does not move to, because another command carries the facts they
 * need: a churn needs its reason, a reactivation is its own event, first-deal stages come
 * from the deals service (with the deal id, for idempotency), prospect is where
 * registration starts.
 */
export const STAGES_REACHED_BY_OWN_COMMAND: Readonly<Partial<Record<JourneyStage, string>>> = {
  prospect: 'RegisterPartner',
  first_deal_registered: 'RecordFirstDealRegistered',
  first_deal_won: 'RecordFirstDealWon',
  churned: 'ChurnPartner',
};

export function allowedNextStages(from: JourneyStage): readonly JourneyStage[] {
  return JOURNEY_TRANSITIONS[from];
}

export function canMove(from: JourneyStage, to: JourneyStage): boolean {
  return JOURNEY_TRANSITIONS[from].includes(to);
}

/** The main path, first contact to active; dormant and churned are off it. */
export const JOURNEY_MAIN_PATH: readonly JourneyStage[] = [
  'prospect',
  'contacted',
  'agreement_signed',
  'onboarding',
  'enabled',
  'first_deal_registered',
  'first_deal_won',
  'active',
];

/** Position on the main path (dormant and churned have none), to tell "already past it". */
export function pathIndex(stage: JourneyStage): number {
  const index = JOURNEY_MAIN_PATH.indexOf(stage);
  return stage === 'dormant' ? JOURNEY_MAIN_PATH.indexOf('active') : index;
}
