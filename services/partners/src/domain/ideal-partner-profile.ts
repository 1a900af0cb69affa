import type { DataOf } from '@prm/contracts';

export type IdealPartnerProfile = DataOf<'IdealPartnerProfileDefined'>;

// The fit rule itself is shared with the metrics service (@prm/domain).
export {
  FIT_CRITERIA,
  fitScore,
  normalizedWeights,
  type CriterionResult,
  type FitCriterion,
  type FitInput,
  type FitScore,
} from '@prm/domain';
