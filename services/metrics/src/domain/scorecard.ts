import { isoTimeMs } from '@prm/domain';
import { cachedIppFit } from './ipp-fit';
import {
  bagAdd,
  bagDivide,
  bagInReporting,
  bagToList,
  microsToNumber,
  rateOn,
  type MoneyAmount,
  type MoneyBag,
} from './money';
import {
  closedMsOf,
  dealScoringIndex,
  registeredMsOf,
  valueNumberOf,
  wonNumberOf,
  type GlobalHealthState,
  type PartnerHealthState,
} from './partner-health';

/*
 * The metric catalog and the scorecard computed from a partner's fold state at a moment
 * (`asOf`, an event time or the time asked for — never read from a clock here). Every metric is
 * defined once, below: its name, group, unit, definition, source events, and how its value is
 * read from the aggregates of one pass over the state. The README's table is this catalog.
 */

export const DAY_MS = 86_400_000;

export type MetricUnit = 'count' | 'days' | 'ratio' | 'percent' | 'money' | 'text' | 'list';
export type MetricGroup =
  'profile' | 'journey' | 'enablement' | 'pipeline' | 'outcomes' | 'commissions' | 'customers' | 'mapping';

/** A metric's value: a number, a text, a list, money as one amount per currency, or null (not computable yet). */
export type MetricValue = number | string | string[] | MoneyAmount[] | null;

export interface Aggregates {
  s: PartnerHealthState;
  asOfMs: number;
  asOfDay: string;
  fit: number | null;
  registrations: number;
  registrations90d: number;
  firstRegistrationMs: number | null;
  openDeals: number;
  openPipeline: MoneyBag;
  approved: number;
  rejected: number;
  conflicts: number;
  expired: number;
  won: number;
  lost: number;
  influencedWon: number;
  sourced: MoneyBag;
  influenced: MoneyBag;
  won12m: MoneyBag;
  wonLastQuarter: MoneyBag;
  wonPreviousQuarter: MoneyBag;
  ownWonValue: MoneyBag;
  ownWonCountByCurrency: Record<string, number>;
  cycleDaysSum: number;
  closed: number;
  lastWonMs: number | null;
  lastRegistrationMs: number | null;
  firstWonMs: number | null;
  customers: Map<string, { cls: string | undefined; at: string }>;
  activeCerts: number;
  certifiedPeople: number;
  expiring30d: number;
  trainings90d: number;
  trainingHours90d: number;
  commissionAccrued: MoneyBag;
  commissionPaid: MoneyBag;
  global: GlobalHealthState;
}

export interface MetricDefinition {
  name: string;
  group: MetricGroup;
  unit: MetricUnit;
  definition: string;
  sources: string[];
  value(a: Aggregates): MetricValue;
}

const days = (fromMs: number, toMs: number) => Math.max(0, Math.floor((toMs - fromMs) / DAY_MS));
const ratio = (num: number, den: number, digits = 4) =>
  den > 0 ? Math.round((num / den) * 10 ** digits) / 10 ** digits : null;
const money = (bag: MoneyBag) => bagToList(bag);
/** The later of the latest own registration and the latest own win (a win on the same instant wins). */
function lastDeal(a: Aggregates): { kind: 'registration' | 'win'; ms: number } | null {
  const reg = a.lastRegistrationMs !== null && a.lastRegistrationMs <= a.asOfMs ? a.lastRegistrationMs : null;
  if (reg === null && a.lastWonMs === null) return null;
  if (a.lastWonMs !== null && (reg === null || a.lastWonMs >= reg)) return { kind: 'win', ms: a.lastWonMs };
  return { kind: 'registration', ms: reg! };
}
const cell = (a: Aggregates, key: string) => (a.s.overlap ? (a.s.overlap.cells[key] ?? 0) : null);
const journeyStart = (s: PartnerHealthState) => s.agreementAt ?? s.registeredAt;

const P = ['PartnerRegistered', 'PartnerProfileUpdated'];
const REG = ['DealRegistered'];

