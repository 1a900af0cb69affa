import {
  Id,
  IsoDate,
  IsoDateTime,
  JourneyStage,
  PartnerChurnedData,
  PartnerTier,
  PROFILE_FIELDS,
  SELF_REPORTED_PROFILE_FIELDS,
  Slug,
  type DataOf,
  type Money,
} from '@prm/contracts';
import {
  BOUNDS,
  checkRange,
  DomainError,
  isCalendarDate,
  isDateTime as isUtcDateTime,
  Violations,
} from '@prm/domain';
import type { Decider } from '@prm/event-store';
import {
  allowedNextStages,
  canMove,
  JOURNEY_STAGES,
  pathIndex,
  STAGES_REACHED_BY_OWN_COMMAND,
} from './journey';
import { formatMoney, fromMicros, moneyProblems, normalizeMoney, toMicros } from './money';
import {
  DEFAULT_ONBOARDING_CHECKLIST,
  VENDOR_CONFIRMED_STEPS,
  type OnboardingStepDefinition,
} from './onboarding';
import { convertMicros, rateMicrosOn } from './revenue';
import type {
  AdvanceJourney,
  AllocateMdf,
  AssignPam,
  ChangeTier,
  ChurnPartner,
  CompleteOnboardingStep,
  ConfirmMdfSpend,
  ConfirmPartnerProfile,
  DetectDormancy,
  ExpireCertifications,
  GrantCertification,
  PartnerCommand,
  ReactivatePartner,
  RecordFirstDealRegistered,
  RecordFirstDealWon,
  RecordTraining,
  RegisterPartner,
  SpendMdf,
  UpdatePartnerProfile,
} from './partner.commands';
import {
  checkClientSegments,
  checkCount,
  checkCountry,
  checkFullProfile,
  checkLegalName,
  checkRegion,
  checkSalesReps,
  checkTags,
  checkTaxId,
  checkType,
  checkWebsite,
  sameSet,
  sameTaxId,
} from './profile';
import type { UnmetRequirement } from './program';
import {
  evolvePartner,
  initialPartnerState,
  trainingKey,
  unspentMicros,
  type PartnerEvent,
  type PartnerProfile,
  type PartnerState,
  type RegisteredPartner,
} from './partner.state';

/** How many partners a PAM runs well (DOMAIN.md: "a PAM runs about 10 partners well"). */
export const DEFAULT_PAM_CAPACITY = 10;

type Events = PartnerEvent[];

// ---------------------------------------------------------------- small validators

const isUuid = (value: unknown): value is string => Id.safeParse(value).success;
// The contract's shapes, and @prm/domain's bounds: the date exists and its year is sane.
const isDateTime = (value: unknown): value is string =>
  IsoDateTime.safeParse(value).success && isUtcDateTime(value);
const isDate = (value: unknown): value is string => IsoDate.safeParse(value).success && isCalendarDate(value);
const isText = (value: unknown, max = 200): value is string =>
  typeof value === 'string' && value.trim().length > 0 && value.length <= max;

function checkAt(at: unknown, v: Violations, field = 'at'): void {
  v.check(isDateTime(at), field, 'must be an ISO-8601 UTC date-time such as "2025-03-14T09:30:00.000Z"');
}

function checkDate(value: unknown, field: string, v: Violations): value is string {
  v.check(isDate(value), field, 'must be a calendar date YYYY-MM-DD');
  return isDate(value);
}

// ---------------------------------------------------------------- refusals

function notRegistered(): DomainError {
  return DomainError.notFound('partner is not registered', { reason: 'NOT_REGISTERED' });
}

/** The refusal of a command on a partner stream that holds no registration. */
export function isNotRegistered(error: unknown): boolean {
  return (
    error instanceof DomainError && error.code === 'NOT_FOUND' && error.details.reason === 'NOT_REGISTERED'
  );
}

function refuseChurned(state: RegisteredPartner, command: PartnerCommand['type']): DomainError {
  return DomainError.precondition(
    `partner ${state.partnerId} is churned: ${command} is refused; reactivate the partner first`,
    { stage: 'churned' },
  );
}

function stageEvent(
  state: RegisteredPartner,
  stage: JourneyStage,
  at: string,
  reason?: string,
): CatalogStageEvent {
  return {
    type: 'PartnerJourneyStageReached',
    data: {
      partnerId: state.partnerId,
      stage,
      previousStage: state.stage,
      reachedAt: at,
      ...(reason !== undefined ? { reason } : {}),
    },
  };
}
type CatalogStageEvent = Extract<PartnerEvent, { type: 'PartnerJourneyStageReached' }>;

function refuseTransition(state: RegisteredPartner, to: JourneyStage): DomainError {
  const allowedNext = allowedNextStages(state.stage);
  return DomainError.precondition(
    `stage: cannot move from ${state.stage} to ${to}; allowed next stages: ${allowedNext.join(', ')}`,
    { from: state.stage, to, allowedNext },
  );
}

// ---------------------------------------------------------------- registration and profile

