import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ONBOARDING_CHECKLIST } from './onboarding';
import type { CompleteOnboardingStep } from './partner.commands';
import {
  given,
  LATER,
  PARTNER_ID,
  partnerAt,
  refused,
  registeredPartner,
  stepCompleted,
} from './testing/partner.fixtures';

const complete = (step: string, completedBy = 'user:pam-anna', at = LATER): CompleteOnboardingStep => ({
  type: 'CompleteOnboardingStep',
  data: { step, completedBy, at },
});

describe('onboarding checklist', () => {
  it('the default checklist has the five standard steps; all but the distributor registration are required', () => {
    assert.deepEqual(
      DEFAULT_ONBOARDING_CHECKLIST.map((s) => [s.step, s.required]),
      [
        ['contract', true],
        ['questionnaire', true],
        ['demo_access', true],
        ['certification', true],
        ['distributor_registration', false],
      ],
    );
  });

  it('completing a step records who and when, with the step’s name', () => {
    given(partnerAt('onboarding'))
      .when(complete('demo_access'))
      .then([
        {
          type: 'OnboardingStepCompleted',
          data: {
            partnerId: PARTNER_ID,
            step: 'demo_access',
            stepName: 'Demo environment access',
            completedAt: LATER,
            completedBy: 'user:pam-anna',
          },
        },
      ]);
  });

  it('steps may be completed from agreement_signed on', () => {
    given(partnerAt('agreement_signed'))
      .when(complete('contract'))
      .then([stepCompleted('contract')]);
    given(partnerAt('enabled'))
      .when(complete('distributor_registration'))
      .then([stepCompleted('distributor_registration')]);
  });

  it('completing a step twice changes nothing', () => {
    given([...partnerAt('onboarding'), stepCompleted('contract')])
      .when(complete('contract', 'user:other'))
      .thenNothing();
  });

  it('refuses an unknown step, listing the known steps', () => {
    const error = refused(
      partnerAt('onboarding'),
      complete('training'),
      'INVALID_ARGUMENT',
      /step: unknown onboarding step "training"; known steps: contract, questionnaire, demo_access, certification, distributor_registration/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['step'],
    );
  });

  it('refuses a step before the agreement is signed', () => {
    refused(
      registeredPartner,
      complete('questionnaire'),
      'FAILED_PRECONDITION',
      /once the agreement is signed; the partner is at stage prospect/,
    );
  });

  it('refuses a completion without who', () => {
    refused(partnerAt('onboarding'), complete('contract', ' '), 'INVALID_ARGUMENT', /completedBy/);
  });

  it('refuses steps for a churned partner', () => {
    refused(
      partnerAt('churned'),
      complete('contract'),
      'FAILED_PRECONDITION',
      /churned: CompleteOnboardingStep is refused/,
    );
  });
});