export const METRIC_CATALOG: readonly MetricDefinition[] = [
  // profile
  {
    name: 'employeeCount',
    group: 'profile',
    unit: 'count',
    definition: 'Employees of the partner.',
    sources: P,
    value: (a) => a.s.profile?.employeeCount ?? null,
  },
  {
    name: 'salesReps',
    group: 'profile',
    unit: 'count',
    definition: 'Sales representatives of the partner.',
    sources: P,
    value: (a) => a.s.profile?.salesReps ?? null,
  },
  {
    name: 'employeeCountProposed',
    group: 'profile',
    unit: 'count',
    definition:
      'Employees the partner reported about itself, awaiting the vendor’s confirmation (potential uses employeeCount, the confirmed value); null when nothing is pending.',
    sources: ['PartnerProfileChangeProposed', 'PartnerProfileUpdated'],
    value: (a) => a.s.proposed?.employeeCount ?? null,
  },
  {
    name: 'salesRepsProposed',
    group: 'profile',
    unit: 'count',
    definition:
      'Sales representatives the partner reported about itself, awaiting the vendor’s confirmation (potential uses salesReps); null when nothing is pending.',
    sources: ['PartnerProfileChangeProposed', 'PartnerProfileUpdated'],
    value: (a) => a.s.proposed?.salesReps ?? null,
  },
  {
    name: 'partnerType',
    group: 'profile',
    unit: 'text',
    definition: 'Kind of partner (integrator, reseller, msp, distributor, referral).',
    sources: P,
    value: (a) => a.s.profile?.type ?? null,
  },
  {
    name: 'tier',
    group: 'profile',
    unit: 'text',
    definition: 'Current program tier.',
    sources: ['PartnerRegistered', 'PartnerTierChanged'],
    value: (a) => a.s.tier,
  },
  {
    name: 'country',
    group: 'profile',
    unit: 'text',
    definition: 'Country of registration (ISO 3166-1 alpha-2).',
    sources: P,
    value: (a) => a.s.profile?.country ?? null,
  },
  {
    name: 'region',
    group: 'profile',
    unit: 'text',
    definition: 'Region within the country; null when not given.',
    sources: P,
    value: (a) => a.s.profile?.region ?? null,
  },
  {
    name: 'specializations',
    group: 'profile',
    unit: 'list',
    definition: 'What the partner is good at.',
    sources: P,
    value: (a) => (a.s.profile ? [...a.s.profile.specializations] : null),
  },
  {
    name: 'specializationCount',
    group: 'profile',
    unit: 'count',
    definition: 'Number of specializations.',
    sources: P,
    value: (a) => a.s.profile?.specializations.length ?? null,
  },
  {
    name: 'clientSegments',
    group: 'profile',
    unit: 'list',
    definition: 'Segments of the partner’s own clients.',
    sources: P,
    value: (a) => (a.s.profile ? [...a.s.profile.clientSegments] : null),
  },
  {
    name: 'clientSegmentCount',
    group: 'profile',
    unit: 'count',
    definition: 'Number of client segments served (of smb, mid_market, enterprise, public_sector).',
    sources: P,
    value: (a) => a.s.profile?.clientSegments.length ?? null,
  },
  {
    name: 'industryCount',
    group: 'profile',
    unit: 'count',
    definition: 'Number of industries the partner’s clients are in.',
    sources: P,
    value: (a) => a.s.profile?.industries.length ?? null,
  },
  {
    name: 'ippFit',
    group: 'profile',
    unit: 'percent',
    definition:
      'Fit to the current ideal partner profile, 0..100 (weights of the matched criteria; only the criteria the profile sets count); null while no profile is defined.',
    sources: [...P, 'IdealPartnerProfileDefined'],
    value: (a) => a.fit,
  },
  // journey
  {
    name: 'journeyStage',
    group: 'journey',
    unit: 'text',
    definition: 'Current journey stage.',
    sources: ['PartnerJourneyStageReached'],
    value: (a) => a.s.stage,
  },
  {
    name: 'daysInJourneyStage',
    group: 'journey',
    unit: 'days',
    definition: 'Whole days since the current stage was reached, at asOf.',
    sources: ['PartnerJourneyStageReached'],
    value: (a) => (a.s.stageSince ? days(isoTimeMs(a.s.stageSince), a.asOfMs) : null),
  },
  {
    name: 'partnerAgeDays',
    group: 'journey',
    unit: 'days',
    definition: 'Whole days since the partner was registered, at asOf.',
    sources: ['PartnerRegistered'],
    value: (a) => (a.s.registeredAt ? days(isoTimeMs(a.s.registeredAt), a.asOfMs) : null),
  },
  {
    name: 'daysToFirstRegistration',
    group: 'journey',
    unit: 'days',
    definition:
      'Days from agreement signed (or, without one, the partner’s registration) to its first deal registration; null before one.',
    sources: ['PartnerJourneyStageReached', 'PartnerRegistered', 'DealRegistered'],
    value: (a) => {
      const st = journeyStart(a.s);
      return st && a.firstRegistrationMs !== null ? days(isoTimeMs(st), a.firstRegistrationMs) : null;
    },
  },
  {
    name: 'daysToFirstDeal',
    group: 'journey',
    unit: 'days',
    definition:
      'Days from agreement signed (or the partner’s registration) to its first won deal; null before one.',
    sources: ['PartnerJourneyStageReached', 'PartnerRegistered', 'DealWon'],
    value: (a) => {
      const st = journeyStart(a.s);
      return st && a.firstWonMs !== null ? days(isoTimeMs(st), a.firstWonMs) : null;
    },
  },
  {
    name: 'onboardingStepsCompleted',
    group: 'journey',
    unit: 'count',
    definition: 'Distinct onboarding checklist steps completed.',
    sources: ['OnboardingStepCompleted'],
    value: (a) => a.s.onboardingSteps.length,
  },
  // enablement
  {
    name: 'activeCertifications',
    group: 'enablement',
    unit: 'count',
    definition: 'Certificates neither expired (CertificationExpired) nor past their expiry date at asOf.',
    sources: ['CertificationGranted', 'CertificationExpired'],
    value: (a) => a.activeCerts,
  },
  {
    name: 'certifiedPeople',
    group: 'enablement',
    unit: 'count',
    definition: 'Distinct people holding at least one active certificate.',
    sources: ['CertificationGranted', 'CertificationExpired'],
    value: (a) => a.certifiedPeople,
  },
  {
    name: 'certificationsExpiringIn30Days',
    group: 'enablement',
    unit: 'count',
    definition: 'Active certificates whose expiry date is within 30 days after asOf.',
    sources: ['CertificationGranted'],
    value: (a) => a.expiring30d,
  },
  {
    name: 'trainingsCompleted90d',
    group: 'enablement',
    unit: 'count',
    definition: 'Trainings completed in the 90 days up to asOf.',
    sources: ['TrainingCompleted'],
    value: (a) => a.trainings90d,
  },
  {
    name: 'trainingHours90d',
    group: 'enablement',
    unit: 'count',
    definition: 'Hours of training completed in the 90 days up to asOf (rounded to 0.1).',
    sources: ['TrainingCompleted'],
    value: (a) => Math.round(a.trainingHours90d * 10) / 10,
  },
  {
    name: 'mdfAllocated',
    group: 'enablement',
    unit: 'money',
    definition: 'Marketing development funds allocated, per currency.',
    sources: ['MdfAllocated'],
    value: (a) => money(a.s.mdfAllocated),
  },
  {
    name: 'mdfSpent',
    group: 'enablement',
    unit: 'money',
    definition: 'Marketing development funds spent, per currency.',
    sources: ['MdfSpent'],
    value: (a) => money(a.s.mdfSpent),
  },
  {
    name: 'mdfUtilization',
    group: 'enablement',
    unit: 'ratio',
    definition:
      'Spent / allocated MDF, 0..1 (capped at 1); with allocations in several currencies the mean of the per-currency ratios; null when nothing is allocated.',
    sources: ['MdfAllocated', 'MdfSpent'],
    value: (a) => mdfUtilization(a.s),
  },
  // pipeline
  {
    name: 'registrations',
    group: 'pipeline',
    unit: 'count',
    definition: 'Deals the partner registered (lifetime).',
    sources: REG,
    value: (a) => a.registrations,
  },
  {
    name: 'registrations90d',
    group: 'pipeline',
    unit: 'count',
    definition: 'Deals registered in the 90 days up to asOf.',
    sources: REG,
    value: (a) => a.registrations90d,
  },
  {
    name: 'openDeals',
    group: 'pipeline',
    unit: 'count',
    definition: 'Registered deals neither won, lost, rejected nor expired.',
    sources: [...REG, 'DealWon', 'DealLost', 'DealRegistrationRejected', 'DealRegistrationExpired'],
    value: (a) => a.openDeals,
  },
  {
    name: 'openPipeline',
    group: 'pipeline',
    unit: 'money',
    definition: 'Latest estimated value of the open deals, per currency.',
    sources: [
      ...REG,
      'DealStageChanged',
      'DealWon',
      'DealLost',
      'DealRegistrationRejected',
      'DealRegistrationExpired',
    ],
    value: (a) => money(a.openPipeline),
  },
  {
    name: 'approvalRate',
    group: 'pipeline',
    unit: 'ratio',
    definition: 'Approved / (approved + rejected) registrations; null before a decision.',
    sources: ['DealRegistrationApproved', 'DealRegistrationRejected'],
    value: (a) => ratio(a.approved, a.approved + a.rejected),
  },
  {
    name: 'rejectedRegistrations',
    group: 'pipeline',
    unit: 'count',
    definition: 'Registrations the vendor rejected.',
    sources: ['DealRegistrationRejected'],
    value: (a) => a.rejected,
  },
  {
    name: 'conflictRate',
    group: 'pipeline',
    unit: 'ratio',
    definition: 'Registrations with a channel conflict / registrations; null without registrations.',
    sources: [...REG, 'DealConflictDetected'],
    value: (a) => ratio(a.conflicts, a.registrations),
  },
  {
    name: 'expiredRegistrations',
    group: 'pipeline',
    unit: 'count',
    definition: 'Registrations whose protection ran out without progress.',
    sources: ['DealRegistrationExpired'],
    value: (a) => a.expired,
  },
  // outcomes
  {
    name: 'dealsWon',
    group: 'outcomes',
    unit: 'count',
    definition: 'The partner’s own deals won.',
    sources: ['DealWon'],
    value: (a) => a.won,
  },
  {
    name: 'dealsLost',
    group: 'outcomes',
    unit: 'count',
    definition: 'The partner’s own deals lost.',
    sources: ['DealLost'],
    value: (a) => a.lost,
  },
  {
    name: 'winRate',
    group: 'outcomes',
    unit: 'ratio',
    definition: 'Won / (won + lost) own deals; null before the first close.',
    sources: ['DealWon', 'DealLost'],
    value: (a) => ratio(a.won, a.won + a.lost),
  },
  {
    name: 'influencedDealsWon',
    group: 'outcomes',
    unit: 'count',
    definition: 'Won deals of others (or the vendor) the partner is credited with influencing.',
    sources: ['DealWon', 'DealInfluenceRecorded'],
    value: (a) => a.influencedWon,
  },
  {
    name: 'wonRevenueSourced',
    group: 'outcomes',
    unit: 'money',
    definition: 'Won value of the partner’s own deals attributed sourced, per currency.',
    sources: ['DealWon'],
    value: (a) => money(a.sourced),
  },
  {
    name: 'wonRevenueInfluenced',
    group: 'outcomes',
    unit: 'money',
    definition:
      'Won value of deals the partner influenced: its own deals attributed influenced plus deals naming it in influencingPartnerIds, per currency.',
    sources: ['DealWon', 'DealInfluenceRecorded'],
    value: (a) => money(a.influenced),
  },
  {
    name: 'wonRevenue12m',
    group: 'outcomes',
    unit: 'money',
    definition: 'Sourced + influenced won value with a close date in the 365 days up to asOf, per currency.',
    sources: ['DealWon'],
    value: (a) => money(a.won12m),
  },
  {
    name: 'averageDealSize',
    group: 'outcomes',
    unit: 'money',
    definition: 'Mean won value of own won deals, per currency (sum / deals in that currency).',
    sources: ['DealWon'],
    value: (a) => averageDealSize(a),
  },
  {
    name: 'averageDealCycleDays',
    group: 'outcomes',
    unit: 'days',
    definition:
      'Mean cycleDays (registration to close) of own won and lost deals, to 0.1 day; null before a close.',
    sources: ['DealWon', 'DealLost'],
    value: (a) => (a.closed > 0 ? Math.round((a.cycleDaysSum / a.closed) * 10) / 10 : null),
  },
  {
    name: 'daysSinceLastDealWon',
    group: 'outcomes',
    unit: 'days',
    definition: 'Whole days from the latest own win’s close date to asOf; null before a win.',
    sources: ['DealWon'],
    value: (a) => (a.lastWonMs === null ? null : days(a.lastWonMs, a.asOfMs)),
  },
  {
    name: 'daysSinceLastDeal',
    group: 'outcomes',
    unit: 'days',
    definition:
      'Whole days from the partner’s latest own deal registration or win (close date), whichever is later, to asOf; null before either. lastDealActivity says which.',
    sources: ['DealRegistered', 'DealWon'],
    value: (a) => {
      const last = lastDeal(a);
      return last === null ? null : days(last.ms, a.asOfMs);
    },
  },
  {
    name: 'lastDealActivity',
    group: 'outcomes',
    unit: 'text',
    definition: 'What daysSinceLastDeal counts from: "registration" or "win"; null before either.',
    sources: ['DealRegistered', 'DealWon'],
    value: (a) => lastDeal(a)?.kind ?? null,
  },
  {
    name: 'revenueTrendQoQ',
    group: 'outcomes',
    unit: 'ratio',
    definition:
      '(R1 − R0) / R0 where R1 is sourced + influenced won revenue closed in the 90 days up to asOf and R0 in the 90 days before, in the reporting currency; may be negative; null when R0 is 0 or either holds money in a currency without a rate.',
    sources: ['DealWon', 'ExchangeRateRecorded'],
    value: () => null /* set by computeScorecard (needs the reporting currency) */,
  },
  // commissions
  {
    name: 'commissionAccrued',
    group: 'commissions',
    unit: 'money',
    definition: 'Commission accrued plus credit corrections minus debit corrections, per currency.',
    sources: ['CommissionAccrued', 'CommissionCorrected'],
    value: (a) => money(a.commissionAccrued),
  },
  {
    name: 'commissionPaid',
    group: 'commissions',
    unit: 'money',
    definition: 'Ledger entries paid out (accruals and credits; paid debits subtract), per currency.',
    sources: ['CommissionPaid', 'CommissionAccrued', 'CommissionCorrected'],
    value: (a) => money(a.commissionPaid),
  },
  {
    name: 'commissionUnpaid',
    group: 'commissions',
    unit: 'money',
    definition: 'commissionAccrued − commissionPaid, per currency.',
    sources: ['CommissionAccrued', 'CommissionCorrected', 'CommissionPaid'],
    value: (a) => {
      const b: MoneyBag = { ...a.commissionAccrued };
      for (const [c, v] of Object.entries(a.commissionPaid)) b[c] = String(BigInt(b[c] ?? '0') - BigInt(v));
      return money(b);
    },
  },
  // customers
  {
    name: 'distinctCustomers',
    group: 'customers',
    unit: 'count',
    definition:
      'Distinct end customers (tax id, else domain, else name + country) in the partner’s own registrations.',
    sources: REG,
    value: (a) => a.customers.size,
  },
  {
    name: 'customersA',
    group: 'customers',
    unit: 'count',
    definition: 'Distinct customers whose latest known ABC class is A.',
    sources: [...REG, 'DealRegistrationApproved', 'DealWon'],
    value: (a) => countClass(a, 'A'),
  },
  {
    name: 'customersB',
    group: 'customers',
    unit: 'count',
    definition: 'Distinct customers whose latest known ABC class is B.',
    sources: [...REG, 'DealRegistrationApproved', 'DealWon'],
    value: (a) => countClass(a, 'B'),
  },
  {
    name: 'customersC',
    group: 'customers',
    unit: 'count',
    definition: 'Distinct customers whose latest known ABC class is C.',
    sources: [...REG, 'DealRegistrationApproved', 'DealWon'],
    value: (a) => countClass(a, 'C'),
  },
  // mapping
  {
    name: 'partnerAccounts',
    group: 'mapping',
    unit: 'count',
    definition: 'Accounts in the partner’s list at the latest overlap computation; null before one.',
    sources: ['OverlapsComputed'],
    value: (a) => a.s.overlap?.partnerAccountCount ?? null,
  },
  {
    name: 'overlapOurProspectsTheirCustomers',
    group: 'mapping',
    unit: 'count',
    definition: 'Our prospects that are the partner’s customers (it can introduce us).',
    sources: ['OverlapsComputed'],
    value: (a) => cell(a, 'prospect:customer'),
  },
  {
    name: 'overlapOurOpportunitiesTheirCustomers',
    group: 'mapping',
    unit: 'count',
    definition: 'Our opportunities that are the partner’s customers (it can accelerate them).',
    sources: ['OverlapsComputed'],
    value: (a) => cell(a, 'opportunity:customer'),
  },
  {
    name: 'overlapOurCustomersTheirProspects',
    group: 'mapping',
    unit: 'count',
    definition: 'Our customers that are the partner’s prospects.',
    sources: ['OverlapsComputed'],
    value: (a) => cell(a, 'customer:prospect'),
  },
  {
    name: 'overlapTotal',
    group: 'mapping',
    unit: 'count',
    definition: 'All accounts in both lists (every population pair).',
    sources: ['OverlapsComputed'],
    value: (a) => (a.s.overlap ? Object.values(a.s.overlap.cells).reduce((x, y) => x + y, 0) : null),
  },
];

