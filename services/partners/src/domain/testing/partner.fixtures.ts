import assert from 'node:assert/strict';
import { SAMPLE_IDS, type CatalogEvent, type JourneyStage } from '@prm/contracts';
import { DomainError, type DomainErrorCode } from '@prm/domain';
import { spec } from '@prm/testing';
import { JOURNEY_MAIN_PATH } from '../journey';
import { DEFAULT_ONBOARDING_CHECKLIST } from '../onboarding';
import type { PartnerCommand, RegisterPartner } from '../partner.commands';
import { partnerDecider } from '../partner.decider';
import type { PartnerEvent } from '../partner.state';

/* Shared givens for the partner specs: one registered Russian integrator and its journey. */

export const PARTNER_ID = SAMPLE_IDS.partner;
export const AT = '2025-01-10T09:00:00.000Z';
export const LATER = '2025-02-01T09:00:00.000Z';
export const VALID_INN = '7701234560';

export const registerCommand = (overrides: Partial<RegisterPartner['data']> = {}): RegisterPartner => ({
  type: 'RegisterPartner',
  data: {
    partnerId: PARTNER_ID,
    legalName: 'ООО «Интегратор Плюс»',
    country: 'RU',
    region: 'Siberia',
    website: 'https://www.Integrator-Plus.example/about',
    taxId: VALID_INN,
    type: 'integrator',
    employeeCount: 120,
    salesReps: 8,
    specializations: ['erp-implementation', 'cloud-migration'],
    clientSegments: ['mid_market', 'enterprise'],
    industries: ['retail', 'manufacturing'],
    at: AT,
    ...overrides,
  },
});

export const registered: CatalogEvent<'PartnerRegistered'> = {
  type: 'PartnerRegistered',
  data: {
    partnerId: PARTNER_ID,
    legalName: 'ООО «Интегратор Плюс»',
    country: 'RU',
    region: 'Siberia',
    websiteDomain: 'integrator-plus.example',
    taxId: { scheme: 'RU_INN', value: VALID_INN },
    type: 'integrator',
    employeeCount: 120,
    salesReps: 8,
    specializations: ['erp-implementation', 'cloud-migration'],
    clientSegments: ['mid_market', 'enterprise'],
    industries: ['retail', 'manufacturing'],
  },
};

export const checklistAssigned: PartnerEvent = {
  type: 'OnboardingChecklistAssigned',
  data: {
    partnerId: PARTNER_ID,
    steps: [
      { step: 'contract', name: 'Contract signed', required: true },
      { step: 'questionnaire', name: 'Partner questionnaire', required: true },
      { step: 'demo_access', name: 'Demo environment access', required: true },
      { step: 'certification', name: 'First certification', required: true },
      { step: 'distributor_registration', name: 'Registered with a distributor', required: false },
    ],
  },
};

export function stageReached(
  stage: JourneyStage,
  previousStage: JourneyStage | null,
  reachedAt = LATER,
  reason?: string,
): PartnerEvent {
  return {
    type: 'PartnerJourneyStageReached',
    data: {
      partnerId: PARTNER_ID,
      stage,
      previousStage,
      reachedAt,
      ...(reason !== undefined ? { reason } : {}),
    },
  };
}

export const stepCompleted = (step: string, completedAt = LATER): PartnerEvent => ({
  type: 'OnboardingStepCompleted',
  data: {
    partnerId: PARTNER_ID,
    step,
    stepName: DEFAULT_ONBOARDING_CHECKLIST.find((s) => s.step === step)!.name,
    completedAt,
    completedBy: 'user:pam-anna',
  },
});

/** A freshly registered partner: PartnerRegistered, the default checklist, prospect. */
export const registeredPartner: readonly PartnerEvent[] = [
  registered,
  checklistAssigned,
  stageReached('prospect', null, AT),
];

const PATH = JOURNEY_MAIN_PATH;

/** The events of a partner walked along the main path up to `stage` (required steps done before enabled). */
export function partnerAt(stage: JourneyStage): PartnerEvent[] {
  const events: PartnerEvent[] = [...registeredPartner];
  if (stage === 'prospect') return events;
  if (stage === 'dormant') return [...partnerAt('active'), stageReached('dormant', 'active')];
  if (stage === 'churned')
    return [...partnerAt('contacted'), stageReached('churned', 'contacted', LATER, 'inactive')];
  for (let i = 1; i <= PATH.indexOf(stage); i++) {
    if (PATH[i] === 'enabled')
      for (const step of ['contract', 'questionnaire', 'demo_access', 'certification'])
        events.push(stepCompleted(step));
    events.push(stageReached(PATH[i]!, PATH[i - 1]!));
  }
  return events;
}

/**
 * Asserts the command is refused with `code` and a message matching `message` (through the
 * given/when/then spec), and returns the error for checks on its violations and details.
 */
export function refused(
  given: readonly PartnerEvent[],
  command: PartnerCommand,
  code: DomainErrorCode,
  message: RegExp,
): DomainError {
  spec(partnerDecider).given(given).when(command).thenThrows(DomainError, message);
  const state = given.reduce(partnerDecider.evolve, partnerDecider.initialState());
  try {
    partnerDecider.decide(command, state);
  } catch (error) {
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail('expected the command to be refused');
}

export const given = (events: readonly PartnerEvent[]) => spec(partnerDecider).given(events);