function checkChecklist(
  checklist: readonly OnboardingStepDefinition[] | undefined,
  v: Violations,
): readonly OnboardingStepDefinition[] {
  if (checklist === undefined) return DEFAULT_ONBOARDING_CHECKLIST;
  if (!Array.isArray(checklist)) {
    v.add('checklist', 'must be a list of { step, name, required }');
    return [];
  }
  const seen = new Set<string>();
  checklist.forEach((item, i) => {
    if (!Slug.safeParse(item?.step).success)
      v.add(`checklist[${i}].step`, 'must be a lower-case key such as "demo_access"');
    else if (seen.has(item.step)) v.add(`checklist[${i}].step`, `"${item.step}" is listed twice`);
    else seen.add(item.step);
    if (!isText(item?.name)) v.add(`checklist[${i}].name`, 'must be text of 1 to 200 characters');
    if (typeof item?.required !== 'boolean') v.add(`checklist[${i}].required`, 'must be true or false');
  });
  return checklist.map(({ step, name, required }) => ({ step, name: name.trim(), required }));
}

/*
 * Uniqueness of the INN and the web domain across partners is not decided here: one
 * partner's stream cannot see the others. The shell checks its uniqueness index before it
 * runs this command and answers ALREADY_EXISTS naming the existing partner.
 */
function register(command: RegisterPartner, state: PartnerState): Events {
  const { partnerId, at, checklist: checklistInput, program } = command.data;
  if (state.status === 'Registered')
    throw DomainError.alreadyExists(`partner ${state.partnerId} is already registered`, {
      existingPartnerId: state.partnerId,
    });
  const v = new Violations();
  v.check(isUuid(partnerId), 'partnerId', 'must be a UUID');
  const profile = checkFullProfile(command.data, v);
  const checklist = checkChecklist(checklistInput, v);
  v.check(
    program === undefined || /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/.test(program),
    'program',
    'must be a program key',
  );
  checkAt(at, v);
  v.throwIfAny();
  return [
    { type: 'PartnerRegistered', data: { partnerId, ...profile!, ...(program && { program }) } },
    {
      type: 'OnboardingChecklistAssigned',
      data: {
        partnerId,
        steps: checklist.map((s) => ({ step: s.step, name: s.name, required: s.required })),
      },
    },
    {
      type: 'PartnerJourneyStageReached',
      data: { partnerId, stage: 'prospect', previousStage: null, reachedAt: at },
    },
  ];
}

function updateProfile(command: UpdatePartnerProfile, state: RegisteredPartner): Events {
  const input = command.data;
  const current = state.profile;
  const v = new Violations();
  checkAt(input.at, v);
  const next: Partial<Record<keyof PartnerProfile, unknown>> = {};
  if (input.legalName !== undefined) next.legalName = checkLegalName(input.legalName, v);
  const country = input.country !== undefined ? checkCountry(input.country, v) : current.country;
  if (input.country !== undefined) next.country = country;
  const region = checkRegion(input.region, v);
  if (region !== undefined) next.region = region;
  if (input.website !== undefined) next.websiteDomain = checkWebsite(input.website, v);
  if (input.taxId !== undefined) next.taxId = checkTaxId(country, input.taxId, v);
  else if (input.country !== undefined && country !== undefined && country !== current.country) {
    // The tax id is read by the rules of its country: re-read the stored one for the new country.
    const reread = checkTaxId(country, current.taxId.value, new Violations());
    if (reread) next.taxId = reread;
    else
      v.add('taxId', `is not valid for country ${country}: give the partner’s tax id there with the country`);
  }
  if (input.type !== undefined) next.type = checkType(input.type, v);
  if (input.employeeCount !== undefined)
    next.employeeCount = checkCount('employeeCount', input.employeeCount, v);
  if (input.salesReps !== undefined) next.salesReps = checkCount('salesReps', input.salesReps, v);
  if (input.specializations !== undefined)
    next.specializations = checkTags('specializations', input.specializations, v);
  if (input.clientSegments !== undefined) next.clientSegments = checkClientSegments(input.clientSegments, v);
  if (input.industries !== undefined) next.industries = checkTags('industries', input.industries, v);
  if (!v.any)
    checkSalesReps(
      (next.employeeCount as number | undefined) ?? current.employeeCount,
      (next.salesReps as number | undefined) ?? current.salesReps,
      v,
    );
  v.throwIfAny();

  const data: Record<string, unknown> = { partnerId: state.partnerId };
  const changedFields: (typeof PROFILE_FIELDS)[number][] = [];
  for (const field of PROFILE_FIELDS) {
    if (!(field in next)) continue;
    const value = next[field];
    const before = current[field];
    const same =
      field === 'taxId'
        ? sameTaxId(value as PartnerProfile['taxId'], current.taxId)
        : Array.isArray(value)
          ? sameSet(value as string[], before as string[])
          : (value ?? undefined) === before;
    if (same) continue;
    changedFields.push(field);
    data[field] = value;
  }
  if (input.proposedBy !== undefined) return proposeOrUpdate(state, input, data, changedFields);
  if (changedFields.length === 0) return [];
  return [
    {
      type: 'PartnerProfileUpdated',
      data: { ...data, changedFields } as DataOf<'PartnerProfileUpdated'>,
    },
  ];
}

const isSelfReported = (field: string): field is (typeof SELF_REPORTED_PROFILE_FIELDS)[number] =>
  (SELF_REPORTED_PROFILE_FIELDS as readonly string[]).includes(field);

/*
 * A partner user's own update: self-reported numbers (employees, sales reps, segments) score the
 * partner, so they are proposed (PartnerProfileChangeProposed) and count once the vendor confirms;
 * the other fields apply as before. A value equal to the pending proposal changes nothing.
 */