export const METRIC_NAMES: readonly string[] = METRIC_CATALOG.map((m) => m.name);
export const METRICS_BY_NAME: ReadonlyMap<string, MetricDefinition> = new Map(
  METRIC_CATALOG.map((m) => [m.name, m]),
);

function countClass(a: Aggregates, cls: string): number {
  let n = 0;
  for (const c of a.customers.values()) if (c.cls === cls) n++;
  return n;
}

function mdfUtilization(s: PartnerHealthState): number | null {
  const ratios: number[] = [];
  for (const [currency, allocated] of Object.entries(s.mdfAllocated)) {
    const alloc = BigInt(allocated);
    if (alloc <= 0n) continue;
    const spent = BigInt(s.mdfSpent[currency] ?? '0');
    ratios.push(Math.min(1, Number((spent * 1_000_000n) / alloc) / 1_000_000));
  }
  if (ratios.length === 0) return null;
  return Math.round((ratios.reduce((x, y) => x + y, 0) / ratios.length) * 10_000) / 10_000;
}

function averageDealSize(a: Aggregates): MoneyAmount[] {
  const out: MoneyBag = {};
  for (const [currency, count] of Object.entries(a.ownWonCountByCurrency)) {
    Object.assign(out, bagDivide({ [currency]: a.ownWonValue[currency]! }, count));
  }
  return money(out);
}

