import { migrate, type Database } from '@prm/database';
import type { EventBus } from '@prm/messaging';
import { ProjectionRunner, type ProjectionRunnerOptions } from '@prm/projections';
import { DomainError, PeriodicJob } from '@prm/domain';
import { DuplicateEventIdError, WrongExpectedVersionError, type EventStore } from '@prm/event-store';
import {
  channelReport,
  computeScorecard,
  DEFAULT_SCORING,
  InMemoryHealthFold,
  METRICS_BY_NAME,
  METRIC_NAMES,
  sameScoring,
  scoreEntry,
  stateFromStorage,
  unconvertedMoney,
  validateScoringConfig,
  emptyGlobalState,
  type ChannelMonth,
  type DealFacts,
  type GlobalHealthState,
  type ChannelRows,
  type PartnerScores,
  type QuadrantChange,
  type Scorecard,
  type ScoringConfig,
  type StoredPartnerState,
  type MissingRate,
  type UnconvertedMetric,
} from '../domain';
import { metricsMigrations, partnerHealthMigrations } from './metrics.migrations';
import {
  contractMetrics,
  deterministicId,
  insertQuadrantHistory,
  PARTNER_HEALTH_PROJECTION,
  PartnerHealthProjection,
} from './partner-health.projection';

export interface Actor {
  id: string;
  role: 'vendor_admin' | 'pam' | 'partner_user' | 'service';
  correlationId?: string;
  partnerId?: string;
}

export interface MetricsApplicationOptions {
  /** Scoring versions (default: DEFAULT_SCORING as version 1). A changed config needs a new version number. */
  scoring?: ScoringConfig[];
  /** The version published and used by default (default: the highest). */
  activeVersion?: number;
  /** The clock for "now" queries; injected so tests control time. */
  now?: () => Date;
  /** How often the publisher moves the outbox to the event store (default 100 ms). */
  publishIntervalMs?: number;
  /**
   * PartnerScorecardUpdated rows wait this long in the outbox (default 1,000 ms), so a burst of
   * batches for one partner goes out as one event (the latest, with the union of changedMetrics).
   */
  scorecardCoalesceMs?: number;
  log?: (line: string) => void;
  /** Projection name and consumed contexts (defaults: metrics-partner-health; partners, deals, mapping, metrics). */
  projection?: { name?: string; contexts?: string[] };
}

export interface PartnerScorecardView {
  partnerId: string;
  asOf: string;
  scorecard: Scorecard;
  scores: PartnerScores[];
  quadrantHistory: Array<Omit<QuadrantChange, 'globalPosition'> & { globalPosition: string }>;
  /** The currency scores and ranking convert money to. */
  reportingCurrency: string;
  /** Money metrics incomplete in the reporting currency (a currency without a rate), with the amounts left out. */
  unconverted: UnconvertedMetric[];
  /** The exchange rates the vendor has to record for them. */
  missingRates: MissingRate[];
}

export interface QuadrantPoint {
  partnerId: string;
  legalName: string | null;
  pamId: string | null;
  tier: string | null;
  region: string | null;
  potential: number;
  utilization: number;
  quadrant: string;
  asOf: string;
}

export interface ListFilters {
  pamId?: string;
  tier?: string;
  region?: string;
}

/**
 * The PAM / tier / region filters of the partner lists as SQL conditions on
 * metrics_partner_health (`prefix`: its alias), their values appended to `params`.
 */
function filterClauses(filters: ListFilters, params: unknown[], prefix = ''): string[] {
  const clauses: string[] = [];
  for (const [column, value] of [
    ['pam_id', filters.pamId],
    ['tier', filters.tier],
    ['region', filters.region],
  ] as const) {
    if (value) {
      params.push(value);
      clauses.push(`${prefix}${column} = $${params.length}`);
    }
  }
  return clauses;
}

export const metricsStream = (partnerId: string) => `metrics.partner-health-${partnerId}`;