function proposeOrUpdate(
  state: RegisteredPartner,
  input: UpdatePartnerProfile['data'],
  data: Record<string, unknown>,
  changedFields: (typeof PROFILE_FIELDS)[number][],
): Events {
  const v = new Violations();
  v.check(isText(input.proposedBy), 'proposedBy', 'must name the partner user');
  v.throwIfAny();
  const events: Events = [];
  const applied = changedFields.filter((f) => !isSelfReported(f));
  if (applied.length > 0) {
    const updated: Record<string, unknown> = { partnerId: state.partnerId };
    for (const f of applied) updated[f] = data[f];
    events.push({
      type: 'PartnerProfileUpdated',
      data: { ...updated, changedFields: applied } as DataOf<'PartnerProfileUpdated'>,
    });
  }
  const pending = (state.proposed ?? {}) as Record<string, unknown>;
  const proposedFields = changedFields
    .filter(isSelfReported)
    .filter((f) =>
      Array.isArray(data[f])
        ? !(Array.isArray(pending[f]) && sameSet(data[f] as string[], pending[f] as string[]))
        : data[f] !== pending[f],
    );
  if (proposedFields.length > 0) {
    const values: Record<string, unknown> = {};
    for (const f of proposedFields) values[f] = data[f];
    events.push({
      type: 'PartnerProfileChangeProposed',
      data: {
        partnerId: state.partnerId,
        proposedFields,
        ...values,
        proposedBy: input.proposedBy!,
        proposedAt: input.at,
      } as DataOf<'PartnerProfileChangeProposed'>,
    });
  }
  return events;
}

/** The vendor confirms the pending proposal: the values become the profile (PartnerProfileUpdated). */
function confirmProfile(command: ConfirmPartnerProfile, state: RegisteredPartner): Events {
  const { confirmedBy, at } = command.data;
  const v = new Violations();
  v.check(isText(confirmedBy), 'confirmedBy', 'must name the vendor user');
  checkAt(at, v);
  v.throwIfAny();
  const proposed = state.proposed as Record<string, unknown> | null;
  if (!proposed) return [];
  const employeeCount = (proposed.employeeCount as number | undefined) ?? state.profile.employeeCount;
  const salesReps = (proposed.salesReps as number | undefined) ?? state.profile.salesReps;
  checkSalesReps(employeeCount, salesReps, v);
  if (v.any)
    throw DomainError.precondition(
      `the proposed values cannot be confirmed together with the profile: ${salesReps} sales reps > ${employeeCount} employees`,
      { employeeCount, salesReps },
    );
  const changedFields = SELF_REPORTED_PROFILE_FIELDS.filter((f) => proposed[f] !== undefined);
  const values: Record<string, unknown> = {};
  for (const f of changedFields) values[f] = proposed[f];
  return [
    {
      type: 'PartnerProfileUpdated',
      data: { partnerId: state.partnerId, ...values, changedFields } as DataOf<'PartnerProfileUpdated'>,
    },
  ];
}

// ---------------------------------------------------------------- journey

function missingRequiredSteps(state: RegisteredPartner): readonly OnboardingStepDefinition[] {
  return state.checklist.filter((step) => step.required && state.completedSteps[step.step] === undefined);
}

function advanceJourney(command: AdvanceJourney, state: RegisteredPartner): Events {
  const { stage, reason, at } = command.data;
  const v = new Violations();
  const known = JourneyStage.safeParse(stage);
  if (!known.success)
    v.add('stage', `must be one of ${JOURNEY_STAGES.join(', ')} (got ${JSON.stringify(stage)})`);
  else {
    const ownCommand = STAGES_REACHED_BY_OWN_COMMAND[known.data];
    if (ownCommand) v.add('stage', `${known.data} is reached with ${ownCommand}, not AdvanceJourney`);
  }
  v.check(
    reason === undefined || (typeof reason === 'string' && reason.length <= 1000),
    'reason',
    'must be at most 1000 characters',
  );
  checkAt(at, v);
  v.throwIfAny();
  const to = known.data!;
  if (to === state.stage) return [];
  if (!canMove(state.stage, to)) throw refuseTransition(state, to);
  if (to === 'enabled') {
    const missing = missingRequiredSteps(state);
    if (missing.length > 0)
      throw DomainError.precondition(
        `stage: cannot enable the partner before every required onboarding step is completed; missing: ${missing
          .map((s) => `${s.step} (${s.name})`)
          .join(', ')}`,
        { missingSteps: missing.map((s) => s.step) },
      );
  }
  return [stageEvent(state, to, at, reason)];
}

/*
 * The first-deal stages come from the deals service's events and are idempotent: only the
 * first deal moves the stage, a redelivered or later deal changes nothing. A deal reported
 * before the partner is enabled is refused (FAILED_PRECONDITION): the consumer logs it,
 * and the journey stays honest about onboarding.
 */
function firstDeal(
  command: RecordFirstDealRegistered | RecordFirstDealWon,
  state: RegisteredPartner,
  stage: 'first_deal_registered' | 'first_deal_won',
): Events {
  const v = new Violations();
  v.check(isText(command.data.dealId), 'dealId', 'must not be empty');
  checkAt(command.data.at, v);
  v.throwIfAny();
  const reached = stage === 'first_deal_registered' ? state.firstDealRegistered : state.firstDealWon;
  if (reached || pathIndex(state.stage) >= pathIndex(stage)) return [];
  if (!canMove(state.stage, stage)) throw refuseTransition(state, stage);
  return [stageEvent(state, stage, command.data.at, `deal ${command.data.dealId}`)];
}