export interface Scorecard {
  /** The moment the time-dependent metrics (windows, days since) are computed for. */
  asOf: string;
  metrics: Record<string, MetricValue>;
}

export interface ScorecardOptions {
  /** Currency revenue is compared in (trend, scores, ranking): ISO 4217. */
  reportingCurrency: string;
}

/** One pass over the state: the aggregates every metric reads. */
export function aggregate(s: PartnerHealthState, global: GlobalHealthState, asOf: Date): Aggregates {
  const asOfMs = asOf.getTime();
  const asOfDay = asOf.toISOString().slice(0, 10);
  const d90 = asOfMs - 90 * DAY_MS;
  const d180 = asOfMs - 180 * DAY_MS;
  const d365 = asOfMs - 365 * DAY_MS;
  const a: Aggregates = {
    s,
    asOfMs,
    asOfDay,
    fit: global.ipp && s.profile ? cachedIppFit(global.ipp, s.profile) : null,
    registrations: 0,
    registrations90d: 0,
    firstRegistrationMs: null,
    openDeals: 0,
    openPipeline: {},
    approved: 0,
    rejected: 0,
    conflicts: 0,
    expired: 0,
    won: 0,
    lost: 0,
    influencedWon: 0,
    sourced: {},
    influenced: {},
    won12m: {},
    wonLastQuarter: {},
    wonPreviousQuarter: {},
    ownWonValue: {},
    ownWonCountByCurrency: {},
    cycleDaysSum: 0,
    closed: 0,
    lastWonMs: null,
    lastRegistrationMs: null,
    firstWonMs: null,
    customers: new Map(),
    activeCerts: 0,
    certifiedPeople: 0,
    expiring30d: 0,
    trainings90d: 0,
    trainingHours90d: 0,
    commissionAccrued: {},
    commissionPaid: {},
    global,
  };
  for (const f of s.deals.values()) {
    if (f.own && f.registeredAt !== undefined) {
      a.registrations++;
      const regMs = registeredMsOf(f);
      if (regMs > d90 && regMs <= asOfMs) a.registrations90d++;
      if (a.firstRegistrationMs === null || regMs < a.firstRegistrationMs) a.firstRegistrationMs = regMs;
      if (regMs <= asOfMs && (a.lastRegistrationMs === null || regMs > a.lastRegistrationMs))
        a.lastRegistrationMs = regMs;
      if (f.outcome === 'open') {
        a.openDeals++;
        if (f.value) bagAdd(a.openPipeline, f.value);
      }
      if (f.conflict) a.conflicts++;
      if (f.customerKey !== undefined) {
        const prev = a.customers.get(f.customerKey);
        if (!prev || f.registeredAt >= prev.at)
          a.customers.set(f.customerKey, { cls: f.customerClass ?? prev?.cls, at: f.registeredAt });
      }
    }
    if (f.own) {
      if (f.decision === 'approved') a.approved++;
      else if (f.decision === 'rejected') a.rejected++;
      if (f.outcome === 'expired') a.expired++;
      if (f.outcome === 'lost') {
        a.lost++;
        a.closed++;
        a.cycleDaysSum += f.cycleDays ?? 0;
      }
    }
    if (f.outcome === 'won' && f.wonValue && f.closedOn) {
      const closedMs = closedMsOf(f);
      const influencedCredit = f.own ? f.attribution === 'influenced' : f.influencer;
      if (f.own) {
        a.won++;
        a.closed++;
        a.cycleDaysSum += f.cycleDays ?? 0;
        bagAdd(a.ownWonValue, f.wonValue);
        a.ownWonCountByCurrency[f.wonValue.currency] =
          (a.ownWonCountByCurrency[f.wonValue.currency] ?? 0) + 1;
        if (a.lastWonMs === null || closedMs > a.lastWonMs) a.lastWonMs = closedMs;
        if (a.firstWonMs === null || closedMs < a.firstWonMs) a.firstWonMs = closedMs;
      } else if (f.influencer) a.influencedWon++;
      if (f.own || f.influencer) {
        bagAdd(influencedCredit ? a.influenced : a.sourced, f.wonValue);
        if (closedMs > d365 && closedMs <= asOfMs) bagAdd(a.won12m, f.wonValue);
        if (closedMs > d90 && closedMs <= asOfMs) bagAdd(a.wonLastQuarter, f.wonValue);
        else if (closedMs > d180 && closedMs <= d90) bagAdd(a.wonPreviousQuarter, f.wonValue);
      }
    }
  }
  const in30 = new Date(asOfMs + 30 * DAY_MS).toISOString().slice(0, 10);
  const holders = new Set<string>();
  for (const c of s.certifications.values()) {
    if (c.expired || (c.expiresOn !== null && c.expiresOn < asOfDay)) continue;
    a.activeCerts++;
    holders.add(c.holderId);
    if (c.expiresOn !== null && c.expiresOn <= in30) a.expiring30d++;
  }
  a.certifiedPeople = holders.size;
  for (const [at, hours] of s.trainings) {
    const ms = isoTimeMs(at);
    if (ms > d90 && ms <= asOfMs) {
      a.trainings90d++;
      a.trainingHours90d += hours;
    }
  }
  for (const c of s.commissions.values()) {
    const sign = c.kind === 'debit' ? -1n : 1n;
    bagAdd(a.commissionAccrued, c.amount, sign);
    if (c.paid) bagAdd(a.commissionPaid, c.amount, sign);
  }
  return a;
}

