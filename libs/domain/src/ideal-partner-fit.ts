/*
 * Fit of a partner to the vendor's ideal partner profile (IdealPartnerProfileDefined), one rule
 * for every context: the partners service shows it with reasons, the metrics service scores
 * with it. Six criteria, each matched or not, weighted by the profile's weights scaled to sum
 * to 100; no weights (or all zero) means equal weights; an empty list or range accepts anything.
 * The shapes are structural (this library depends on nothing): the contract's types fit them.
 */

type Range = { min?: number; max?: number };

/** The profile fields the rule reads (IdealPartnerProfileDefined's data). */
export interface IdealProfileCriteria {
  partnerTypes: readonly string[];
  employeeCount?: Range;
  salesReps?: Range;
  countries: readonly string[];
  regions?: readonly string[];
  specializations: readonly string[];
  clientSegments: readonly string[];
  industries: readonly string[];
  weights?: Partial<Record<FitCriterion, number>>;
}

/** The partner profile fields a fit score reads. */
export interface FitInput {
  type: string;
  employeeCount: number;
  salesReps: number;
  country: string;
  region?: string | null;
  specializations: readonly string[];
  clientSegments: readonly string[];
  industries: readonly string[];
}

export type FitCriterion =
  'partnerType' | 'size' | 'geography' | 'specialization' | 'clientSegments' | 'industries';

export const FIT_CRITERIA: readonly FitCriterion[] = [
  'partnerType',
  'size',
  'geography',
  'specialization',
  'clientSegments',
  'industries',
];

export interface CriterionResult {
  readonly criterion: FitCriterion;
  /** The criterion's share of the score, normalized so all weights sum to 100. */
  readonly weight: number;
  readonly matched: boolean;
  readonly detail: string;
}

export interface FitScore {
  /** 0..100, the sum of the matched criteria's normalized weights, rounded. */
  readonly score: number;
  readonly criteria: readonly CriterionResult[];
}

/**
 * Weights as the vendor set them, scaled to sum to 100 (so 1:1:2 and 25:25:50 mean the
 * same). No weights at all, or weights that are all zero, mean equal weights; a criterion
 * missing from weights that are given has weight 0 (it is shown, but does not count).
 */
export function normalizedWeights(weights: IdealProfileCriteria['weights']): Record<FitCriterion, number> {
  const raw = Object.fromEntries(FIT_CRITERIA.map((c) => [c, weights ? (weights[c] ?? 0) : 1])) as Record<
    FitCriterion,
    number
  >;
  let total = FIT_CRITERIA.reduce((sum, c) => sum + raw[c], 0);
  if (total <= 0) {
    for (const c of FIT_CRITERIA) raw[c] = 1;
    total = FIT_CRITERIA.length;
  }
  return Object.fromEntries(FIT_CRITERIA.map((c) => [c, (raw[c] * 100) / total])) as Record<
    FitCriterion,
    number
  >;
}

const lower = (values: readonly string[]) => values.map((value) => value.trim().toLowerCase());

function inRange(value: number, range: Range | undefined): boolean {
  return (range?.min === undefined || value >= range.min) && (range?.max === undefined || value <= range.max);
}

function describeRange(what: string, range: Range | undefined): string {
  if (range?.min !== undefined && range.max !== undefined) return `${what} ${range.min}–${range.max}`;
  if (range?.min !== undefined) return `${what} ≥ ${range.min}`;
  if (range?.max !== undefined) return `${what} ≤ ${range.max}`;
  return `any ${what}`;
}

/** Case-insensitive overlap of a partner's values with the profile's; an empty profile list fits anything. */
function overlap(
  what: string,
  wanted: readonly string[],
  has: readonly string[],
): { matched: boolean; detail: string } {
  if (wanted.length === 0) return { matched: true, detail: `any ${what} fits` };
  const common = has.filter((value) => lower(wanted).includes(value.trim().toLowerCase()));
  return common.length > 0
    ? { matched: true, detail: `${what} ${common.join(', ')} wanted` }
    : {
        matched: false,
        detail: `none of ${has.length > 0 ? has.join(', ') : '(none)'} among wanted ${what}: ${wanted.join(', ')}`,
      };
}

function matchCriterion(
  criterion: FitCriterion,
  profile: IdealProfileCriteria,
  partner: FitInput,
): { matched: boolean; detail: string } {
  switch (criterion) {
    case 'partnerType':
      if (profile.partnerTypes.length === 0) return { matched: true, detail: 'any partner type fits' };
      return profile.partnerTypes.includes(partner.type)
        ? { matched: true, detail: `type ${partner.type} is wanted` }
        : { matched: false, detail: `type ${partner.type} is not among ${profile.partnerTypes.join(', ')}` };
    case 'size': {
      const employeesOk = inRange(partner.employeeCount, profile.employeeCount);
      const repsOk = inRange(partner.salesReps, profile.salesReps);
      const detail =
        `${partner.employeeCount} employees (${describeRange('employee count', profile.employeeCount)}), ` +
        `${partner.salesReps} sales reps (${describeRange('number of sales reps', profile.salesReps)})`;
      return { matched: employeesOk && repsOk, detail };
    }
    case 'geography': {
      const countryOk = profile.countries.length === 0 || profile.countries.includes(partner.country);
      const regions = profile.regions ?? [];
      const regionOk =
        regions.length === 0 ||
        (partner.region != null && lower(regions).includes(partner.region.trim().toLowerCase()));
      const where = partner.region ? `${partner.country}, ${partner.region}` : partner.country;
      const wanted =
        (profile.countries.length ? profile.countries.join(', ') : 'any country') +
        (regions.length ? `; regions ${regions.join(', ')}` : '');
      return {
        matched: countryOk && regionOk,
        detail: `${where} ${countryOk && regionOk ? 'is within' : 'is outside'} ${wanted}`,
      };
    }
    case 'specialization':
      return overlap('specializations', profile.specializations, partner.specializations);
    case 'clientSegments':
      return overlap('client segments', profile.clientSegments, partner.clientSegments);
    case 'industries':
      return overlap('industries', profile.industries, partner.industries);
    default: {
      const unhandled: never = criterion;
      return unhandled;
    }
  }
}

/**
 * How well a partner fits the vendor's ideal partner profile: each criterion matched or
 * not, with why, weighted by the profile's (normalized) weights. A criterion whose profile
 * list or range is empty accepts any partner ("empty means any" in the contract).
 */
export function fitScore(profile: IdealProfileCriteria, partner: FitInput): FitScore {
  const weights = normalizedWeights(profile.weights);
  const criteria = FIT_CRITERIA.map((criterion) => ({
    criterion,
    weight: Math.round(weights[criterion] * 100) / 100,
    ...matchCriterion(criterion, profile, partner),
  }));
  const exact = FIT_CRITERIA.reduce((sum, c, i) => sum + (criteria[i]!.matched ? weights[c] : 0), 0);
  return { score: Math.min(100, Math.max(0, Math.round(exact))), criteria };
}