// ---------------------------------------------------------------- onboarding

/** Steps may be completed from agreement_signed on (the contract is the agreement's paperwork). */
function completeOnboardingStep(command: CompleteOnboardingStep, state: RegisteredPartner): Events {
  const { step, completedBy, byPartner, at } = command.data;
  const v = new Violations();
  const definition = state.checklist.find((s) => s.step === step);
  if (!definition)
    v.add(
      'step',
      `unknown onboarding step ${JSON.stringify(step)}; known steps: ${state.checklist.map((s) => s.step).join(', ')}`,
    );
  v.check(isText(completedBy), 'completedBy', 'must name who completed the step');
  checkAt(at, v);
  v.throwIfAny();
  if (state.completedSteps[step] !== undefined) return [];
  if (pathIndex(state.stage) < pathIndex('agreement_signed'))
    throw DomainError.precondition(
      `onboarding steps can be completed once the agreement is signed; the partner is at stage ${state.stage}`,
      { stage: state.stage },
    );
  if (byPartner && VENDOR_CONFIRMED_STEPS.includes(step)) {
    if (state.submittedSteps[step] !== undefined) return [];
    return [
      {
        type: 'OnboardingStepSubmitted',
        data: {
          partnerId: state.partnerId,
          step,
          stepName: definition!.name,
          submittedBy: completedBy,
          submittedAt: at,
        },
      },
    ];
  }
  const submittedBy = state.submittedSteps[step];
  return [
    {
      type: 'OnboardingStepCompleted',
      data: {
        partnerId: state.partnerId,
        step,
        stepName: definition!.name,
        completedAt: at,
        completedBy,
        ...(submittedBy !== undefined ? { submittedBy } : {}),
      },
    },
  ];
}

// ---------------------------------------------------------------- tiers

function changeTier(command: ChangeTier, state: RegisteredPartner): Events {
  const { program, tier, effectiveFrom, override, reason, at } = command.data;
  const facts = command.data.facts && {
    ...command.data.facts,
    trailing12MonthRevenue: normalizeMoney(command.data.facts.trailing12MonthRevenue),
  };
  const v = new Violations();
  const programTier = Array.isArray(program?.tiers) ? program.tiers.find((t) => t.tier === tier) : undefined;
  if (!PartnerTier.safeParse(tier).success)
    v.add('tier', `must be one of ${PartnerTier.options.join(', ')} (got ${JSON.stringify(tier)})`);
  else if (!programTier)
    v.add(
      'tier',
      `${tier} is not a tier of program ${JSON.stringify(program?.name)}; its tiers: ${(program?.tiers ?? []).map((t) => t.tier).join(', ')}`,
    );
  else
    v.check(
      Number.isFinite(programTier.discountPercent) &&
        programTier.discountPercent >= 0 &&
        programTier.discountPercent <= 100,
      'program.tiers.discountPercent',
      `must be 0..100 for tier ${tier}`,
    );
  checkDate(effectiveFrom, 'effectiveFrom', v);
  checkCount('facts.certifiedPeople', facts?.certifiedPeople, v);
  for (const p of moneyProblems(facts?.trailing12MonthRevenue, 'facts.trailing12MonthRevenue'))
    v.add(p.field, p.reason);
  if (override !== undefined) {
    v.check(isText(override.by), 'override.by', 'must name the vendor admin');
    v.check(isText(override.reason, 1000), 'override.reason', 'must say why the requirements are waived');
  }
  v.check(reason === undefined || isText(reason, 1000), 'reason', 'must be text of 1 to 1000 characters');
  checkAt(at, v);
  v.throwIfAny();
  if (override !== undefined && override.role !== 'vendor_admin')
    throw DomainError.permissionDenied(
      `override.role: only a vendor_admin may override tier requirements (got ${JSON.stringify(override.role)})`,
    );

  const chosen = programTier!;
  const last = state.tierHistory[state.tierHistory.length - 1];
  if (last && effectiveFrom < last.effectiveFrom)
    throw DomainError.precondition(
      `effectiveFrom: dates out of order: ${effectiveFrom} is before the last tier change, effective ${last.effectiveFrom}`,
      { lastEffectiveFrom: last.effectiveFrom },
    );
  if (last && last.tier === chosen.tier && last.discountPercent === chosen.discountPercent) return [];

  const unmet = unmetRequirements(chosen.requirements, facts, at.slice(0, 10));
  if (unmet.length > 0 && override === undefined)
    throw DomainError.precondition(
      `tier ${chosen.tier} of program ${program.name}: requirements not met: ${unmet
        .map((u) => `${u.requirement} ${u.actual} (required ${u.required})`)
        .join('; ')}; a vendor_admin may override with a reason`,
      { unmet },
    );
  const overridden = unmet.length > 0;
  const eventReason = override?.reason.trim() ?? reason?.trim();
  return [
    {
      type: 'PartnerTierChanged',
      data: {
        partnerId: state.partnerId,
        tier: chosen.tier,
        previousTier: state.tier,
        discountPercent: chosen.discountPercent,
        effectiveFrom,
        ...(eventReason !== undefined ? { reason: eventReason } : {}),
        ...(overridden
          ? { overriddenBy: override!.by, waivedRequirements: unmet.map((u) => ({ ...u })) }
          : {}),
      },
    },
  ];
}