/** The partner's scorecard at `asOf`: every metric of the catalog. */
export function computeScorecard(
  s: PartnerHealthState,
  global: GlobalHealthState,
  asOf: Date,
  options: ScorecardOptions,
): Scorecard {
  const a = aggregate(s, global, asOf);
  const metrics: Record<string, MetricValue> = {};
  for (const m of METRIC_CATALOG) metrics[m.name] = m.value(a);
  const iso = asOf.toISOString();
  const q1 = bagInReporting(a.wonLastQuarter, global.rates, options.reportingCurrency, a.asOfDay, iso);
  const q0 = bagInReporting(a.wonPreviousQuarter, global.rates, options.reportingCurrency, a.asOfDay, iso);
  const r1 = q1.micros;
  const r0 = q0.micros;
  // Either quarter with money in a currency without a rate: the trend is not computable (null,
  // incomplete), not a comparison of partial sums.
  const complete = q1.missing.length === 0 && q0.missing.length === 0;
  metrics.revenueTrendQoQ = complete && r0 > 0n ? Number(((r1 - r0) * 10_000n) / r0) / 10_000 : null;
  return { asOf: asOf.toISOString(), metrics };
}

/** A money metric whose reporting-currency value is incomplete, with the amounts left out. */
export interface UnconvertedMetric {
  metric: string;
  /** The amounts in currencies without a rate on the day, in their own currency. */
  unconverted: MoneyAmount[];
}

