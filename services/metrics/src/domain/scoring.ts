import type { Quadrant } from '@prm/contracts';
import { Violations } from '@prm/domain';

/*
 * Potential and utilization, 0..100, and the quadrant. Both scores are weighted means of
 * components in 0..1:
 *
 *   score = 100 × Σ wᵢ·cᵢ / Σ wᵢ      over the components that apply (cᵢ not null)
 *
 * A component that does not apply (no ideal partner profile yet, no overlap found by the account
 * mapping yet, no closed deal for the win rate, no MDF allocated, money held in a currency
 * without an exchange rate) is left out and the others are reweighted,
 * so a partner is not punished for what cannot be measured. Each component's `points` are its
 * share of the score; sorted, they are the "top contributing metrics" a PAM sees.
 *
 * Utilization measures revenue and activity against what the potential implies: its targets
 * are scaled by f = max(0.1, potential / 100), so a small partner is fully utilized with less.
 */

export const POTENTIAL_COMPONENTS = [
  'ippFit',
  'size',
  'salesReach',
  'segmentReach',
  'overlap',
  'enablement',
] as const;
export const UTILIZATION_COMPONENTS = [
  'revenue',
  'pipeline',
  'registrations',
  'winRate',
  'training',
  'mdf',
] as const;
export type PotentialComponent = (typeof POTENTIAL_COMPONENTS)[number];
export type UtilizationComponent = (typeof UTILIZATION_COMPONENTS)[number];

export interface ScoringConfig {
  /** The scoring version: changing any weight, target or threshold means a new version. */
  version: number;
  /** Currency money metrics are converted to for scoring (ExchangeRateRecorded rates). */
  reportingCurrency: string;
  thresholds: { potential: number; utilization: number };
  potential: {
    weights: Record<PotentialComponent, number>;
    targets: {
      employees: number;
      salesReps: number;
      clientSegments: number;
      overlapAccounts: number;
      certifiedPeople: number;
    };
  };
  utilization: {
    weights: Record<UtilizationComponent, number>;
    /** Targets of a partner at potential 100, in the reporting currency for money. */
    targets: { revenue12m: number; pipeline: number; registrations90d: number; trainings90d: number };
  };
}

export const DEFAULT_SCORING: ScoringConfig = {
  version: 1,
  reportingCurrency: 'RUB',
  thresholds: { potential: 50, utilization: 50 },
  potential: {
    weights: { ippFit: 30, size: 15, salesReach: 15, segmentReach: 10, overlap: 20, enablement: 10 },
    targets: { employees: 500, salesReps: 20, clientSegments: 4, overlapAccounts: 100, certifiedPeople: 10 },
  },
  utilization: {
    weights: { revenue: 40, pipeline: 20, registrations: 15, winRate: 10, training: 5, mdf: 10 },
    targets: { revenue12m: 50_000_000, pipeline: 100_000_000, registrations90d: 10, trainings90d: 10 },
  },
};

/** The metrics each component reads (shown with the contribution). */
export const COMPONENT_METRICS: Record<PotentialComponent | UtilizationComponent, string[]> = {
  ippFit: ['ippFit'],
  size: ['employeeCount'],
  salesReach: ['salesReps'],
  segmentReach: ['clientSegmentCount'],
  overlap: ['overlapOurProspectsTheirCustomers', 'overlapOurOpportunitiesTheirCustomers'],
  enablement: ['certifiedPeople'],
  revenue: ['wonRevenue12m'],
  pipeline: ['openPipeline'],
  registrations: ['registrations90d'],
  winRate: ['winRate'],
  training: ['trainingsCompleted90d'],
  mdf: ['mdfUtilization'],
};

export interface Contribution {
  component: string;
  metrics: string[];
  /** The component's value, 0..1. */
  value: number;
  /** Its weight as a share of the applying weights, in percent. */
  weight: number;
  /** Its part of the score (weight × value), 0..100; the parts sum to the score. */
  points: number;
}

export interface Score {
  score: number;
  contributions: Contribution[];
}

export interface PartnerScores {
  scoringVersion: number;
  potential: number;
  utilization: number;
  quadrant: Quadrant;
  potentialContributions: Contribution[];
  utilizationContributions: Contribution[];
}

const NO_CONTRIBUTIONS: Contribution[] = [];
const cap = (x: number) => Math.max(0, Math.min(1, x));
const r2 = (x: number) => Math.round(x * 100) / 100;
const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * A weighted mean on 0..100 of component values in 0..1; a component without a value or with
 * no weight does not count. The per-event paths add their components directly (nothing else
 * is allocated); combine() adds the same in the same order, so both give the same number.
 */
