import { STANDARD_ONBOARDING_STEPS } from '@prm/contracts';

/** One step of an onboarding checklist; programs configure their own list. */
export interface OnboardingStepDefinition {
  readonly step: string;
  readonly name: string;
  readonly required: boolean;
}

const STEP_NAMES: Readonly<Record<(typeof STANDARD_ONBOARDING_STEPS)[number], string>> = {
  contract: 'Contract signed',
  questionnaire: 'Partner questionnaire',
  demo_access: 'Demo environment access',
  certification: 'First certification',
  distributor_registration: 'Registered with a distributor',
};

/**
 * The checklist a partner gets when its program configures none: the catalog's standard
 * step keys (`contract` is "contract signed"). Every step is required except the
 * distributor registration, which only partners buying through a distributor have.
 */
export const DEFAULT_ONBOARDING_CHECKLIST: readonly OnboardingStepDefinition[] =
  STANDARD_ONBOARDING_STEPS.map((step) => ({
    step,
    name: STEP_NAMES[step],
    required: step !== 'distributor_registration',
  }));

/**
 * Steps that gate enablement on the vendor's word: a partner user ticking one only submits it
 * (OnboardingStepSubmitted); it is completed when the vendor confirms (completes) it. The
 * contract is signed by both sides, and a certification is granted by the vendor.
 */
export const VENDOR_CONFIRMED_STEPS: readonly string[] = ['contract', 'certification'];