/** An exchange rate a scorecard needs and does not have: `from` → `to` effective on or before `on`. */
export interface MissingRate {
  from: string;
  to: string;
  on: string;
}

/**
 * What of a scorecard could not be converted to the reporting currency: each money metric
 * (and the revenue trend) holding money in a currency with no rate effective on the
 * scorecard's day and recorded by its moment, with those amounts unconverted, and the rates
 * the vendor would have to record. Such a metric is null in numericMetrics and scoringInputs:
 * not ranked, and its score component left out — never counted as 0.
 */
export function unconvertedMoney(
  s: PartnerHealthState,
  global: GlobalHealthState,
  scorecard: Scorecard,
  reportingCurrency: string,
): { metrics: UnconvertedMetric[]; missingRates: MissingRate[] } {
  const day = scorecard.asOf.slice(0, 10);
  const known = (currency: string) =>
    rateOn(global.rates, currency, reportingCurrency, day, scorecard.asOf) !== null;
  const metrics: UnconvertedMetric[] = [];
  const currencies = new Set<string>();
  const leftOut = (metric: string, amounts: MoneyAmount[]) => {
    const unconverted = amounts.filter((x) => !known(x.currency));
    if (unconverted.length === 0) return;
    metrics.push({ metric, unconverted });
    for (const x of unconverted) currencies.add(x.currency);
  };
  for (const m of METRIC_CATALOG) {
    const v = scorecard.metrics[m.name];
    if (m.unit === 'money' && Array.isArray(v)) leftOut(m.name, v as MoneyAmount[]);
  }
  const a = aggregate(s, global, new Date(scorecard.asOf));
  leftOut('revenueTrendQoQ', bagToList(sumBags(a.wonLastQuarter, a.wonPreviousQuarter)));
  return {
    metrics,
    missingRates: [...currencies].sort().map((from) => ({ from, to: reportingCurrency, on: day })),
  };
}

