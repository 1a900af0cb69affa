/*
 * Fit of a partner to the vendor's ideal partner profile (IdealPartnerProfileDefined), one rule
 * for every context: the partners service shows it with reasons, the metrics service scores
 * with it. Six criteria, each matched or not. Only the criteria the vendor set (a non-empty list,
 * a range with a bound) count: a criterion left empty is shown as not set, weighs 0 and is
 * never matched, so an open field cannot make an unrelated partner fit. The set criteria share
 * the profile's weights scaled to whole numbers that sum to exactly 100 (no weights, or all
 * zero, mean equal weights), and the score is the sum of the matched criteria's shown weights.
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
  /** The criterion's share of the score, a whole number; the weights of a result sum to 100. */
  readonly weight: number;
  readonly matched: boolean;
  readonly detail: string;
}

export interface FitScore {
  /** 0..100, the sum of the matched criteria's weights (an integer). */
  readonly score: number;
  readonly criteria: readonly CriterionResult[];
}

const hasBound = (range: Range | undefined) => range?.min !== undefined || range?.max !== undefined;

/** Did the vendor set this criterion (a non-empty list, a range with a bound)? Only those count. */
export function criterionIsSet(criterion: FitCriterion, profile: IdealProfileCriteria): boolean {
  switch (criterion) {
    case 'partnerType':
      return profile.partnerTypes.length > 0;
    case 'size':
      return hasBound(profile.employeeCount) || hasBound(profile.salesReps);
    case 'geography':
      return profile.countries.length > 0 || (profile.regions ?? []).length > 0;
    case 'specialization':
      return profile.specializations.length > 0;
    case 'clientSegments':
      return profile.clientSegments.length > 0;
    case 'industries':
      return profile.industries.length > 0;
    default: {
      const unhandled: never = criterion;
      return unhandled;
    }
  }
}

/**
 * Weights as the vendor set them, scaled to sum to 100 (so 1:1:2 and 25:25:50 mean the
 * same), over the `counted` criteria (default all; fitScore passes the criteria the profile
 * sets) — the others weigh 0. No weights at all, or counted weights that are all zero, mean
 * equal weights; a counted criterion missing from weights that are given has weight 0 (it is
 * shown, but does not count). Exact values; shownWeights makes whole numbers of them.
 */
export function normalizedWeights(
  weights: IdealProfileCriteria['weights'],
  counted: readonly FitCriterion[] = FIT_CRITERIA,
): Record<FitCriterion, number> {
  const raw = Object.fromEntries(
    FIT_CRITERIA.map((c) => [c, counted.includes(c) ? (weights ? (weights[c] ?? 0) : 1) : 0]),
  ) as Record<FitCriterion, number>;
  let total = FIT_CRITERIA.reduce((sum, c) => sum + raw[c], 0);
  if (total <= 0) {
    for (const c of counted) raw[c] = 1;
    total = counted.length;
  }
  return Object.fromEntries(FIT_CRITERIA.map((c) => [c, total > 0 ? (raw[c] * 100) / total : 0])) as Record<
    FitCriterion,
    number
  >;
}

/**
 * Normalized weights as whole numbers that sum to exactly 100 (largest remainder: each is
 * rounded down, and the points left go to the largest fractions, ties in criterion order),
 * so the weights a vendor sees add up; all 0 when no criterion counts.
 */
export function shownWeights(exact: Record<FitCriterion, number>): Record<FitCriterion, number> {
  const shown = Object.fromEntries(FIT_CRITERIA.map((c) => [c, Math.floor(exact[c] + 1e-9)])) as Record<
    FitCriterion,
    number
  >;
  const total = FIT_CRITERIA.reduce((sum, c) => sum + exact[c], 0);
  let left = total > 0 ? 100 - FIT_CRITERIA.reduce((sum, c) => sum + shown[c], 0) : 0;
  const byFraction = [...FIT_CRITERIA].sort(
    (a, b) =>
      exact[b] - shown[b] - (exact[a] - shown[a]) || FIT_CRITERIA.indexOf(a) - FIT_CRITERIA.indexOf(b),
  );
  for (const c of byFraction) {
    if (left <= 0) break;
    if (exact[c] <= 0) continue;
    shown[c]++;
    left--;
  }
  return shown;
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

/** Case-insensitive overlap of a partner's values with the profile's (fitScore asks only for a list the profile sets). */
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
 * not, with why, weighted by the profile's weights over the criteria it sets (whole numbers
 * summing to 100). A criterion the profile leaves empty is not set: weight 0, never matched
 * (it neither helps nor hurts). A profile that sets nothing fits nobody (score 0).
 */
export function fitScore(profile: IdealProfileCriteria, partner: FitInput): FitScore {
  const set = FIT_CRITERIA.filter((c) => criterionIsSet(c, profile));
  const weights = shownWeights(normalizedWeights(profile.weights, set));
  const criteria: CriterionResult[] = FIT_CRITERIA.map((criterion) =>
    set.includes(criterion)
      ? { criterion, weight: weights[criterion], ...matchCriterion(criterion, profile, partner) }
      : { criterion, weight: 0, matched: false, detail: 'not set in the profile: does not count' },
  );
  const score = criteria.reduce((sum, c) => sum + (c.matched ? c.weight : 0), 0);
  return { score: Math.min(100, Math.max(0, score)), criteria };
}