class WeightedMean {
  private total = 0;
  private sum = 0;
  add(value: number | null, weight: number): void {
    if (value === null || weight <= 0) return;
    this.total += weight;
    this.sum += weight * value;
  }
  score(): Score {
    return {
      score: this.total === 0 ? 0 : r1(this.sum * (100 / this.total)),
      contributions: NO_CONTRIBUTIONS,
    };
  }
}

function combine(parts: Array<[string, number | null, number]>, withContributions = true): Score {
  if (!withContributions) {
    const mean = new WeightedMean();
    for (const [, value, weight] of parts) mean.add(value, weight);
    return mean.score();
  }
  const applying = parts.filter(([, value, weight]) => value !== null && weight > 0) as Array<
    [string, number, number]
  >;
  const total = applying.reduce((s, [, , w]) => s + w, 0);
  if (total === 0) return { score: 0, contributions: [] };
  const contributions = applying
    .map(([component, value, weight]) => ({
      component,
      metrics: COMPONENT_METRICS[component as PotentialComponent] ?? [],
      value: r2(value),
      weight: r2((weight * 100) / total),
      points: r2((weight * value * 100) / total),
    }))
    .sort((a, b) => b.points - a.points || a.component.localeCompare(b.component));
  const score = r1(applying.reduce((s, [, v, w]) => s + w * v, 0) * (100 / total));
  return { score, contributions };
}

/** Money not given counts 0; null (held in a currency without a rate) stays null: left out. */
const orZero = (value: number | null | undefined) => (value === undefined ? 0 : value);

const ratioTo = (value: number | null | undefined, target: number) =>
  value === null || value === undefined ? null : target > 0 ? cap(value / target) : value > 0 ? 1 : 0;

/** Potential, 0..100, from numeric metrics (see numericMetrics). */
export function potentialScore(
  m: Record<string, number | null>,
  config: ScoringConfig,
  withContributions = true,
): Score {
  const t = config.potential.targets;
  const w = config.potential.weights;
  // The overlap applies once the mapping found accounts it counts: an account list with no
  // such overlap leaves the potential where it was (as if no list had been uploaded).
  const found =
    m.overlapOurProspectsTheirCustomers === null || m.overlapOurProspectsTheirCustomers === undefined
      ? 0
      : (m.overlapOurProspectsTheirCustomers ?? 0) + (m.overlapOurOpportunitiesTheirCustomers ?? 0);
  const overlap = found > 0 ? found : null;
  if (!withContributions) {
    // The per-event path: the same sums in the same order as combine().
    const mean = new WeightedMean();
    mean.add(m.ippFit === null || m.ippFit === undefined ? null : cap(m.ippFit / 100), w.ippFit);
    mean.add(ratioTo(m.employeeCount, t.employees), w.size);
    mean.add(ratioTo(m.salesReps, t.salesReps), w.salesReach);
    mean.add(ratioTo(m.clientSegmentCount, t.clientSegments), w.segmentReach);
    mean.add(ratioTo(overlap, t.overlapAccounts), w.overlap);
    mean.add(ratioTo(m.certifiedPeople, t.certifiedPeople), w.enablement);
    return mean.score();
  }
  return combine(
    [
      ['ippFit', m.ippFit === null || m.ippFit === undefined ? null : cap(m.ippFit / 100), w.ippFit],
      ['size', ratioTo(m.employeeCount, t.employees), w.size],
      ['salesReach', ratioTo(m.salesReps, t.salesReps), w.salesReach],
      ['segmentReach', ratioTo(m.clientSegmentCount, t.clientSegments), w.segmentReach],
      ['overlap', ratioTo(overlap, t.overlapAccounts), w.overlap],
      ['enablement', ratioTo(m.certifiedPeople, t.certifiedPeople), w.enablement],
    ],
    withContributions,
  );
}