/**
 * Requirements the facts do not meet, compared exactly. A revenue requirement in another currency
 * than the revenue (the reporting currency) is converted at the rate recorded for `day`; without
 * one it cannot be shown met, and the refusal says which rate is missing.
 */
function unmetRequirements(
  requirements: ChangeTier['data']['program']['tiers'][number]['requirements'],
  facts: ChangeTier['data']['facts'],
  day: string,
): UnmetRequirement[] {
  const unmet: UnmetRequirement[] = [];
  if (requirements.certifiedPeople !== undefined && facts.certifiedPeople < requirements.certifiedPeople)
    unmet.push({
      requirement: 'certifiedPeople',
      actual: String(facts.certifiedPeople),
      required: String(requirements.certifiedPeople),
    });
  const revenue = requirements.trailing12MonthRevenue;
  if (revenue !== undefined) {
    const currency = facts.trailing12MonthRevenue.currency;
    const actual = toMicros(facts.trailing12MonthRevenue.amount);
    const uncounted = (facts.unconvertedRevenue ?? [])
      .map((m) => `${formatMoney(toMicros(m.amount), m.currency)} without a recorded rate into ${currency}`)
      .join(', ');
    const actualText = formatMoney(actual, currency) + (uncounted ? ` (not counted: ${uncounted})` : '');
    const rate = rateMicrosOn(facts.exchangeRates ?? [], revenue.currency, currency, day);
    if (rate === null)
      unmet.push({
        requirement: 'trailing12MonthRevenue',
        actual: actualText,
        required: `${formatMoney(toMicros(revenue.amount), revenue.currency)} (no recorded ${revenue.currency}→${currency} rate on ${day})`,
      });
    else {
      const required = convertMicros(toMicros(revenue.amount), rate);
      if (actual < required)
        unmet.push({
          requirement: 'trailing12MonthRevenue',
          actual: actualText,
          required:
            revenue.currency === currency
              ? formatMoney(required, currency)
              : `${formatMoney(required, currency)} (${formatMoney(toMicros(revenue.amount), revenue.currency)} at ${fromMicros(rate)})`,
        });
    }
  }
  return unmet;
}

// ---------------------------------------------------------------- PAM

function assignPam(command: AssignPam, state: RegisteredPartner): Events {
  const { pamId, pamPartnerCount, capacity = DEFAULT_PAM_CAPACITY, at } = command.data;
  const v = new Violations();
  v.check(isText(pamId), 'pamId', 'must not be empty');
  checkCount('pamPartnerCount', pamPartnerCount, v);
  v.check(Number.isInteger(capacity) && capacity > 0, 'capacity', 'must be a positive integer');
  checkAt(at, v);
  v.throwIfAny();
  if (state.pamId === pamId) return [];
  const partnerCount = pamPartnerCount + 1;
  const events: Events = [
    {
      type: 'PamAssigned',
      data: { partnerId: state.partnerId, pamId, previousPamId: state.pamId, pamPartnerCount: partnerCount },
    },
  ];
  if (partnerCount > capacity)
    events.push({
      type: 'PamOverCapacity',
      data: { partnerId: state.partnerId, pamId, partnerCount, capacity },
    });
  return events;
}

// ---------------------------------------------------------------- enablement

function grantCertification(command: GrantCertification, state: RegisteredPartner): Events {
  const { certificationId, certificationCode, certificationName, holderId, grantedOn, expiresOn } =
    command.data;
  const v = new Violations();
  v.check(isUuid(certificationId), 'certificationId', 'must be a UUID');
  v.check(
    Slug.safeParse(certificationCode).success,
    'certificationCode',
    'must be a lower-case key such as "sales-professional"',
  );
  v.check(isText(certificationName), 'certificationName', 'must be text of 1 to 200 characters');
  v.check(isText(holderId), 'holderId', 'must identify the certified person');
  const datesOk =
    checkDate(grantedOn, 'grantedOn', v) && (expiresOn === null || checkDate(expiresOn, 'expiresOn', v));
  if (datesOk && expiresOn !== null && expiresOn < grantedOn)
    v.add('expiresOn', `dates out of order: expires ${expiresOn}, before it was granted on ${grantedOn}`);
  v.throwIfAny();
  const data: DataOf<'CertificationGranted'> = {
    partnerId: state.partnerId,
    certificationId,
    certificationCode,
    certificationName: certificationName.trim(),
    holderId,
    grantedOn,
    expiresOn,
  };
  const existing = state.certifications[certificationId];
  if (existing) {
    if (JSON.stringify(existing.data) === JSON.stringify(data)) return [];
    throw DomainError.alreadyExists(
      `certificationId: certificate ${certificationId} was already granted with other data`,
      {
        certificationId,
      },
    );
  }
  return [{ type: 'CertificationGranted', data }];
}

