import { dateFilter, DomainError, isUuid, Violations } from '@prm/domain';
import {
  actorFrom,
  NO_PARTNER,
  PARTNER_ID_FIELD,
  PartnerScope,
  PROTO_ROOT,
  startGrpcServerFor,
  type ActorMessage,
  type GrpcBinding,
  type RunningGrpcServer,
} from '@prm/grpc';
import {
  METRIC_CATALOG,
  METRICS_BY_NAME,
  type ChannelMonth,
  type MetricValue,
  type MoneyAmount,
} from '../domain';
import type { Actor, MetricsApplication, QuadrantPoint } from './metrics.application';

export { PROTO_ROOT };
export const METRICS_PROTO = 'prm/metrics/v1/metrics.proto';
export const METRICS_SERVICE = 'prm.metrics.v1.MetricsService';

type Req = Record<string, unknown> & {
  actor?: ActorMessage;
  partnerId?: string;
  pamId?: string;
};

const ROLES = ['vendor_admin', 'pam', 'partner_user', 'service'] as const;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function actorOf(request: Req): Actor {
  return actorFrom(request, ROLES);
}

/**
 * An optional ISO date (start of that UTC day; with endOfDay its last millisecond) or date-time,
 * null when empty: @prm/domain's one date rule (2026-02-30 is refused, not rolled over).
 */
const dateOf = dateFilter;

/** What each role may call. Partner users: their own scorecard and the catalog only. */
const PARTNER_USER_METHODS = new Set(['getScorecard', 'getMetricCatalog']);
const LIST_METHODS = new Set(['listQuadrant', 'listQuadrantMovements', 'topPartners']);

/**
 * Partners see only their own data: a partner user may read only its own partner's scorecard
 * (PERMISSION_DENIED for another partner id or any list). A PAM sees only its own partners in
 * lists (the PAM filter is set to it; asking for another PAM's is PERMISSION_DENIED); vendor
 * admins and services see everything.
 */
export function authorize(method: string, request: Req): Actor {
  const actor = actorOf(request);
  if (actor.role === 'partner_user') {
    if (!PARTNER_USER_METHODS.has(method))
      throw DomainError.permissionDenied(`a partner user may not call ${method}`);
    if (method === 'getScorecard' && request.partnerId !== actor.partnerId)
      throw DomainError.permissionDenied('a partner user may read only its own partner’s scorecard');
  }
  if (actor.role === 'pam' && LIST_METHODS.has(method)) {
    if (request.pamId && request.pamId !== actor.id)
      throw DomainError.permissionDenied('a PAM sees only its own partners');
    request.pamId = actor.id;
  }
  return actor;
}

function metricMessage(name: string, value: MetricValue, unconverted: readonly MoneyAmount[] = []) {
  const def = METRICS_BY_NAME.get(name)!;
  const base = {
    name,
    group: def.group,
    unit: def.unit,
    present: value !== null,
    number: 0,
    text: '',
    list: [] as string[],
    money: [] as unknown[],
    incomplete: unconverted.length > 0,
    unconverted,
  };
  if (value === null) return base;
  if (typeof value === 'number') return { ...base, number: value };
  if (typeof value === 'string') return { ...base, text: value };
  if (def.unit === 'money') return { ...base, money: value };
  return { ...base, list: value };
}

const moveMessage = (m: {
  partnerId: string;
  scoringVersion?: number;
  asOf: string;
  quadrant: string;
  previousQuadrant: string | null;
  potential: number;
  utilization: number;
}) => ({
  ...m,
  scoringVersion: m.scoringVersion ?? 0,
  previousQuadrant: m.previousQuadrant ?? '',
});

const orMinus = (x: number | null) => (x === null ? -1 : x);
const channelMessage = (m: ChannelMonth) => ({
  ...m,
  partnerWinRate: orMinus(m.partnerWinRate),
  directWinRate: orMinus(m.directWinRate),
  partnerAvgCycleDays: orMinus(m.partnerAvgCycleDays),
  directAvgCycleDays: orMinus(m.directAvgCycleDays),
  partnerCustomerChurn: orMinus(m.partnerCustomerChurn),
  directCustomerChurn: orMinus(m.directCustomerChurn),
});

const pointMessage = (p: QuadrantPoint) => ({
  ...p,
  legalName: p.legalName ?? '',
  pamId: p.pamId ?? '',
  tier: p.tier ?? '',
  region: p.region ?? '',
});

function filtersOf(r: Req) {
  return {
    pamId: str(r.pamId) || undefined,
    tier: str(r.tier) || undefined,
    region: str(r.region) || undefined,
  };
}

