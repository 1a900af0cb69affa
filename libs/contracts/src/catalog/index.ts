import { z } from 'zod';
import { topicOf } from '../envelope';
import {
  ContractViolationCode,
  ContractViolationError,
  formatIssuePath,
  type ContractViolationIssue,
} from './contract-violation.error';
import * as deals from './deals';
import * as mapping from './mapping';
import * as metrics from './metrics';
import * as partners from './partners';

export * from './common';
export * from './contract-violation.error';
export * from './deals';
export * from './mapping';
export * from './message';
export * from './metrics';
export * from './partners';

/** Contexts that publish catalog events (notifications publishes none yet). */
export const CATALOG_CONTEXTS = ['partners', 'deals', 'mapping', 'metrics'] as const;
export type CatalogContext = (typeof CATALOG_CONTEXTS)[number];

/** One published event type: where it goes, which version of its data is current, and that data's schema. */
export interface EventDefinition<
  Type extends string = string,
  Ctx extends CatalogContext = CatalogContext,
  Data extends z.ZodType = z.ZodType,
  Version extends number = number,
> {
  readonly type: Type;
  readonly context: Ctx;
  /** The current version of `data`; bump it (and upcast older ones on read) for a breaking change. */
  readonly schemaVersion: Version;
  readonly description: string;
  readonly data: Data;
}

export function defineEvent<
  const Type extends string,
  const Ctx extends CatalogContext,
  Data extends z.ZodType,
  const Version extends number,
>(definition: EventDefinition<Type, Ctx, Data, Version>): EventDefinition<Type, Ctx, Data, Version> {
  return Object.freeze({ ...definition });
}

