import { DEFAULT_PROGRAM_TIERS, type DataOf } from '@prm/contracts';
import { Violations } from '@prm/domain';
import { eventDataOf } from './event-data';
import { DEFAULT_ONBOARDING_CHECKLIST, type OnboardingStepDefinition } from './onboarding';
import type { Program } from './program';

export type ProgramDefinition = DataOf<'PartnerProgramDefined'>;

/** Validates a partner program (every bad field named at once) and returns its event payload. */
export function defineProgram(input: unknown): ProgramDefinition {
  const program = eventDataOf('PartnerProgramDefined', input);
  const v = new Violations();
  const seenTiers = new Set<string>();
  program.tiers.forEach((t, i) => {
    if (seenTiers.has(t.tier)) v.add(`tiers[${i}].tier`, `${t.tier} appears twice`);
    seenTiers.add(t.tier);
  });
  const seenSteps = new Set<string>();
  program.onboardingChecklist.forEach((s, i) => {
    if (seenSteps.has(s.step)) v.add(`onboardingChecklist[${i}].step`, `${s.step} appears twice`);
    seenSteps.add(s.step);
  });
  v.throwIfAny();
  return program;
}

/** The built-in program, used when a partner names none (or "default" was never redefined). */
export const DEFAULT_PROGRAM_DEFINITION: ProgramDefinition = {
  program: 'default',
  name: 'Partner program',
  tiers: DEFAULT_PROGRAM_TIERS,
  onboardingChecklist: [...DEFAULT_ONBOARDING_CHECKLIST],
};

export function programOf(definition: ProgramDefinition): Program {
  return { name: definition.program, tiers: definition.tiers };
}

export function checklistOf(definition: ProgramDefinition): readonly OnboardingStepDefinition[] {
  return definition.onboardingChecklist;
}