/** Certificates are valid through their expiresOn day; the day after, the scheduler expires them. */
function expireCertifications(command: ExpireCertifications, state: RegisteredPartner): Events {
  const { today } = command.data;
  const v = new Violations();
  checkDate(today, 'today', v);
  v.throwIfAny();
  const events: Events = [];
  for (const { data, expired } of Object.values(state.certifications)) {
    if (expired || data.expiresOn === null || data.expiresOn >= today) continue;
    events.push({
      type: 'CertificationExpired',
      data: {
        partnerId: state.partnerId,
        certificationId: data.certificationId,
        certificationCode: data.certificationCode,
        holderId: data.holderId,
        expiredOn: data.expiresOn,
      },
    });
  }
  return events;
}

function recordTraining(command: RecordTraining, state: RegisteredPartner): Events {
  const { trainingCode, trainingName, attendeeId, completedAt, hours, score } = command.data;
  const v = new Violations();
  v.check(
    Slug.safeParse(trainingCode).success,
    'trainingCode',
    'must be a lower-case key such as "product-101"',
  );
  v.check(isText(trainingName), 'trainingName', 'must be text of 1 to 200 characters');
  v.check(isText(attendeeId), 'attendeeId', 'must identify the person who completed the training');
  checkAt(completedAt, v, 'completedAt');
  if (hours !== undefined) checkRange(v, 'hours', hours, BOUNDS.trainingHours);
  v.check(
    score === undefined || (Number.isFinite(score) && score >= 0 && score <= 100),
    'score',
    'must be 0..100',
  );
  v.throwIfAny();
  // The same person finishing the same training at the same moment is a redelivery, not a second training.
  if (state.trainings.includes(trainingKey(command.data))) return [];
  return [
    {
      type: 'TrainingCompleted',
      data: {
        partnerId: state.partnerId,
        trainingCode,
        trainingName: trainingName.trim(),
        attendeeId,
        completedAt,
        ...(hours !== undefined ? { hours } : {}),
        ...(score !== undefined ? { score } : {}),
      },
    },
  ];
}

function allocateMdf(command: AllocateMdf, state: RegisteredPartner): Events {
  const { allocationId, validFrom, validUntil, purpose } = command.data;
  const amount = normalizeMoney(command.data.amount);
  const v = new Violations();
  v.check(isUuid(allocationId), 'allocationId', 'must be a UUID');
  const problems = moneyProblems(amount, 'amount');
  for (const p of problems) v.add(p.field, p.reason);
  if (problems.length === 0 && toMicros(amount.amount) === 0n)
    v.add('amount.amount', 'must be more than zero');
  const datesOk = checkDate(validFrom, 'validFrom', v) && checkDate(validUntil, 'validUntil', v);
  if (datesOk && validUntil < validFrom)
    v.add('validUntil', `dates out of order: ${validUntil} is before validFrom ${validFrom}`);
  v.check(
    purpose === undefined || (typeof purpose === 'string' && purpose.length <= 1000),
    'purpose',
    'must be at most 1000 characters',
  );
  v.throwIfAny();
  const existing = state.mdfAllocations[allocationId];
  if (existing) {
    const same =
      existing.amount.currency === amount.currency &&
      toMicros(existing.amount.amount) === toMicros(amount.amount) &&
      existing.validFrom === validFrom &&
      existing.validUntil === validUntil;
    if (same) return [];
    throw DomainError.alreadyExists(
      `allocationId: MDF allocation ${allocationId} already exists with other data`,
      {
        allocationId,
      },
    );
  }
  return [
    {
      type: 'MdfAllocated',
      data: {
        partnerId: state.partnerId,
        allocationId,
        amount: { amount: amount.amount, currency: amount.currency },
        validFrom,
        validUntil,
        ...(purpose !== undefined ? { purpose } : {}),
      },
    },
  ];
}

function spendMdf(command: SpendMdf, state: RegisteredPartner): Events {
  const { allocationId, spendId, spentOn, activity, claimReference, claimedBy } = command.data;
  const amount = normalizeMoney(command.data.amount);
  const v = new Violations();
  v.check(isUuid(allocationId), 'allocationId', 'must be a UUID');
  v.check(isUuid(spendId), 'spendId', 'must be a UUID');
  v.check(claimedBy === undefined || isText(claimedBy), 'claimedBy', 'must name the partner user');
  const problems = moneyProblems(amount, 'amount');
  for (const p of problems) v.add(p.field, p.reason);
  if (problems.length === 0 && toMicros(amount.amount) === 0n)
    v.add('amount.amount', 'must be more than zero');
  checkDate(spentOn, 'spentOn', v);
  v.check(isText(activity, 1000), 'activity', 'must say what the money was spent on');
  v.check(
    claimReference === undefined || isText(claimReference),
    'claimReference',
    'must be text of 1 to 200 characters',
  );
  const allocation = state.mdfAllocations[allocationId];
  if (allocation && problems.length === 0 && amount.currency !== allocation.amount.currency)
    v.add(
      'amount.currency',
      `must be ${allocation.amount.currency}, the currency of allocation ${allocationId}`,
    );
  v.throwIfAny();

  const earlier = state.mdfSpends[spendId] ?? state.mdfClaims[spendId];
  if (earlier) {
    const same =
      earlier.allocationId === allocationId &&
      toMicros(earlier.amount.amount) === toMicros(amount.amount) &&
      earlier.spentOn === spentOn;
    if (same) return [];
    throw DomainError.alreadyExists(`spendId: spend ${spendId} was already recorded with other data`, {
      spendId,
    });
  }
  if (!allocation)
    throw DomainError.notFound(
      `allocationId: partner ${state.partnerId} has no MDF allocation ${allocationId}`,
      {
        allocationId,
      },
    );
  if (spentOn < allocation.validFrom || spentOn > allocation.validUntil)
    throw DomainError.precondition(
      `spentOn: ${spentOn} is outside the allocation’s validity, ${allocation.validFrom} to ${allocation.validUntil}`,
      { validFrom: allocation.validFrom, validUntil: allocation.validUntil },
    );
  const unspent = availableMicros(state, allocationId, allocation);
  if (toMicros(amount.amount) > unspent) {
    const unspentMoney: Money = { amount: fromMicros(unspent), currency: allocation.amount.currency };
    throw DomainError.precondition(
      `amount: ${formatMoney(toMicros(amount.amount), amount.currency)} exceeds the unspent ${formatMoney(unspent, allocation.amount.currency)} of MDF allocation ${allocationId}`,
      { unspent: unspentMoney },
    );
  }
  const spend = {
    partnerId: state.partnerId,
    allocationId,
    spendId,
    amount: { amount: amount.amount, currency: amount.currency },
    spentOn,
    activity: activity.trim(),
    ...(claimReference !== undefined ? { claimReference } : {}),
  };
  // A partner user's report is a claim: the money is spent when the vendor confirms it.
  if (claimedBy !== undefined) return [{ type: 'MdfSpendClaimed', data: { ...spend, claimedBy } }];
  return [{ type: 'MdfSpent', data: spend }];
}