/** The gRPC methods of prm.metrics.v1.MetricsService; `actor` is already authorized. */
export function metricsGrpcHandlers(app: MetricsApplication) {
  return {
    async getScorecard(r: Req) {
      const v = new Violations();
      v.check(isUuid(r.partnerId), 'partnerId', 'must be the partner’s UUID');
      const asOf = dateOf(r.asOf, 'asOf', v, true);
      v.throwIfAny();
      const view = await app.scorecard(str(r.partnerId), asOf ?? undefined);
      const unconverted = new Map(view.unconverted.map((u) => [u.metric, u.unconverted]));
      return {
        partnerId: view.partnerId,
        asOf: view.asOf,
        metrics: METRIC_CATALOG.map((m) =>
          metricMessage(m.name, view.scorecard.metrics[m.name] ?? null, unconverted.get(m.name)),
        ),
        scores: view.scores,
        quadrantHistory: view.quadrantHistory.map(moveMessage),
        reportingCurrency: view.reportingCurrency,
        missingRates: view.missingRates,
      };
    },
    async listQuadrant(r: Req) {
      const v = new Violations();
      const asOf = dateOf(r.asOf, 'asOf', v, true);
      v.throwIfAny();
      const version = Number(r.scoringVersion ?? 0);
      const result = await app.quadrant(filtersOf(r), version, asOf ?? undefined);
      return {
        points: result.points.map(pointMessage),
        thresholds: result.thresholds,
        scoringVersion: app.configOf(version).version,
      };
    },
    async listQuadrantMovements(r: Req) {
      const v = new Violations();
      const from = dateOf(r.from, 'from', v);
      const to = dateOf(r.to, 'to', v);
      if (!str(r.from)) v.add('from', 'is required');
      if (!str(r.to)) v.add('to', 'is required');
      if (from && to && to <= from) v.add('to', 'must be after from');
      v.throwIfAny();
      const moves = await app.movements(from!, to!, Number(r.scoringVersion ?? 0), str(r.pamId) || undefined);
      return {
        movements: moves.map((m) =>
          moveMessage({ ...m, scoringVersion: app.configOf(Number(r.scoringVersion ?? 0)).version }),
        ),
      };
    },
    async topPartners(r: Req) {
      const v = new Violations();
      const limit = r.limit ? Number(r.limit) : 10;
      v.check(Number.isInteger(limit) && limit >= 1 && limit <= 1000, 'limit', 'must be 1..1000');
      if (!str(r.metric)) v.add('metric', 'is required: a numeric metric of the catalog');
      v.throwIfAny();
      return { partners: await app.top(str(r.metric), limit, r.ascending === true, filtersOf(r)) };
    },
    async getChannelMetrics(r: Req) {
      const v = new Violations();
      const from = str(r.fromMonth);
      const to = str(r.toMonth);
      v.check(MONTH.test(from), 'fromMonth', 'must be a month YYYY-MM');
      v.check(MONTH.test(to), 'toMonth', 'must be a month YYYY-MM');
      if (MONTH.test(from) && MONTH.test(to)) {
        const span =
          (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
          Number(to.slice(5)) -
          Number(from.slice(5));
        v.check(span >= 0 && span <= 120, 'toMonth', 'must be 0..120 months after fromMonth');
      }
      v.throwIfAny();
      const result = await app.channel(from, to);
      return {
        months: result.months.map(channelMessage),
        pams: result.pams,
        partnersPerPam: orMinus(result.partnersPerPam),
      };
    },
    async getMetricCatalog() {
      return {
        metrics: METRIC_CATALOG.map(({ name, group, unit, definition, sources }) => ({
          name,
          group,
          unit,
          definition,
          sources,
        })),
      };
    },
  };
}

/** The metrics context's gRPC binding; the embedded runtime serves it beside the others. */
export function metricsGrpcBinding(app: MetricsApplication): GrpcBinding {
  const handlers = metricsGrpcHandlers(app) as Record<string, (r: Req) => Promise<unknown>>;
  const authorized = Object.fromEntries(
    Object.entries(handlers).map(([method, handler]) => [
      method,
      async (r: Req) => {
        authorize(method, r);
        return handler(r);
      },
    ]),
  );
  return {
    protoFiles: [METRICS_PROTO],
    services: { [METRICS_SERVICE]: metricsPartnerScope(app).wrap(authorized) as never },
  };
}

/**
 * Where each method's request names its partner, for the one scope rule (libs/grpc PartnerScope):
 * the scorecard names one; the lists are narrowed to the PAM by authorize (pamId), the catalog
 * and the channel metrics name none.
 */
export function metricsPartnerScope(app: MetricsApplication): PartnerScope {
  return new PartnerScope({
    roles: ROLES,
    rules: {
      getScorecard: PARTNER_ID_FIELD,
      listQuadrant: NO_PARTNER,
      listQuadrantMovements: NO_PARTNER,
      topPartners: NO_PARTNER,
      getChannelMetrics: NO_PARTNER,
      getMetricCatalog: NO_PARTNER,
    },
    pamRuns: async (pamId, partnerId) => (await app.pamOf(partnerId)) === pamId,
  });
}

export function startMetricsGrpc(
  app: MetricsApplication,
  address: string,
  log?: (line: string) => void,
): Promise<RunningGrpcServer> {
  return startGrpcServerFor(address, [metricsGrpcBinding(app)], log);
}