const definitions = [
  // partners
  defineEvent({
    type: 'PartnerRegistered',
    context: 'partners',
    schemaVersion: 1,
    description: 'A partner was registered with its profile; its journey starts.',
    data: partners.PartnerRegisteredData,
  }),
  defineEvent({
    type: 'PartnerProfileUpdated',
    context: 'partners',
    schemaVersion: 1,
    description: 'Fields of a partner’s profile changed; only the changed fields are present.',
    data: partners.PartnerProfileUpdatedData,
  }),
  defineEvent({
    type: 'PartnerJourneyStageReached',
    context: 'partners',
    schemaVersion: 1,
    description: 'A partner reached a stage of its journey (prospect … active, dormant, churned).',
    data: partners.PartnerJourneyStageReachedData,
  }),
  defineEvent({
    type: 'OnboardingStepCompleted',
    context: 'partners',
    schemaVersion: 1,
    description: 'A partner completed an onboarding checklist step.',
    data: partners.OnboardingStepCompletedData,
  }),
  defineEvent({
    type: 'PartnerTierChanged',
    context: 'partners',
    schemaVersion: 1,
    description: 'A partner moved to another program tier, with the discount that comes with it.',
    data: partners.PartnerTierChangedData,
  }),
  defineEvent({
    type: 'PamAssigned',
    context: 'partners',
    schemaVersion: 1,
    description: 'A partner account manager (PAM) was assigned to a partner.',
    data: partners.PamAssignedData,
  }),
  defineEvent({
    type: 'CertificationGranted',
    context: 'partners',
    schemaVersion: 1,
    description: 'A person at a partner was granted a certification.',
    data: partners.CertificationGrantedData,
  }),
  defineEvent({
    type: 'CertificationExpired',
    context: 'partners',
    schemaVersion: 1,
    description: 'A certification held by a person at a partner expired.',
    data: partners.CertificationExpiredData,
  }),
  defineEvent({
    type: 'TrainingCompleted',
    context: 'partners',
    schemaVersion: 1,
    description: 'A person at a partner completed a training.',
    data: partners.TrainingCompletedData,
  }),
  defineEvent({
    type: 'MdfAllocated',
    context: 'partners',
    schemaVersion: 1,
    description: 'Marketing development funds were allocated to a partner.',
    data: partners.MdfAllocatedData,
  }),
  defineEvent({
    type: 'MdfSpent',
    context: 'partners',
    schemaVersion: 1,
    description: 'A partner spent marketing development funds from an allocation.',
    data: partners.MdfSpentData,
  }),
  defineEvent({
    type: 'PartnerChurned',
    context: 'partners',
    schemaVersion: 1,
    description: 'A partner left the network.',
    data: partners.PartnerChurnedData,
  }),
  defineEvent({
    type: 'PartnerReactivated',
    context: 'partners',
    schemaVersion: 1,
    description: 'A churned partner was taken back; its journey restarts at contacted.',
    data: partners.PartnerReactivatedData,
  }),
  defineEvent({
    type: 'OnboardingChecklistAssigned',
    context: 'partners',
    schemaVersion: 1,
    description: 'A partner was given the onboarding checklist (steps, required or not) of its program.',
    data: partners.OnboardingChecklistAssignedData,
  }),
  defineEvent({
    type: 'PartnerProgramDefined',
    context: 'partners',
    schemaVersion: 1,
    description:
      'A partner program was defined or redefined: its tiers (discount, requirements) and onboarding checklist.',
    data: partners.PartnerProgramDefinedData,
  }),
  defineEvent({
    type: 'PamOverCapacity',
    context: 'partners',
    schemaVersion: 1,
    description: 'A PAM was assigned more partners than the capacity; the assignment still happened.',
    data: partners.PamOverCapacityData,
  }),
  defineEvent({
    type: 'PamCapacitySet',
    context: 'partners',
    schemaVersion: 1,
    description:
      'A vendor admin set how many partners a PAM runs well (the environment value is only the default).',
    data: partners.PamCapacitySetData,
  }),
  defineEvent({
    type: 'PamLoadReviewed',
    context: 'partners',
    schemaVersion: 1,
    description:
      'A PAM’s over-capacity warning was re-evaluated after an assignment, reassignment, churn, reactivation or capacity change, and it changed (raised or cleared).',
    data: partners.PamLoadReviewedData,
  }),
  defineEvent({
    type: 'PartnerDormancyDetected',
    context: 'partners',
    schemaVersion: 1,
    description:
      'An active partner had no deal registration, no win and no training for the configured period; it becomes dormant.',
    data: partners.PartnerDormancyDetectedData,
  }),
  defineEvent({
    type: 'PartnerProfileChangeProposed',
    context: 'partners',
    schemaVersion: 1,
    description:
      'A partner user proposed self-reported profile values (employees, sales reps, segments); they count once the vendor confirms them.',
    data: partners.PartnerProfileChangeProposedData,
  }),
  defineEvent({
    type: 'OnboardingStepSubmitted',
    context: 'partners',
    schemaVersion: 1,
    description:
      'A partner user ticked an onboarding step that gates enablement; it is completed when the vendor confirms it.',
    data: partners.OnboardingStepSubmittedData,
  }),
  defineEvent({
    type: 'MdfSpendClaimed',
    context: 'partners',
    schemaVersion: 1,
    description: 'A partner user claimed an MDF spend; it is spent (MdfSpent) when the vendor confirms it.',
    data: partners.MdfSpendClaimedData,
  }),
  defineEvent({
    type: 'IdealPartnerProfileDefined',
    context: 'partners',
    schemaVersion: 1,
    description:
      'The vendor defined (or redefined) an ideal partner profile that partners are scored against.',
    data: partners.IdealPartnerProfileDefinedData,
  }),
  // deals
  defineEvent({
    type: 'DealRegistered',
    context: 'deals',
    schemaVersion: 1,
    description: 'A partner registered a deal for an end customer.',
    data: deals.DealRegisteredData,
  }),
  defineEvent({
    type: 'DealConflictDetected',
    context: 'deals',
    schemaVersion: 1,
    description:
      'A registration conflicts with another partner’s registration or a direct deal for the same customer.',
    data: deals.DealConflictDetectedData,
  }),
  defineEvent({
    type: 'DealRegistrationApproved',
    context: 'deals',
    schemaVersion: 1,
    description: 'The vendor approved a deal registration; the partner is protected until a date.',
    data: deals.DealRegistrationApprovedData,
  }),
  defineEvent({
    type: 'DealRegistrationRejected',
    context: 'deals',
    schemaVersion: 1,
    description: 'The vendor rejected a deal registration, with a reason.',
    data: deals.DealRegistrationRejectedData,
  }),
  defineEvent({
    type: 'DealRegistrationExpired',
    context: 'deals',
    schemaVersion: 1,
    description: 'A registration’s protection ran out without the deal progressing.',
    data: deals.DealRegistrationExpiredData,
  }),
  defineEvent({
    type: 'DealStageChanged',
    context: 'deals',
    schemaVersion: 1,
    description: 'An open deal moved to another stage.',
    data: deals.DealStageChangedData,
  }),
  defineEvent({
    type: 'DealInfluenceRecorded',
    context: 'deals',
    schemaVersion: 1,
    description: 'A partner’s influence on a deal was recorded (for influenced-revenue attribution).',
    data: deals.DealInfluenceRecordedData,
  }),
  defineEvent({
    type: 'DealWon',
    context: 'deals',
    schemaVersion: 1,
    description: 'A deal was won.',
    data: deals.DealWonData,
  }),
  defineEvent({
    type: 'DealLost',
    context: 'deals',
    schemaVersion: 1,
    description: 'A deal was lost.',
    data: deals.DealLostData,
  }),
  defineEvent({
    type: 'CommissionAccrued',
    context: 'deals',
    schemaVersion: 1,
    description: 'A partner’s commission on a won deal was computed from its tier and recorded for payout.',
    data: deals.CommissionAccruedData,
  }),
  defineEvent({
    type: 'DealCoSellerAssigned',
    context: 'deals',
    schemaVersion: 1,
    description:
      'A vendor co-seller was assigned to a deal (required before approval for class A customers).',
    data: deals.DealCoSellerAssignedData,
  }),
  defineEvent({
    type: 'DealProtectionExtensionRequested',
    context: 'deals',
    schemaVersion: 1,
    description: 'A partner asked for more protection time on its registration.',
    data: deals.DealProtectionExtensionRequestedData,
  }),
  defineEvent({
    type: 'DealProtectionExtended',
    context: 'deals',
    schemaVersion: 1,
    description: 'A protection extension was approved; the registration protects the partner longer.',
    data: deals.DealProtectionExtendedData,
  }),
  defineEvent({
    type: 'DealProtectionExtensionRejected',
    context: 'deals',
    schemaVersion: 1,
    description: 'A protection extension request was refused, with a reason.',
    data: deals.DealProtectionExtensionRejectedData,
  }),
  defineEvent({
    type: 'DealProtectionLapsed',
    context: 'deals',
    schemaVersion: 1,
    description:
      'A registration’s protection ended without progress; the deal stays open (another partner may now register).',
    data: deals.DealProtectionLapsedData,
  }),
  defineEvent({
    type: 'DealProtectionRevoked',
    context: 'deals',
    schemaVersion: 1,
    description:
      'The vendor moved a customer’s protection to another registration; this one stays open without protection.',
    data: deals.DealProtectionRevokedData,
  }),
  defineEvent({
    type: 'CommissionApproved',
    context: 'deals',
    schemaVersion: 1,
    description: 'A commission ledger entry was approved for payout.',
    data: deals.CommissionApprovedData,
  }),
  defineEvent({
    type: 'CommissionPaid',
    context: 'deals',
    schemaVersion: 1,
    description: 'A commission ledger entry was paid out.',
    data: deals.CommissionPaidData,
  }),
  defineEvent({
    type: 'CommissionCorrected',
    context: 'deals',
    schemaVersion: 1,
    description: 'A correction entry (credit or debit) was added to a commission; entries are never edited.',
    data: deals.CommissionCorrectedData,
  }),
  defineEvent({
    type: 'ExchangeRateRecorded',
    context: 'deals',
    schemaVersion: 1,
    description: 'An exchange rate into the reporting currency was recorded for a day.',
    data: deals.ExchangeRateRecordedData,
  }),
  defineEvent({
    type: 'DealPolicyDefined',
    context: 'deals',
    schemaVersion: 1,
    description: 'The deal policy of a partner program (protection window, extensions) was defined.',
    data: deals.DealPolicyDefinedData,
  }),
  defineEvent({
    type: 'CustomerClassified',
    context: 'deals',
    schemaVersion: 1,
    description: 'An end customer was given an ABC class (A strategic, B shared, C partner alone).',
    data: deals.CustomerClassifiedData,
  }),
  // mapping
  defineEvent({
    type: 'AccountListImported',
    context: 'mapping',
    schemaVersion: 1,
    description: 'The vendor or a partner imported its CRM account list (counts only, never the accounts).',
    data: mapping.AccountListImportedData,
  }),
  defineEvent({
    type: 'SharingPolicyChanged',
    context: 'mapping',
    schemaVersion: 1,
    description: 'One side of a vendor–partner account mapping changed what it shares per population.',
    data: mapping.SharingPolicyChangedData,
  }),
  defineEvent({
    type: 'OverlapsComputed',
    context: 'mapping',
    schemaVersion: 1,
    description:
      'The overlap matrix between the vendor’s and a partner’s accounts was computed (counts only).',
    data: mapping.OverlapsComputedData,
  }),
  // metrics
  defineEvent({
    type: 'PartnerScorecardUpdated',
    context: 'metrics',
    schemaVersion: 1,
    description: 'A partner’s scorecard (metrics, potential, utilization, quadrant) was recomputed.',
    data: metrics.PartnerScorecardUpdatedData,
  }),
  defineEvent({
    type: 'PartnerQuadrantChanged',
    context: 'metrics',
    schemaVersion: 1,
    description: 'A partner moved to another quadrant (retain, grow, harvest, exit).',
    data: metrics.PartnerQuadrantChangedData,
  }),
  defineEvent({
    type: 'ScoringClockTicked',
    context: 'metrics',
    schemaVersion: 1,
    description:
      'A day closed for scoring: every partner is scored again as of asOf, so windowed metrics (90 days, 12 months) ' +
      'and the quadrant age for partners with no events. Recorded in the log so that a rebuild scores at the same moments.',
    data: metrics.ScoringClockTickedData,
  }),
] as const;