function sumBags(x: MoneyBag, y: MoneyBag): MoneyBag {
  const out: MoneyBag = { ...x };
  for (const [c, v] of Object.entries(y)) out[c] = String(BigInt(out[c] ?? '0') + BigInt(v));
  return out;
}

/**
 * Every metric as a number for scoring and ranking: counts, days, ratios as they are; money
 * converted to the reporting currency (whole units); money held in a currency without a rate
 * is null (incomplete: not ranked, left out of the scores — see unconvertedMoney); texts and
 * lists null.
 */
export function numericMetrics(
  scorecard: Scorecard,
  global: GlobalHealthState,
  reportingCurrency: string,
): Record<string, number | null> {
  const day = scorecard.asOf.slice(0, 10);
  const out: Record<string, number | null> = {};
  for (const m of METRIC_CATALOG) {
    const v = scorecard.metrics[m.name];
    if (typeof v === 'number') out[m.name] = v;
    else if (m.unit === 'money' && Array.isArray(v)) {
      const bag: MoneyBag = {};
      for (const x of v as MoneyAmount[])
        bagAdd(
          bag,
          x.amount.startsWith('-') ? { ...x, amount: x.amount.slice(1) } : x,
          x.amount.startsWith('-') ? -1n : 1n,
        );
      const converted = bagInReporting(bag, global.rates, reportingCurrency, day, scorecard.asOf);
      out[m.name] = converted.missing.length > 0 ? null : microsToNumber(converted.micros);
    } else out[m.name] = null;
  }
  return out;
}

/** The metrics the scores read (see scoring.ts COMPONENT_METRICS). */
export const SCORING_INPUT_METRICS = [
  'ippFit',
  'employeeCount',
  'salesReps',
  'clientSegmentCount',
  'overlapOurProspectsTheirCustomers',
  'overlapOurOpportunitiesTheirCustomers',
  'certifiedPeople',
  'wonRevenue12m',
  'openPipeline',
  'registrations90d',
  'winRate',
  'trainingsCompleted90d',
  'mdfUtilization',
] as const;