/** Utilization, 0..100, against targets scaled by the potential. */
export function utilizationScore(
  m: Record<string, number | null>,
  potential: number,
  config: ScoringConfig,
  withContributions = true,
): Score {
  if (!withContributions) {
    const t = config.utilization.targets;
    const w = config.utilization.weights;
    const f = Math.max(0.1, potential / 100);
    const mean = new WeightedMean();
    mean.add(ratioTo(orZero(m.wonRevenue12m), t.revenue12m * f), w.revenue);
    mean.add(ratioTo(orZero(m.openPipeline), t.pipeline * f), w.pipeline);
    mean.add(ratioTo(m.registrations90d ?? 0, t.registrations90d * f), w.registrations);
    mean.add(m.winRate ?? null, w.winRate);
    mean.add(ratioTo(m.trainingsCompleted90d ?? 0, t.trainings90d), w.training);
    mean.add(m.mdfUtilization ?? null, w.mdf);
    return mean.score();
  }
  const t = config.utilization.targets;
  const w = config.utilization.weights;
  const f = Math.max(0.1, potential / 100);
  return combine(
    [
      ['revenue', ratioTo(orZero(m.wonRevenue12m), t.revenue12m * f), w.revenue],
      ['pipeline', ratioTo(orZero(m.openPipeline), t.pipeline * f), w.pipeline],
      ['registrations', ratioTo(m.registrations90d ?? 0, t.registrations90d * f), w.registrations],
      ['winRate', m.winRate ?? null, w.winRate],
      ['training', ratioTo(m.trainingsCompleted90d ?? 0, t.trainings90d), w.training],
      ['mdf', m.mdfUtilization ?? null, w.mdf],
    ],
    withContributions,
  );
}

/** retain (high/high), grow (high potential, low utilization), harvest (low/high), exit (low/low); "high" is ≥ the threshold. */
export function quadrantOf(
  potential: number,
  utilization: number,
  thresholds: ScoringConfig['thresholds'],
): Quadrant {
  const highP = potential >= thresholds.potential;
  const highU = utilization >= thresholds.utilization;
  return highP ? (highU ? 'retain' : 'grow') : highU ? 'harvest' : 'exit';
}

/** Scores and quadrant; without contributions (the per-event path) nothing but the numbers is built. */
export function scorePartner(
  m: Record<string, number | null>,
  config: ScoringConfig,
  withContributions = true,
): PartnerScores {
  const p = potentialScore(m, config, withContributions);
  const u = utilizationScore(m, p.score, config, withContributions);
  return {
    scoringVersion: config.version,
    potential: p.score,
    utilization: u.score,
    quadrant: quadrantOf(p.score, u.score, config.thresholds),
    potentialContributions: p.contributions,
    utilizationContributions: u.contributions,
  };
}

/** Checks a scoring configuration; throws INVALID_ARGUMENT naming every bad field. */
export function validateScoringConfig(config: ScoringConfig, field = 'scoring'): void {
  const v = new Violations();
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  v.check(
    Number.isInteger(config?.version) && config.version >= 1,
    `${field}.version`,
    'must be an integer ≥ 1',
  );
  v.check(
    /^[A-Z]{3}$/.test(config?.reportingCurrency ?? ''),
    `${field}.reportingCurrency`,
    'must be an ISO 4217 code such as "RUB"',
  );
  for (const k of ['potential', 'utilization'] as const) {
    const x = config?.thresholds?.[k];
    v.check(num(x) && x >= 0 && x <= 100, `${field}.thresholds.${k}`, 'must be a number 0..100');
  }
  const weights = (name: 'potential' | 'utilization', keys: readonly string[]) => {
    const w = (config?.[name]?.weights ?? {}) as Record<string, number>;
    let sum = 0;
    for (const k of keys) {
      v.check(num(w[k]) && w[k] >= 0, `${field}.${name}.weights.${k}`, 'must be a number ≥ 0');
      sum += num(w[k]) ? w[k] : 0;
    }
    v.check(sum > 0, `${field}.${name}.weights`, 'must not all be zero');
    const t = (config?.[name]?.targets ?? {}) as Record<string, number>;
    for (const [k, x] of Object.entries(t))
      v.check(num(x) && x > 0, `${field}.${name}.targets.${k}`, 'must be a number > 0');
  };
  weights('potential', POTENTIAL_COMPONENTS);
  weights('utilization', UTILIZATION_COMPONENTS);
  v.throwIfAny();
}

/** The same configuration (version aside)? Used to refuse a changed config under an old version. */
export function sameScoring(a: ScoringConfig, b: ScoringConfig): boolean {
  const canon = (c: ScoringConfig) => JSON.stringify(c, Object.keys(flatKeys(c)).sort());
  return canon({ ...a, version: 0 }) === canon({ ...b, version: 0 });
}

function flatKeys(o: unknown, out: Record<string, true> = {}): Record<string, true> {
  if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      out[k] = true;
      flatKeys(v, out);
    }
  }
  return out;
}