type Definitions = (typeof definitions)[number];

/** Every event type in the catalog. */
export type EventType = Definitions['type'];

/** The catalog: event type -> its definition. */
export type EventCatalog = { readonly [D in Definitions as D['type']]: D };

function buildCatalog(): EventCatalog {
  const catalog: Record<string, Definitions> = {};
  for (const definition of definitions) {
    if (catalog[definition.type]) throw new Error(`event type ${definition.type} is defined twice`);
    catalog[definition.type] = definition;
  }
  return Object.freeze(catalog) as EventCatalog;
}

export const eventCatalog: EventCatalog = buildCatalog();

/** Every event type, in catalog order (by context, then as listed in DESIGN.md). */
export const EVENT_TYPES: readonly EventType[] = definitions.map((d) => d.type);

export type DefinitionOf<T extends EventType> = Extract<Definitions, { readonly type: T }>;

/** The `data` of an event type, e.g. `DataOf<'PartnerRegistered'>`. */
export type DataOf<T extends EventType> = z.infer<DefinitionOf<T>['data']>;

/** Event types published by one context. */
export type EventTypeOf<C extends CatalogContext> = Extract<Definitions, { readonly context: C }>['type'];

/** A catalog event as a discriminated union on `type`; `CatalogEvent<'DealWon'>` is one member. */
export type CatalogEvent<T extends EventType = EventType> = T extends EventType
  ? { readonly type: T; readonly data: DataOf<T> }
  : never;