/**
 * The scoring inputs alone, in one lean pass: what scoring after every event needs, without
 * building the whole scorecard. Same definitions as the catalog (a unit test holds them
 * equal); money is summed as floats in the reporting currency — good for a score, never shown
 * as money.
 */
export function scoringInputs(
  s: PartnerHealthState,
  global: GlobalHealthState,
  asOf: Date,
  reportingCurrency: string,
): Record<string, number | null> {
  return scoringInputsAt(s, global, asOf.getTime(), asOf.toISOString(), reportingCurrency);
}

/**
 * scoringInputs for a moment given both ways (the per-event path has both: no Date is made).
 * Caches the numbers it derives from a deal's facts on them (registeredMsOf and its siblings).
 */
export function scoringInputsAt(
  s: PartnerHealthState,
  global: GlobalHealthState,
  asOfMs: number,
  asOfIso: string,
  reportingCurrency: string,
): Record<string, number | null> {
  const asOfDay = asOfIso.slice(0, 10);
  const d90 = asOfMs - 90 * DAY_MS;
  const d365 = asOfMs - 365 * DAY_MS;
  // Rates of the (few) foreign currencies met, looked up once per call. A currency without a
  // rate is NaN: a sum it enters becomes NaN, and its metric null (incomplete, left out of the
  // scores) — never a silent 0. Zero amounts are not added (a bag leaves zero sums out too).
  let foreign: Array<[string, number]> | null = null;
  const rate = (currency: string): number => {
    if (currency === reportingCurrency) return 1;
    if (foreign === null) foreign = [];
    for (const [c, r] of foreign) if (c === currency) return r;
    const micros = rateOn(global.rates, currency, reportingCurrency, asOfDay, asOfIso);
    const r = micros === null ? NaN : Number(micros) / 1e6;
    foreign.push([currency, r]);
    return r;
  };
  let registrations90d = 0;
  let pipeline = 0;
  let won12m = 0;
  // Settled deals add nothing to the windowed sums (so skipping them leaves every float sum
  // bit for bit the same), only to the counts.
  const index = dealScoringIndex(s, asOfMs);
  let won = index.settledWon;
  let lost = index.settledLost;
  const active = index.active;
  let kept = 0;
  for (let i = 0; i < active.length; i++) {
    const f = active[i]!;
    let settled = f.outcome !== 'open';
    if (f.own) {
      if (f.registeredAt !== undefined) {
        const regMs = registeredMsOf(f);
        if (regMs > d90 && regMs <= asOfMs) registrations90d++;
        if (regMs > d90) settled = false;
        if (f.outcome === 'open' && f.value) {
          const value = valueNumberOf(f);
          if (value !== 0) pipeline += value * rate(f.value.currency);
        }
      }
      if (f.outcome === 'lost') lost++;
    }
    const counted = f.outcome === 'won' && f.wonValue && f.closedOn && (f.own || f.influencer);
    if (counted) {
      if (f.own) won++;
      const closedMs = closedMsOf(f);
      if (closedMs > d365 && closedMs <= asOfMs) {
        const value = wonNumberOf(f);
        if (value !== 0) won12m += value * rate(f.wonValue!.currency);
      }
      if (closedMs > d365) settled = false;
    }
    if (settled) {
      index.settled.add(f);
      if (counted && f.own) index.settledWon++;
      if (f.own && f.outcome === 'lost') index.settledLost++;
    } else active[kept++] = f;
  }
  active.length = kept;
  // Distinct holders of active certificates (a handful: a list beats a Set).
  const holders: string[] = [];
  for (const c of s.certifications.values()) {
    if (!c.expired && (c.expiresOn === null || c.expiresOn >= asOfDay) && !holders.includes(c.holderId))
      holders.push(c.holderId);
  }
  let trainings = 0;
  for (const [at] of s.trainings) {
    const ms = isoTimeMs(at);
    if (ms > d90 && ms <= asOfMs) trainings++;
  }
  const p = s.profile;
  return {
    ippFit: global.ipp && p ? cachedIppFit(global.ipp, p) : null,
    employeeCount: p ? p.employeeCount : null,
    salesReps: p ? p.salesReps : null,
    clientSegmentCount: p ? p.clientSegments.length : null,
    overlapOurProspectsTheirCustomers: s.overlap ? (s.overlap.cells['prospect:customer'] ?? 0) : null,
    overlapOurOpportunitiesTheirCustomers: s.overlap ? (s.overlap.cells['opportunity:customer'] ?? 0) : null,
    certifiedPeople: holders.length,
    wonRevenue12m: won12m === won12m ? won12m : null,
    openPipeline: pipeline === pipeline ? pipeline : null,
    registrations90d,
    winRate: ratio(won, won + lost),
    trainingsCompleted90d: trainings,
    mdfUtilization: mdfUtilization(s),
  };
}