/** The scoring clock's stream: one ScoringClockTicked per closed day. */
export const SCORING_CLOCK_STREAM = 'metrics.scoring-clock-daily';

/**
 * The metrics service's application layer: owns the scoring versions, the partner-health
 * projection (for the ProjectionRunner), the queries over its read models, time travel by
 * re-folding a partner's events from the event store, recomputation of history under a
 * scoring version, and the publisher of PartnerScorecardUpdated / PartnerQuadrantChanged.
 */
export class MetricsApplication {
  readonly projection: PartnerHealthProjection;
  readonly now: () => Date;
  readonly activeVersion: number;
  private publisherTimer?: NodeJS.Timeout;
  private clockJob?: PeriodicJob;
  /** The scoring clock's last tick seen (stream version and asOf), read once then followed. */
  private lastTick: { version: number; asOf: string } | null = null;
  private publishing?: Promise<number>;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly store: EventStore,
    readonly db: Database,
    readonly scoring: readonly ScoringConfig[],
    private readonly options: MetricsApplicationOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.activeVersion = options.activeVersion ?? scoring.at(-1)!.version;
    this.projection = new PartnerHealthProjection({
      configs: scoring,
      publishVersion: this.activeVersion,
      ...options.projection,
    });
    this.log = options.log ?? (() => undefined);
  }

  static async create(
    store: EventStore,
    db: Database,
    options: MetricsApplicationOptions = {},
  ): Promise<MetricsApplication> {
    const scoring = [...(options.scoring ?? [DEFAULT_SCORING])].sort((a, b) => a.version - b.version);
    scoring.forEach((c, i) => validateScoringConfig(c, `scoring[${i}]`));
    if (new Set(scoring.map((c) => c.version)).size !== scoring.length)
      throw new Error('scoring versions must be distinct');
    if (options.activeVersion !== undefined && !scoring.some((c) => c.version === options.activeVersion))
      throw new Error(`activeVersion ${options.activeVersion} is not among the scoring versions`);
    await migrate(db, 'metrics', metricsMigrations);
    // The read model's schema is the projection's; migrating it here too (same component,
    // idempotent) lets queries answer before the projection first runs.
    await migrate(
      db,
      `projection:${options.projection?.name ?? PARTNER_HEALTH_PROJECTION}`,
      partnerHealthMigrations,
    );
    for (const config of scoring) {
      const rows = await db.query<{ config: ScoringConfig }>(
        'SELECT config FROM metrics_scoring_versions WHERE version = $1',
        [config.version],
      );
      if (rows[0] && !sameScoring(rows[0].config, config))
        throw DomainError.precondition(
          `scoring version ${config.version} is already registered with other weights, targets or thresholds; give the changed configuration a new version`,
        );
      if (!rows[0])
        await db.query(
          'INSERT INTO metrics_scoring_versions (version, config) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [config.version, JSON.stringify(config)],
        );
    }
    return new MetricsApplication(store, db, scoring, options);
  }

  configOf(version: number | undefined): ScoringConfig {
    const v = version || this.activeVersion;
    const config = this.scoring.find((c) => c.version === v);
    if (!config)
      throw DomainError.invalid([
        {
          field: 'scoringVersion',
          reason: `unknown scoring version ${v}; known: ${this.scoring.map((c) => c.version).join(', ')}`,
        },
      ]);
    return config;
  }

  /** The partner's scorecard and scores now (clock) or as of a past moment (time travel). */
  async scorecard(partnerId: string, asOf?: Date): Promise<PartnerScorecardView> {
    const at = asOf ?? this.now();
    const fold = asOf === undefined ? await this.foldNow(partnerId) : await this.foldAsOf([partnerId], at);
    if (asOf !== undefined && !fold.entries.get(partnerId)?.state.registered)
      throw DomainError.notFound(`partner ${partnerId} was not registered on ${at.toISOString()}`);
    return this.scorecardView(partnerId, fold, at);
  }

  /** The partner's committed state (read model) and the global state, in a fold. */
  private async foldNow(partnerId: string): Promise<InMemoryHealthFold> {
    const fold = new InMemoryHealthFold({ configs: this.scoring, channel: false, keepHistory: false });
    const rows = await this.db.query<{ state: StoredPartnerState; registered: boolean }>(
      'SELECT state, registered FROM metrics_partner_health WHERE partner_id = $1',
      [partnerId],
    );
    const globalRows = await this.db.query<{ state: never }>(
      "SELECT state FROM metrics_global WHERE id = 'global'",
    );
    if (!rows[0]?.registered)
      throw DomainError.notFound(
        `partner ${partnerId} has no scorecard (not registered, or not projected yet)`,
      );
    const deals = await this.db.query<{ deal_id: string; facts: DealFacts }>(
      'SELECT deal_id, facts FROM metrics_partner_deals WHERE partner_id = $1',
      [partnerId],
    );
    fold.get(partnerId).state = stateFromStorage(rows[0].state, deals);
    if (globalRows[0]) Object.assign(fold.global, globalRows[0].state);
    return fold;
  }

  /**
   * Time travel: the partners' streams (and the global ones) re-read from the event store and
   * folded (facts only) up to `at`; NOT_FOUND when none of the partners has a stream yet.
   */
  private async foldAsOf(partnerIds: readonly string[], at: Date): Promise<InMemoryHealthFold> {
    const fold = new InMemoryHealthFold({
      configs: this.scoring,
      channel: false,
      keepHistory: false,
      score: false,
    });
    const streams = await this.db.query<{ partner_id: string; stream_id: string }>(
      "SELECT partner_id, stream_id FROM metrics_partner_streams WHERE partner_id = ANY($1) OR partner_id = '*' ORDER BY stream_id",
      [[...partnerIds]],
    );
    if (!streams.some((s) => s.partner_id !== '*'))
      throw DomainError.notFound(
        `partner ${partnerIds.join(', ')} has no scorecard (not registered, or not projected yet)`,
      );
    const ids = [...new Set(streams.map((s) => s.stream_id))];
    const events = (await Promise.all(ids.map((id) => this.store.readStream(id)))).flat();
    events.sort((a, b) =>
      a.globalPosition < b.globalPosition ? -1 : a.globalPosition > b.globalPosition ? 1 : 0,
    );
    const limit = at.toISOString();
    for (const e of events) if (e.metadata.occurredAt <= limit) fold.apply(e);
    return fold;
  }

  private async scorecardView(
    partnerId: string,
    fold: InMemoryHealthFold,
    at: Date,
  ): Promise<PartnerScorecardView> {
    const reportingCurrency = this.scoring[0]!.reportingCurrency;
    const entry = fold.get(partnerId);
    const scorecard = computeScorecard(entry.state, fold.global, at, { reportingCurrency });
    const unconverted = unconvertedMoney(entry.state, fold.global, scorecard, reportingCurrency);
    entry.scores = {};
    scoreEntry(entry, fold.global, this.scoring, 0n, [], at.toISOString(), { contributions: true });
    const history = await this.db.query<{
      scoring_version: number;
      global_position: string;
      as_of: Date;
      quadrant: string;
      previous_quadrant: string | null;
      potential: number;
      utilization: number;
    }>(
      `SELECT * FROM metrics_quadrant_history WHERE partner_id = $1 AND as_of <= $2 ORDER BY scoring_version, as_of, global_position`,
      [partnerId, at.toISOString()],
    );
    return {
      partnerId,
      asOf: at.toISOString(),
      scorecard: { ...scorecard, asOf: at.toISOString() },
      scores: Object.values(entry.scores),
      quadrantHistory: history.map((h) => ({
        partnerId,
        scoringVersion: h.scoring_version,
        asOf: new Date(h.as_of).toISOString(),
        quadrant: h.quadrant as QuadrantChange['quadrant'],
        previousQuadrant: h.previous_quadrant as QuadrantChange['previousQuadrant'],
        potential: h.potential,
        utilization: h.utilization,
        globalPosition: String(h.global_position),
      })),
      reportingCurrency,
      unconverted: unconverted.metrics,
      missingRates: unconverted.missingRates,
    };
  }

  /** The partner's PAM (for the PAM rule in lists and scorecards). */
  async pamOf(partnerId: string): Promise<string | null> {
    const rows = await this.db.query<{ pam_id: string | null }>(
      'SELECT pam_id FROM metrics_partner_health WHERE partner_id = $1',
      [partnerId],
    );
    return rows[0]?.pam_id ?? null;
  }

  /** Every registered partner placed in the quadrant (now, or as of a date from the history). */
  async quadrant(
    filters: ListFilters,
    version?: number,
    asOf?: Date,
  ): Promise<{ points: QuadrantPoint[]; thresholds: ScoringConfig['thresholds'] }> {
    const config = this.configOf(version);
    const params: unknown[] = [config.version];
    const where = ['h.registered', ...filterClauses(filters, params, 'h.')];
    let sql: string;
    if (asOf) {
      // The partners placed by then (a history row on or before asOf); their numbers are
      // computed below at that moment, not read from the row (written at the last move).
      params.push(asOf.toISOString());
      sql = `SELECT h.partner_id, h.legal_name, h.pam_id, h.tier, h.region, 0 AS potential, 0 AS utilization, '' AS quadrant, $${params.length}::timestamptz AS as_of
        FROM metrics_partner_health h
        WHERE ${where.join(' AND ')} AND EXISTS (SELECT 1 FROM metrics_quadrant_history x WHERE x.partner_id = h.partner_id
          AND x.scoring_version = $1 AND x.as_of <= $${params.length}) ORDER BY h.partner_id`;
    } else {
      sql = `SELECT h.partner_id, h.legal_name, h.pam_id, h.tier, h.region, s.potential, s.utilization, s.quadrant, s.as_of
        FROM metrics_partner_health h JOIN metrics_partner_scores s ON s.partner_id = h.partner_id AND s.scoring_version = $1
        WHERE ${where.join(' AND ')} ORDER BY h.partner_id`;
    }
    const rows = await this.db.query<{
      partner_id: string;
      legal_name: string | null;
      pam_id: string | null;
      tier: string | null;
      region: string | null;
      potential: number;
      utilization: number;
      quadrant: string;
      as_of: Date;
    }>(sql, params);
    let placed = rows;
    if (asOf && rows.length > 0) {
      // Time travel, as GetScorecard does: the partners' events up to asOf, scored at asOf
      // (a partner not registered by then in event time is not placed).
      const fold = await this.foldAsOf(
        rows.map((r) => r.partner_id),
        asOf,
      );
      const at = asOf.toISOString();
      placed = rows.filter((r) => {
        const entry = fold.get(r.partner_id);
        entry.scores = {};
        scoreEntry(entry, fold.global, [config], 0n, [], at);
        const scores = entry.scores[String(config.version)];
        if (!scores) return false;
        r.potential = scores.potential;
        r.utilization = scores.utilization;
        r.quadrant = scores.quadrant;
        return true;
      });
    }
    return {
      thresholds: config.thresholds,
      points: placed.map((r) => ({
        partnerId: r.partner_id,
        legalName: r.legal_name,
        pamId: r.pam_id,
        tier: r.tier,
        region: r.region,
        potential: r.potential,
        utilization: r.utilization,
        quadrant: r.quadrant,
        asOf: new Date(r.as_of).toISOString(),
      })),
    };
  }

  /** Quadrant changes with as_of in [from, to), optionally for one PAM's partners. */
  async movements(from: Date, to: Date, version?: number, pamId?: string) {
    const config = this.configOf(version);
    const rows = await this.db.query<{
      partner_id: string;
      as_of: Date;
      quadrant: string;
      previous_quadrant: string | null;
      potential: number;
      utilization: number;
    }>(
      `SELECT q.* FROM metrics_quadrant_history q JOIN metrics_partner_health h ON h.partner_id = q.partner_id
       WHERE q.scoring_version = $1 AND q.as_of >= $2 AND q.as_of < $3 AND ($4::text IS NULL OR h.pam_id = $4)
       ORDER BY q.as_of, q.global_position, q.partner_id`,
      [config.version, from.toISOString(), to.toISOString(), pamId ?? null],
    );
    return rows.map((r) => ({
      partnerId: r.partner_id,
      asOf: new Date(r.as_of).toISOString(),
      quadrant: r.quadrant,
      previousQuadrant: r.previous_quadrant,
      potential: r.potential,
      utilization: r.utilization,
    }));
  }

  /** Top (or bottom) N partners by any numeric metric (money in the reporting currency), as of each partner's latest event. */
  async top(metric: string, limit: number, ascending: boolean, filters: ListFilters) {
    const def = METRICS_BY_NAME.get(metric);
    if (!def || def.unit === 'text' || def.unit === 'list')
      throw DomainError.invalid([
        {
          field: 'metric',
          reason: `must be a numeric metric of the catalog (e.g. wonRevenue12m, winRate); got "${metric}"`,
        },
      ]);
    // numeric holds the metrics in catalog order (a positional JSON array).
    const params: unknown[] = [METRIC_NAMES.indexOf(metric), limit];
    const where = ['registered', `(numeric->>$1::int) IS NOT NULL`, ...filterClauses(filters, params)];
    const rows = await this.db.query<{ partner_id: string; legal_name: string | null; value: string }>(
      `SELECT partner_id, legal_name, (numeric->>$1::int)::double precision AS value FROM metrics_partner_health
       WHERE ${where.join(' AND ')} ORDER BY value ${ascending ? 'ASC' : 'DESC'}, partner_id LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ partnerId: r.partner_id, legalName: r.legal_name, value: Number(r.value) }));
  }

  /** Channel metrics per month in [fromMonth, toMonth] (YYYY-MM), plus current PAM leverage. */
  async channel(
    fromMonth: string,
    toMonth: string,
  ): Promise<{ months: ChannelMonth[]; pams: number; partnersPerPam: number | null }> {
    const [months, revenue, customers, pams, leverage] = await Promise.all([
      this.db.query<{
        month: string;
        channel: 'partner' | 'direct';
        registrations: number;
        won: number;
        lost: number;
        cycle_days_sum: string;
      }>('SELECT * FROM metrics_channel_months WHERE month <= $1', [toMonth]),
      this.db.query<{
        month: string;
        channel: 'partner' | 'direct';
        attribution: string;
        currency: string;
        micros: string;
      }>('SELECT * FROM metrics_channel_revenue WHERE month >= $1 AND month <= $2', [fromMonth, toMonth]),
      this.db.query<{
        customer_key: string;
        channel: 'partner' | 'direct';
        month: string;
        currency: string;
        micros: string;
      }>('SELECT * FROM metrics_channel_customers WHERE month <= $1', [toMonth]),
      this.db.query<{ month: string; pam_id: string; currency: string; micros: string }>(
        'SELECT * FROM metrics_channel_pams WHERE month >= $1 AND month <= $2',
        [fromMonth, toMonth],
      ),
      this.db.query<{ pams: string; partners: string }>(
        'SELECT count(DISTINCT pam_id) AS pams, count(*) AS partners FROM metrics_partner_health WHERE registered AND pam_id IS NOT NULL',
      ),
    ]);
    const rows: ChannelRows = {
      months: months.map((m) => ({
        month: m.month,
        channel: m.channel,
        registrations: m.registrations,
        won: m.won,
        lost: m.lost,
        cycleDaysSum: Number(m.cycle_days_sum),
      })),
      revenue: revenue.map((r) => ({
        month: r.month,
        channel: r.channel,
        attribution: r.attribution,
        currency: r.currency,
        micros: BigInt(r.micros),
      })),
      customers: customers.map((c) => ({
        customerKey: c.customer_key,
        channel: c.channel,
        month: c.month,
        currency: c.currency,
        micros: BigInt(c.micros),
      })),
      pams: pams.map((p) => ({
        month: p.month,
        pamId: p.pam_id,
        currency: p.currency,
        micros: BigInt(p.micros),
      })),
    };
    const pamCount = Number(leverage[0]?.pams ?? 0);
    return {
      months: channelReport(rows, fromMonth, toMonth),
      pams: pamCount,
      partnersPerPam:
        pamCount > 0 ? Math.round((Number(leverage[0]!.partners) / pamCount) * 100) / 100 : null,
    };
  }

  /**
   * Recomputes the quadrant history and current scores of one scoring version from the event
   * store (events are the source of truth), side by side with the other versions' rows.
   */
  async recompute(
    version: number,
    onProgress?: (done: number) => void,
  ): Promise<{ events: number; changes: number }> {
    const config = this.configOf(version);
    const fold = new InMemoryHealthFold({ configs: [config], channel: false });
    let after = 0n;
    for (;;) {
      const page = await this.store.readAll({ after, limit: 5000 });
      if (page.length === 0) break;
      for (const e of page) {
        if (this.projection.contexts.includes(e.streamId.slice(0, e.streamId.indexOf('.')))) fold.apply(e);
      }
      after = page.at(-1)!.globalPosition;
      onProgress?.(fold.events);
    }
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM metrics_quadrant_history WHERE scoring_version = $1', [version]);
      await tx.query('DELETE FROM metrics_partner_scores WHERE scoring_version = $1', [version]);
      for (let i = 0; i < fold.history.length; i += 5000)
        await insertQuadrantHistory(tx, fold.history.slice(i, i + 5000));
      const scores = [...fold.entries.values()].filter((e) => e.scores[String(version)] && e.scoredAt);
      for (const e of scores)
        scoreEntry(e, fold.global, [config], 0n, [], e.scoredAt!, { contributions: true });
      for (let i = 0; i < scores.length; i += 5000) {
        await tx.query(
          `INSERT INTO metrics_partner_scores (partner_id, scoring_version, as_of, potential, utilization, quadrant, potential_top, utilization_top)
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(partner_id text, scoring_version integer, as_of timestamptz, potential double precision,
             utilization double precision, quadrant text, potential_top jsonb, utilization_top jsonb)`,
          [
            JSON.stringify(
              scores.slice(i, i + 5000).map((e) => {
                const s = e.scores[String(version)]!;
                return {
                  partner_id: e.state.partnerId,
                  scoring_version: version,
                  as_of: e.scoredAt,
                  potential: s.potential,
                  utilization: s.utilization,
                  quadrant: s.quadrant,
                  potential_top: s.potentialContributions,
                  utilization_top: s.utilizationContributions,
                };
              }),
            ),
          ],
        );
      }
    });
    return { events: fold.events, changes: fold.history.length };
  }

  /** Starts the partner-health projection on a bus (in-process or Kafka) with the ProjectionRunner. */
  async startProjection(
    bus: EventBus,
    options: Pick<ProjectionRunnerOptions, 'onCommitted'> = {},
  ): Promise<ProjectionRunner> {
    const runner = new ProjectionRunner(this.db, bus, this.projection, { ...options, log: this.log });
    await runner.start();
    return runner;
  }

  /**
   * Appends pending outbox rows to the event store (ids are the rows' ids: a retry cannot
   * duplicate). Coalescing: of one partner's pending PartnerScorecardUpdated rows only the
   * latest is appended, carrying the union of their changedMetrics; the others are marked
   * published as coalesced. Quadrant changes are never coalesced nor held back.
   */
  async publishPending(limit = 500): Promise<number> {
    const rows = await this.db.query<{
      seq: string;
      id: string;
      partner_id: string;
      type: string;
      data: Record<string, unknown>;
      occurred_at: Date;
    }>(
      `SELECT seq, id, partner_id, type, data, occurred_at FROM metrics_outbox
       WHERE published_at IS NULL AND (type <> 'PartnerScorecardUpdated' OR created_at <= now() - ($2::int * interval '1 millisecond'))
       ORDER BY seq LIMIT $1`,
      [limit, this.options.scorecardCoalesceMs ?? 1000],
    );
    const latest = new Map<string, string>();
    const changed = new Map<string, Set<string>>();
    for (const r of rows) {
      if (r.type !== 'PartnerScorecardUpdated') continue;
      latest.set(r.partner_id, r.seq);
      let set = changed.get(r.partner_id);
      if (!set) changed.set(r.partner_id, (set = new Set()));
      for (const m of (r.data.changedMetrics as string[] | undefined) ?? []) set.add(m);
    }
    const done: string[] = [];
    for (const r of rows) {
      if (r.type === 'PartnerScorecardUpdated' && latest.get(r.partner_id) !== r.seq) {
        done.push(r.seq); // coalesced into the partner's latest row
        continue;
      }
      let data = r.data;
      let occurredAt = new Date(r.occurred_at).toISOString();
      if (r.type === 'PartnerScorecardUpdated') {
        const event = await this.scorecardEvent(r.partner_id, [...changed.get(r.partner_id)!].sort());
        if (!event) continue; // not in the read model (a rebuild in progress): stays pending
        data = event;
        occurredAt = event.asOf;
      }
      try {
        await this.store.append(
          metricsStream(r.partner_id),
          [
            {
              id: r.id,
              type: r.type,
              schemaVersion: 1,
              data,
              metadata: { correlationId: r.id, causationId: null, actor: 'service:metrics', occurredAt },
            },
          ],
          'any',
        );
      } catch (error) {
        if (!(error instanceof DuplicateEventIdError)) throw error;
      }
      done.push(r.seq);
    }
    if (done.length > 0)
      await this.db.query('UPDATE metrics_outbox SET published_at = now() WHERE seq = ANY($1::bigint[])', [
        done,
      ]);
    return done.length;
  }

  /** PartnerScorecardUpdated data from the read model: the partner's latest scorecard and active scores. */
  private async scorecardEvent(
    partnerId: string,
    changedMetrics: string[],
  ): Promise<(Record<string, unknown> & { asOf: string }) | null> {
    const [health] = await this.db.query<{
      state: StoredPartnerState;
      as_of: Date | null;
      registered: boolean;
    }>('SELECT state, as_of, registered FROM metrics_partner_health WHERE partner_id = $1', [partnerId]);
    const [scores] = await this.db.query<{ potential: number; utilization: number; quadrant: string }>(
      'SELECT potential, utilization, quadrant FROM metrics_partner_scores WHERE partner_id = $1 AND scoring_version = $2',
      [partnerId, this.activeVersion],
    );
    if (!health?.registered || !health.as_of || !scores) return null;
    const deals = await this.db.query<{ deal_id: string; facts: DealFacts }>(
      'SELECT deal_id, facts FROM metrics_partner_deals WHERE partner_id = $1',
      [partnerId],
    );
    const state = stateFromStorage(health.state, deals);
    const [global] = await this.db.query<{ state: GlobalHealthState }>(
      "SELECT state FROM metrics_global WHERE id = 'global'",
    );
    const config = this.configOf(this.activeVersion);
    const asOf = new Date(health.as_of).toISOString();
    const scorecard = computeScorecard(state, global?.state ?? emptyGlobalState(), new Date(asOf), {
      reportingCurrency: config.reportingCurrency,
    });
    return {
      partnerId,
      asOf,
      potential: scores.potential,
      utilization: scores.utilization,
      quadrant: scores.quadrant,
      metrics: contractMetrics(scorecard, config.reportingCurrency),
      changedMetrics,
    };
  }

  /**
   * Closes a day for scoring: appends ScoringClockTicked (asOf = the day's midnight UTC) unless
   * the clock already shows that day or a later one. The projection then scores every
   * registered partner again as of that midnight, so the 90-day and 12-month windows and the
   * quadrant move for partners with no events too; being in the log, a rebuild scores at the
   * same moments. Safe with several instances: the append expects the stream version it read
   * and the event id is derived from the day. Returns whether it ticked. Only the latest day is
   * ticked after downtime (the windows as of that midnight already cover the missed days).
   */
  async tickScoringClock(day = this.now().toISOString().slice(0, 10)): Promise<boolean> {
    const asOf = `${day}T00:00:00.000Z`;
    if (Number.isNaN(Date.parse(asOf)))
      throw DomainError.invalid([{ field: 'day', reason: `"${day}" is not a YYYY-MM-DD date` }]);
    const fromVersion = this.lastTick ? this.lastTick.version + 1 : 0;
    for (const e of await this.store.readStream(SCORING_CLOCK_STREAM, { fromVersion }))
      this.lastTick = { version: e.streamVersion, asOf: (e.data as { asOf: string }).asOf };
    if (this.lastTick && this.lastTick.asOf >= asOf) return false;
    const id = deterministicId(`${SCORING_CLOCK_STREAM}|${asOf}`);
    try {
      const r = await this.store.append(
        SCORING_CLOCK_STREAM,
        [
          {
            id,
            type: 'ScoringClockTicked',
            schemaVersion: 1,
            data: { asOf },
            metadata: {
              correlationId: id,
              causationId: null,
              actor: 'service:metrics-scoring-clock',
              occurredAt: asOf,
            },
          },
        ],
        this.lastTick ? this.lastTick.version : 'no-stream',
      );
      this.lastTick = { version: r.nextExpectedVersion, asOf };
      this.log(`scoring clock: closed ${day}; every partner is scored again as of ${asOf}`);
      return true;
    } catch (error) {
      // Another instance ticked first: the next call reads its tick.
      if (error instanceof WrongExpectedVersionError || error instanceof DuplicateEventIdError) return false;
      throw error;
    }
  }

  /** Starts the scoring clock: checks every `everyMs` (default hourly) whether a new day began. */
  startScoringClock(everyMs = 60 * 60 * 1000): void {
    if (this.clockJob) return;
    this.clockJob = new PeriodicJob('scoring clock', (day) => this.tickScoringClock(day), this.now, this.log);
    this.clockJob.start(everyMs);
  }

  async stopScoringClock(): Promise<void> {
    const job = this.clockJob;
    this.clockJob = undefined;
    await job?.stop();
  }

  /** Starts the publisher loop. */
  startPublisher(): void {
    if (this.publisherTimer) return;
    const tick = () => {
      this.publishing = this.publishPending()
        .catch((error: unknown) => {
          this.log(`metrics publisher: ${error instanceof Error ? error.message : String(error)}`);
          return 0;
        })
        .finally(() => {
          if (this.publisherTimer)
            this.publisherTimer = setTimeout(tick, this.options.publishIntervalMs ?? 100);
        });
    };
    this.publisherTimer = setTimeout(tick, 0);
  }

  async stopPublisher(): Promise<void> {
    const t = this.publisherTimer;
    this.publisherTimer = undefined;
    if (t) clearTimeout(t);
    await this.publishing;
  }
}