export type PartnersEvent = CatalogEvent<EventTypeOf<'partners'>>;
export type DealsEvent = CatalogEvent<EventTypeOf<'deals'>>;
export type MappingEvent = CatalogEvent<EventTypeOf<'mapping'>>;
export type MetricsEvent = CatalogEvent<EventTypeOf<'metrics'>>;

export function isKnownEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventCatalog, type);
}

/** The definition of a known type; throws ContractViolationError for an unknown one. */
export function definitionOf<T extends EventType>(type: T): DefinitionOf<T>;
export function definitionOf(type: string): Definitions;
export function definitionOf(type: string): Definitions {
  if (!isKnownEventType(type)) {
    throw new ContractViolationError(
      ContractViolationCode.UnknownEventType,
      type,
      0,
      [],
      `unknown event type "${type}": it is not in the event catalog`,
    );
  }
  return eventCatalog[type];
}

/** The Kafka topic a context's events are published to, `prm.<context>.events.v1`. */
export function topicOfEventType(type: EventType): string {
  return topicOf(eventCatalog[type].context);
}

/**
 * Validates an event's data against its schema and returns it typed (unknown keys are
 * dropped). Throws ContractViolationError naming the event type and each failing field.
 * Only the current schema version is accepted; when a version 2 appears, upcast older
 * data before (or inside) this call.
 */
export function parseEventData<T extends EventType>(type: T, schemaVersion: number, data: unknown): DataOf<T>;
export function parseEventData(type: string, schemaVersion: number, data: unknown): DataOf<EventType>;
export function parseEventData(type: string, schemaVersion: number, data: unknown): DataOf<EventType> {
  const definition = definitionOf(type);
  if (schemaVersion !== definition.schemaVersion) {
    throw new ContractViolationError(
      ContractViolationCode.UnsupportedSchemaVersion,
      type,
      schemaVersion,
      [],
      `${type}: schema version ${schemaVersion} is not supported (current is ${definition.schemaVersion})`,
    );
  }
  const result = (definition.data as z.ZodType<DataOf<EventType>>).safeParse(data);
  if (result.success) return result.data;
  const issues: ContractViolationIssue[] = result.error.issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issue.message,
  }));
  throw new ContractViolationError(
    ContractViolationCode.InvalidData,
    type,
    schemaVersion,
    issues,
    `${type} v${schemaVersion}: invalid data: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
  );
}