/** What may still be spent from an allocation: the unspent amount less the claims awaiting confirmation. */
function availableMicros(
  state: RegisteredPartner,
  allocationId: string,
  allocation: RegisteredPartner['mdfAllocations'][string],
  exceptSpendId?: string,
): bigint {
  let pending = 0n;
  for (const claim of Object.values(state.mdfClaims))
    if (claim.allocationId === allocationId && claim.spendId !== exceptSpendId)
      pending += toMicros(claim.amount.amount);
  return unspentMicros(allocation) - pending;
}

/** The vendor confirms a partner's claim: MdfSpent with who claimed and who confirmed. */
function confirmMdfSpend(command: ConfirmMdfSpend, state: RegisteredPartner): Events {
  const { spendId, confirmedBy } = command.data;
  const v = new Violations();
  v.check(isUuid(spendId), 'spendId', 'must be a UUID');
  v.check(isText(confirmedBy), 'confirmedBy', 'must name the vendor user');
  v.throwIfAny();
  if (state.mdfSpends[spendId]) return [];
  const claim = state.mdfClaims[spendId];
  if (!claim)
    throw DomainError.notFound(`spendId: partner ${state.partnerId} has no MDF claim ${spendId}`, {
      spendId,
    });
  const allocation = state.mdfAllocations[claim.allocationId]!;
  const available = availableMicros(state, claim.allocationId, allocation, spendId);
  if (toMicros(claim.amount.amount) > available)
    throw DomainError.precondition(
      `amount: the claim of ${formatMoney(toMicros(claim.amount.amount), claim.amount.currency)} exceeds the unspent ${formatMoney(available, allocation.amount.currency)} of MDF allocation ${claim.allocationId}`,
      {
        unspent: {
          amount: fromMicros(available < 0n ? 0n : available),
          currency: allocation.amount.currency,
        },
      },
    );
  const { claimedBy, ...spend } = claim;
  return [{ type: 'MdfSpent', data: { ...spend, claimedBy, confirmedBy } }];
}

// ---------------------------------------------------------------- churn and reactivation

const CHURN_REASONS = PartnerChurnedData.shape.reason.options;
type ChurnReason = (typeof CHURN_REASONS)[number];

function churn(command: ChurnPartner, state: RegisteredPartner): Events {
  const { reason, note, lastDealWonOn, at } = command.data;
  const v = new Violations();
  v.check(
    (CHURN_REASONS as readonly string[]).includes(reason),
    'reason',
    `must be one of ${CHURN_REASONS.join(', ')} (got ${JSON.stringify(reason)})`,
  );
  v.check(
    note === undefined || (typeof note === 'string' && note.length <= 2000),
    'note',
    'must be at most 2000 characters',
  );
  if (lastDealWonOn !== undefined && lastDealWonOn !== null) checkDate(lastDealWonOn, 'lastDealWonOn', v);
  checkAt(at, v);
  v.throwIfAny();
  return [
    {
      type: 'PartnerChurned',
      data: {
        partnerId: state.partnerId,
        reason: reason as ChurnReason,
        ...(note !== undefined ? { note } : {}),
        ...(lastDealWonOn !== undefined ? { lastDealWonOn } : {}),
      },
    },
    stageEvent(state, 'churned', at, reason),
  ];
}

function reactivate(command: ReactivatePartner, state: RegisteredPartner): Events {
  const { note, at } = command.data;
  const v = new Violations();
  v.check(
    note === undefined || (typeof note === 'string' && note.length <= 2000),
    'note',
    'must be at most 2000 characters',
  );
  checkAt(at, v);
  v.throwIfAny();
  if (state.stage !== 'churned')
    throw DomainError.precondition(
      `only a churned partner can be reactivated; the partner is at stage ${state.stage}`,
      {
        stage: state.stage,
      },
    );
  return [
    {
      type: 'PartnerReactivated',
      data: { partnerId: state.partnerId, reactivatedAt: at, ...(note !== undefined ? { note } : {}) },
    },
    stageEvent(state, 'contacted', at),
  ];
}

// ---------------------------------------------------------------- dormancy

const DAY_MS = 86_400_000;

/** The partner's latest activity (deal registered, won, training), or when it became active. */
export function lastActivity(
  state: RegisteredPartner,
  deals: { lastDealRegisteredAt: string | null; lastDealWonAt: string | null },
): { kind: DataOf<'PartnerDormancyDetected'>['lastActivityKind']; at: string } | null {
  const candidates: Array<[DataOf<'PartnerDormancyDetected'>['lastActivityKind'], string | null]> = [
    ['became_active', state.activeSince],
    ['deal_registered', deals.lastDealRegisteredAt],
    ['deal_won', deals.lastDealWonAt],
    ['training', state.lastTrainingAt],
  ];
  let latest: { kind: DataOf<'PartnerDormancyDetected'>['lastActivityKind']; at: string } | null = null;
  for (const [kind, at] of candidates)
    if (at !== null && (latest === null || Date.parse(at) >= Date.parse(latest.at))) latest = { kind, at };
  return latest;
}

/*
 * An active partner with no deal registration, no win and no training for the configured period
 * becomes dormant: PartnerDormancyDetected (what the last activity was, and when) and the stage.
 * Any other stage changes nothing (the scheduler may race a stage change), so repeated runs are safe.
 */
function detectDormancy(command: DetectDormancy, state: RegisteredPartner): Events {
  const { dormantAfterDays, lastDealRegisteredAt, lastDealWonAt, at } = command.data;
  const v = new Violations();
  v.check(
    Number.isInteger(dormantAfterDays) && dormantAfterDays >= 1,
    'dormantAfterDays',
    'must be a positive whole number of days',
  );
  if (lastDealRegisteredAt !== null) checkAt(lastDealRegisteredAt, v, 'lastDealRegisteredAt');
  if (lastDealWonAt !== null) checkAt(lastDealWonAt, v, 'lastDealWonAt');
  checkAt(at, v);
  v.throwIfAny();
  if (state.stage !== 'active') return [];
  const last = lastActivity(state, { lastDealRegisteredAt, lastDealWonAt }) ?? {
    kind: 'became_active' as const,
    at: state.stageReachedAt,
  };
  const inactiveDays = Math.floor((Date.parse(at) - Date.parse(last.at)) / DAY_MS);
  if (inactiveDays < dormantAfterDays) return [];
  return [
    {
      type: 'PartnerDormancyDetected',
      data: {
        partnerId: state.partnerId,
        lastActivityKind: last.kind,
        lastActivityAt: last.at,
        inactiveDays,
        dormantAfterDays,
      },
    },
    stageEvent(
      state,
      'dormant',
      at,
      `no deal registration, win or training for ${inactiveDays} days (dormant after ${dormantAfterDays})`,
    ),
  ];
}

// ---------------------------------------------------------------- the decider

/**
 * Commands still accepted from a churned partner: reactivation, and the scheduler's
 * certificate expiry (a calendar fact, and a nightly job must not fail on churned partners) and
 * its dormancy check (which changes nothing but an active partner).
 */
const ALLOWED_WHEN_CHURNED: ReadonlySet<PartnerCommand['type']> = new Set([
  'ReactivatePartner',
  'ExpireCertifications',
  'DetectDormancy',
]);

export function decidePartner(command: PartnerCommand, state: PartnerState): readonly PartnerEvent[] {
  if (command.type === 'RegisterPartner') return register(command, state);
  if (state.status === 'Unregistered') throw notRegistered();
  if (state.stage === 'churned' && !ALLOWED_WHEN_CHURNED.has(command.type))
    throw refuseChurned(state, command.type);
  switch (command.type) {
    case 'UpdatePartnerProfile':
      return updateProfile(command, state);
    case 'AdvanceJourney':
      return advanceJourney(command, state);
    case 'RecordFirstDealRegistered':
      return firstDeal(command, state, 'first_deal_registered');
    case 'RecordFirstDealWon':
      return firstDeal(command, state, 'first_deal_won');
    case 'CompleteOnboardingStep':
      return completeOnboardingStep(command, state);
    case 'ChangeTier':
      return changeTier(command, state);
    case 'AssignPam':
      return assignPam(command, state);
    case 'GrantCertification':
      return grantCertification(command, state);
    case 'ExpireCertifications':
      return expireCertifications(command, state);
    case 'RecordTraining':
      return recordTraining(command, state);
    case 'AllocateMdf':
      return allocateMdf(command, state);
    case 'SpendMdf':
      return spendMdf(command, state);
    case 'ChurnPartner':
      return churn(command, state);
    case 'ReactivatePartner':
      return reactivate(command, state);
    case 'DetectDormancy':
      return detectDormancy(command, state);
    case 'ConfirmPartnerProfile':
      return confirmProfile(command, state);
    case 'ConfirmMdfSpend':
      return confirmMdfSpend(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The partner aggregate, stream `partners.partner-<partnerId>`. */
export const partnerDecider: Decider<PartnerCommand, PartnerEvent, PartnerState> = {
  decide: decidePartner,
  evolve: evolvePartner,
  initialState: initialPartnerState,
};

/** The stream of one partner. */
export const partnerStreamId = (partnerId: string): string => `partners.partner-${partnerId}`;
