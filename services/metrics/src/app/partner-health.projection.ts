import { createHash } from 'node:crypto';
import { PartnerScorecardMetrics, type RecordedEvent } from '@prm/contracts';
import { combineStatements, type BatchInfo, type BatchStatement, type Projection } from '@prm/projections';
import type {
  EntityManager,
  EntitySubscriberInterface,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import {
  CHANNEL_EVENT_TYPES,
  channelRowsOf,
  dealFactsForStorage,
  emptyChannelAccumulator,
  emptyGlobalState,
  foldChannelEvent,
  foldEvent,
  GLOBAL_EVENT_TYPES,
  METRIC_NAMES,
  newEntry,
  partnersAffectedBy,
  refreshScorecard,
  RESCORE_ALL_EVENT_TYPES,
  stateForStorage,
  stateFromStorage,
  type ChannelAccumulator,
  type DealChannelInfo,
  type DealFacts,
  type DirectDeals,
  type GlobalHealthState,
  type PartnerEntry,
  type QuadrantChange,
  type Scorecard,
  type ScoringConfig,
  type StoredPartnerState,
} from '../domain';
import { PARTNER_HEALTH_TABLES, partnerHealthMigrations } from './metrics.migrations';

export const PARTNER_HEALTH_PROJECTION = 'metrics-partner-health';

export interface PartnerHealthProjectionOptions {
  /** Projection name (consumer group prm.projection.<name>.g<n>); default metrics-partner-health. */
  name?: string;
  /**
   * Contexts consumed (default partners, deals, mapping, and metrics for its scoring clock);
   * tests isolate their topics with their own.
   */
  contexts?: string[];
  /** Scoring versions kept live (each event rescored under each). */
  configs: readonly ScoringConfig[];
  /** The version whose quadrant changes and scores are published (default: the highest). */
  publishVersion?: number;
  /** Partner states kept in memory between batches (default 50,000). */
  cacheSize?: number;
}

/** A deterministic UUID (name-based, SHA-1) so a re-run of the same input never emits twice. */
export function deterministicId(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A scorecard's metrics as PartnerScorecardUpdated carries them (single-currency money; other metrics left out). */
export function contractMetrics(scorecard: Scorecard, reportingCurrency: string): Record<string, unknown> {
  const shape = PartnerScorecardMetrics.shape as Record<
    string,
    { safeParse(v: unknown): { success: boolean } }
  >;
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(shape)) {
    let v: unknown = scorecard.metrics[name];
    if (v === undefined) continue;
    if (Array.isArray(v) && name !== 'specializations') {
      const list = v as Array<{ amount: string; currency: string }>;
      if (list.length === 0) v = { amount: '0', currency: reportingCurrency };
      else if (list.length === 1) v = list[0];
      else continue; // several currencies: not expressible in the event's Money; the gRPC scorecard has them all
    }
    if (v === null && !schema.safeParse(null).success) continue;
    if (schema.safeParse(v).success) out[name] = v;
  }
  return out;
}

/** Deep equality of JSON values (metric values: numbers, strings, null, arrays and plain objects). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka)
    if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

function changedMetrics(before: Scorecard | null, after: Scorecard): string[] {
  const names: string[] = [];
  for (const k in after.metrics) {
    const v = after.metrics[k];
    if (v !== undefined && !sameJson(before?.metrics[k] ?? null, v)) names.push(k);
  }
  return names;
}

interface BatchContext {
  entries: Map<string, PartnerEntry>;
  /** Scorecard at the start of the batch, for the coalesced PartnerScorecardUpdated. */
  startScorecards: Map<string, Scorecard | null>;
  dirty: Map<string, bigint>;
  /** "partnerId\u0000dealId" of the deals this batch changed. */
  dirtyDeals: Set<string>;
  global: GlobalHealthState;
  globalDirty: boolean;
  changes: QuadrantChange[];
  streams: Set<string>;
  channel: ChannelAccumulator;
  /** Direct deals registered in this batch (metrics_channel_deals rows to write). */
  newDeals: Map<string, DealChannelInfo>;
  /** Direct deals looked up or registered in this batch. */
  dealLookups: Map<string, DealChannelInfo | undefined>;
  directDeals: DirectDeals;
  publishing: boolean;
  allLoaded: boolean;
}

/** A small LRU of committed, serialized values. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  clear(): void {
    this.map.clear();
  }
}

interface HealthRow {
  partner_id: string;
  as_of: Date | string | null;
  state: StoredPartnerState;
  scores: PartnerEntry['scores'];
  /** Numeric metrics in catalog order (METRIC_NAMES). */
  numeric: Array<number | null> | null;
}

/**
 * The partner-health projection: partners, deals and mapping events → partner fold states,
 * scorecards, scores per scoring version, quadrant history, channel counters, and the outbox
 * of PartnerScorecardUpdated / PartnerQuadrantChanged.
 *
 * The runner calls apply() per event inside one transaction per batch. Events change partner
 * entries held in memory for the batch; endBatch() writes them in bulk, in one statement
 * together with the runner's idempotency marks and status row, inside the batch's
 * transaction, so the read model, the marks and the outbox commit together or not at all.
 * Committed entries are also kept in an in-process LRU; it is dropped when the projection's
 * generation changes (rebuild) and a rolled-back batch never reaches it. One runner instance
 * per database (it is the only writer of these tables).
 */
export class PartnerHealthProjection implements Projection {
  readonly name: string;
  readonly contexts: string[];
  readonly migrations = partnerHealthMigrations;
  readonly tables = PARTNER_HEALTH_TABLES;
  readonly entities = [];
  readonly configs: readonly ScoringConfig[];
  readonly publishVersion: number;
  private readonly batches = new WeakMap<EntityManager, BatchContext>();
  private readonly cache: Lru<PartnerEntry>;
  /** Committed registrations of direct deals (a partner's deal is in its partner's state). */
  private readonly dealCache = new Lru<DealChannelInfo>(200_000);
  private globalCache: GlobalHealthState | null = null;
  private generation: number | null = null;
  private readonly subscriber: EntitySubscriberInterface;

  constructor(options: PartnerHealthProjectionOptions) {
    if (options.configs.length === 0)
      throw new Error('partner health projection: at least one scoring version');
    this.name = options.name ?? PARTNER_HEALTH_PROJECTION;
    this.contexts = options.contexts ?? ['partners', 'deals', 'mapping', 'metrics'];
    this.configs = [...options.configs].sort((a, b) => a.version - b.version);
    this.publishVersion = options.publishVersion ?? this.configs.at(-1)!.version;
    this.cache = new Lru(options.cacheSize ?? 50_000);
    this.subscriber = {
      afterTransactionCommit: (e: TransactionCommitEvent) => this.committed(e.manager),
      afterTransactionRollback: (e: TransactionRollbackEvent) => this.rolledBack(e.manager),
    };
  }

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const ctx = await this.context(manager);
    const global = GLOBAL_EVENT_TYPES.has(event.type);
    const ids = partnersAffectedBy(event);
    if (!global && ids.length === 0 && !CHANNEL_EVENT_TYPES.has(event.type)) return;
    if (RESCORE_ALL_EVENT_TYPES.has(event.type)) await this.loadAll(manager, ctx);
    for (const id of ids) await this.load(manager, ctx, id);
    const source = {
      get: (id: string) => ctx.entries.get(id)!,
      all: () => ctx.entries.values(),
    };
    const { touched, changes } = foldEvent(event, ctx.global, source, { configs: this.configs });
    for (const t of touched) ctx.dirty.set(t.state.partnerId, event.globalPosition);
    // The streams each partner's events are in, for time travel (a global event's stream is
    // listed once, under "*", not under every partner it rescored).
    for (const id of ids) ctx.streams.add(`${id}\u0000${event.streamId}`);
    const dealId = (event.data as { dealId?: string }).dealId;
    if (dealId) for (const id of ids) ctx.dirtyDeals.add(`${id}\u0000${dealId}`);
    if (global) {
      ctx.globalDirty = true;
      ctx.streams.add(`*\u0000${event.streamId}`);
    }
    for (const c of changes) ctx.changes.push(c);
    if (CHANNEL_EVENT_TYPES.has(event.type)) {
      // A direct deal's registration is looked up (a partner's deal is in its loaded state).
      const d = event.data as { dealId: string; partnerId?: string | null };
      if (!d.partnerId && event.type !== 'DealRegistered') await this.dealInfo(manager, ctx, d.dealId);
      foldChannelEvent(ctx.channel, event, source, ctx.directDeals);
    }
  }

  /** The runner starts a batch: its context, with the generation and state the runner knows. */
  async beginBatch(manager: EntityManager, batch: BatchInfo): Promise<void> {
    await this.context(manager, batch);
  }

  private async context(manager: EntityManager, known?: BatchInfo): Promise<BatchContext> {
    let ctx = this.batches.get(manager);
    if (ctx) return ctx;
    const subscribers = manager.connection.subscribers;
    if (!subscribers.includes(this.subscriber)) subscribers.push(this.subscriber);
    let batch = known;
    if (!batch) {
      const status: Array<{ generation: number; state: string }> = await manager.query(
        'SELECT generation, state FROM projection_status WHERE projection = $1',
        [this.name],
      );
      batch = { generation: status[0]?.generation ?? 0, rebuilding: status[0]?.state === 'rebuilding' };
    }
    if (batch.generation !== this.generation) {
      this.cache.clear();
      this.dealCache.clear();
      this.globalCache = null;
      this.generation = batch.generation;
    }
    let global = this.globalCache;
    if (global === null) {
      const rows: Array<{ state: GlobalHealthState }> = await manager.query(
        "SELECT state FROM metrics_global WHERE id = 'global'",
      );
      global = rows[0]?.state ?? emptyGlobalState();
    }
    const newDeals = new Map<string, DealChannelInfo>();
    const dealLookups = new Map<string, DealChannelInfo | undefined>();
    ctx = {
      entries: new Map(),
      startScorecards: new Map(),
      dirty: new Map(),
      dirtyDeals: new Set(),
      global,
      globalDirty: false,
      changes: [],
      streams: new Set(),
      channel: emptyChannelAccumulator(),
      newDeals,
      dealLookups,
      directDeals: {
        get: (dealId) => dealLookups.get(dealId),
        set: (dealId, info) => {
          newDeals.set(dealId, info);
          dealLookups.set(dealId, info);
        },
      },
      // A rebuild replays history that was published already: nothing is published meanwhile.
      publishing: !batch.rebuilding,
      allLoaded: false,
    };
    this.batches.set(manager, ctx);
    return ctx;
  }

  private adopt(ctx: BatchContext, entry: PartnerEntry): void {
    ctx.entries.set(entry.state.partnerId, entry);
    // The scorecard last flushed for this partner: recomputed from its state (not stored).
    if (entry.scorecard === null && entry.state.registered)
      refreshScorecard(entry, ctx.global, this.configs[0]!.reportingCurrency, this.configs);
    ctx.startScorecards.set(entry.state.partnerId, entry.scorecard);
  }

  private async load(manager: EntityManager, ctx: BatchContext, partnerId: string): Promise<void> {
    if (ctx.entries.has(partnerId)) return;
    const cached = this.cache.get(partnerId);
    if (cached !== undefined) return this.adopt(ctx, cached);
    const rows: HealthRow[] = await manager.query(
      'SELECT partner_id, state, scores, numeric, as_of FROM metrics_partner_health WHERE partner_id = $1',
      [partnerId],
    );
    const r = rows[0];
    if (!r) return this.adopt(ctx, newEntry(partnerId));
    const deals: Array<{ deal_id: string; facts: DealFacts }> = await manager.query(
      'SELECT deal_id, facts FROM metrics_partner_deals WHERE partner_id = $1',
      [partnerId],
    );
    this.adopt(ctx, entryOf(r, deals));
  }

  private async loadAll(manager: EntityManager, ctx: BatchContext): Promise<void> {
    if (ctx.allLoaded) return;
    const rows: HealthRow[] = await manager.query(
      'SELECT partner_id, state, scores, numeric, as_of FROM metrics_partner_health ORDER BY partner_id',
    );
    const deals: Array<{ partner_id: string; deal_id: string; facts: DealFacts }> = await manager.query(
      'SELECT partner_id, deal_id, facts FROM metrics_partner_deals ORDER BY partner_id, deal_id',
    );
    const byPartner = new Map<string, Array<{ deal_id: string; facts: DealFacts }>>();
    for (const d of deals) {
      let list = byPartner.get(d.partner_id);
      if (!list) byPartner.set(d.partner_id, (list = []));
      list.push(d);
    }
    for (const r of rows) {
      if (ctx.entries.has(r.partner_id)) continue;
      this.adopt(ctx, entryOf(r, byPartner.get(r.partner_id) ?? []));
    }
    ctx.allLoaded = true;
  }

  private async dealInfo(
    manager: EntityManager,
    ctx: BatchContext,
    dealId: string,
  ): Promise<DealChannelInfo | undefined> {
    if (ctx.dealLookups.has(dealId)) return ctx.dealLookups.get(dealId);
    let info = this.dealCache.get(dealId);
    if (!info) {
      const rows: Array<{ info: DealChannelInfo }> = await manager.query(
        'SELECT info FROM metrics_channel_deals WHERE deal_id = $1',
        [dealId],
      );
      info = rows[0]?.info;
    }
    ctx.dealLookups.set(dealId, info);
    return info;
  }

  /**
   * Writes the batch's effects in bulk, inside the runner's transaction, in one statement
   * together with the runner's marks and status row.
   */
  async endBatch(manager: EntityManager, runnerWrites: readonly BatchStatement[]): Promise<void> {
    const ctx = this.batches.get(manager);
    if (!ctx) {
      const { sql, params } = combineStatements(runnerWrites);
      await manager.query(sql, params);
      return;
    }
    const dirty = [...ctx.dirty].map(([id, position]) => ({ entry: ctx.entries.get(id)!, position }));
    // The full scorecard once per partner per batch, at the moment it was last scored: it
    // depends on the end state only, so batching does not change it.
    const reporting = this.configs[0]!.reportingCurrency;
    for (const { entry } of dirty) refreshScorecard(entry, ctx.global, reporting, this.configs);
    await writeHealthRows(
      (sql, params) => manager.query(sql, params),
      {
        entries: dirty,
        changes: ctx.changes,
        streams: ctx.streams,
        global: ctx.globalDirty ? ctx.global : null,
        channel: ctx.channel,
        newDeals: ctx.newDeals,
        deals: [...ctx.dirtyDeals].map((key) => {
          const [partnerId, dealId] = key.split('\u0000') as [string, string];
          return { partnerId, dealId, facts: ctx.entries.get(partnerId)!.state.deals.get(dealId)! };
        }),
        outbox: ctx.publishing
          ? this.outboxRows(
              ctx,
              dirty.map((d) => d.entry),
            )
          : [],
      },
      { combine: true, alongside: runnerWrites },
    );
  }

  /**
   * Coalescing: at most one PartnerScorecardUpdated per partner per batch (when its scorecard
   * differs from the one at the start of the batch), and one PartnerQuadrantChanged per change
   * of the published scoring version. Ids derive from the input position, so a batch that is
   * retried after a rollback writes the same ids (ON CONFLICT DO NOTHING).
   */
  private outboxRows(ctx: BatchContext, dirty: PartnerEntry[]): Array<Record<string, unknown>> {
    const config = this.configs.find((c) => c.version === this.publishVersion)!;
    const rows: Array<Record<string, unknown>> = [];
    for (const c of ctx.changes) {
      if (c.scoringVersion !== this.publishVersion) continue;
      rows.push({
        id: deterministicId(`${this.name}|quadrant|${c.partnerId}|${c.scoringVersion}|${c.globalPosition}`),
        partner_id: c.partnerId,
        type: 'PartnerQuadrantChanged',
        occurred_at: c.asOf,
        data: {
          partnerId: c.partnerId,
          asOf: c.asOf,
          quadrant: c.quadrant,
          previousQuadrant: c.previousQuadrant,
          potential: c.potential,
          utilization: c.utilization,
          thresholds: config.thresholds,
        },
      });
    }
    for (const e of dirty) {
      const scores = e.scores[String(this.publishVersion)];
      if (!e.scorecard || !scores) continue;
      const changed = changedMetrics(ctx.startScorecards.get(e.state.partnerId) ?? null, e.scorecard);
      if (changed.length === 0) continue;
      rows.push({
        id: deterministicId(
          `${this.name}|scorecard|${e.state.partnerId}|${ctx.dirty.get(e.state.partnerId)}`,
        ),
        partner_id: e.state.partnerId,
        type: 'PartnerScorecardUpdated',
        occurred_at: e.scorecard.asOf,
        // A marker: the publisher fills the event from the read model when it appends it
        // (coalesced, so the latest scorecard), which keeps each batch's write small.
        data: { partnerId: e.state.partnerId, asOf: e.scorecard.asOf, changedMetrics: changed },
      });
    }
    return rows;
  }

  /**
   * The cache holds the live objects a batch mutated: after a commit they are the committed
   * state. After a rollback some of them may hold uncommitted changes, so every cache is
   * dropped and the next batch reads the database again.
   */
  private committed(manager: EntityManager): void {
    const ctx = this.batches.get(manager);
    if (!ctx) return;
    this.batches.delete(manager);
    for (const [id, entry] of ctx.entries) this.cache.set(id, entry);
    this.globalCache = ctx.global;
    for (const [id, info] of ctx.newDeals) this.dealCache.set(id, info);
  }

  private rolledBack(manager: EntityManager): void {
    if (!this.batches.delete(manager)) return;
    this.cache.clear();
    this.dealCache.clear();
    this.globalCache = null;
  }
}

/** What one batch (or a bulk rebuild) writes to the read models. */
export interface HealthRows {
  /** Touched partner entries with the global position of the last event that touched each. */
  entries: Array<{ entry: PartnerEntry; position: bigint }>;
  changes: readonly QuadrantChange[];
  /** "partnerId\u0000streamId" ('*' for global streams). */
  streams: ReadonlySet<string>;
  /** The global state when it changed. */
  global: GlobalHealthState | null;
  /** Counters to add to the channel tables. */
  channel: ChannelAccumulator;
  newDeals: ReadonlyMap<string, DealChannelInfo>;
  /** Deals of the entries to write (changed ones; all of them in a bulk rebuild). */
  deals: ReadonlyArray<{ partnerId: string; dealId: string; facts: DealFacts }>;
  /** Events to publish (see outboxRows). */
  outbox?: ReadonlyArray<Record<string, unknown>>;
}

type Exec = (sql: string, params: unknown[]) => Promise<unknown>;

/** Runs one INSERT … SELECT FROM jsonb_to_recordset($1) per chunk of rows. */
async function insertRowsChunked(
  exec: Exec,
  sql: string,
  rows: readonly unknown[],
  chunk = 1000,
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) await exec(sql, [JSON.stringify(rows.slice(i, i + chunk))]);
}

/** Upserts the rows of a batch (or of a bulk rebuild) with a few statements, portable to PGlite. */
export async function writeHealthRows(
  exec: Exec,
  rows: HealthRows,
  options: {
    combine?: boolean;
    /** With combine: other writes (other tables) to send in the same statement. */
    alongside?: readonly BatchStatement[];
    chunk?: number;
    /**
     * The tables were just emptied and the rows are unique (a bulk rebuild): deal facts and
     * stream pairs, the most numerous rows, go in without ON CONFLICT (its speculative
     * insertion cost 40 %; the bulk rebuild drops their primary keys while it loads them).
     */
    fresh?: boolean;
  } = {},
): Promise<void> {
  if (options.combine) {
    // One round trip for the whole batch: every write a data-modifying CTE of one statement
    // (they touch different tables, so none needs to see another's effect).
    const statements: BatchStatement[] = [];
    await writeHealthRows(async (sql, params) => void statements.push({ sql, params }), rows, {
      chunk: Number.MAX_SAFE_INTEGER,
    });
    statements.push(...(options.alongside ?? []));
    if (statements.length > 0) {
      const { sql, params } = combineStatements(statements);
      await exec(sql, params);
    }
    return;
  }
  const chunkAll = options.chunk;
  const insertRows = (e: Exec, sql: string, list: readonly unknown[], chunk = 1000) =>
    insertRowsChunked(e, sql, list, chunkAll ?? chunk);
  await insertRows(
    exec,
    `INSERT INTO metrics_partner_health AS h (partner_id, registered, legal_name, pam_id, tier, region, state, scores, numeric, as_of, last_position)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(partner_id text, registered boolean, legal_name text, pam_id text, tier text, region text,
       state jsonb, scores jsonb, numeric jsonb, as_of timestamptz, last_position bigint)
     ON CONFLICT (partner_id) DO UPDATE SET registered = EXCLUDED.registered, legal_name = EXCLUDED.legal_name, pam_id = EXCLUDED.pam_id,
       tier = EXCLUDED.tier, region = EXCLUDED.region, state = EXCLUDED.state, scores = EXCLUDED.scores,
       numeric = EXCLUDED.numeric, as_of = EXCLUDED.as_of, last_position = GREATEST(h.last_position, EXCLUDED.last_position)`,
    rows.entries.map(({ entry: e, position }) => ({
      partner_id: e.state.partnerId,
      registered: e.state.registered,
      legal_name: e.state.profile?.legalName ?? null,
      pam_id: e.state.pamId,
      tier: e.state.tier,
      region: e.state.profile?.region ?? null,
      state: stateForStorage(e.state), // deals: metrics_partner_deals
      scores: slimScores(e.scores),
      numeric: e.numeric ? METRIC_NAMES.map((n) => e.numeric![n] ?? null) : null, // positional: small rows
      as_of: e.scoredAt,
      last_position: String(position),
    })),
    500,
  );
  await insertRows(
    exec,
    `INSERT INTO metrics_partner_deals (partner_id, deal_id, facts)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(partner_id text, deal_id text, facts jsonb)${
       options.fresh ? '' : ' ON CONFLICT (partner_id, deal_id) DO UPDATE SET facts = EXCLUDED.facts'
     }`,
    rows.deals.map((d) => ({
      partner_id: d.partnerId,
      deal_id: d.dealId,
      facts: dealFactsForStorage(d.facts),
    })),
    5000,
  );
  await insertRows(
    exec,
    `INSERT INTO metrics_partner_scores (partner_id, scoring_version, as_of, potential, utilization, quadrant, potential_top, utilization_top)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(partner_id text, scoring_version integer, as_of timestamptz, potential double precision,
       utilization double precision, quadrant text, potential_top jsonb, utilization_top jsonb)
     ON CONFLICT (partner_id, scoring_version) DO UPDATE SET as_of = EXCLUDED.as_of, potential = EXCLUDED.potential,
       utilization = EXCLUDED.utilization, quadrant = EXCLUDED.quadrant, potential_top = EXCLUDED.potential_top, utilization_top = EXCLUDED.utilization_top`,
    rows.entries.flatMap(({ entry: e }) =>
      Object.values(e.scores).map((s) => ({
        partner_id: e.state.partnerId,
        scoring_version: s.scoringVersion,
        as_of: e.scoredAt!,
        potential: s.potential,
        utilization: s.utilization,
        quadrant: s.quadrant,
        potential_top: s.potentialContributions,
        utilization_top: s.utilizationContributions,
      })),
    ),
  );
  for (let i = 0; i < rows.changes.length; i += chunkAll ?? 5000)
    await insertQuadrantHistory({ query: exec }, rows.changes.slice(i, i + (chunkAll ?? 5000)));
  await insertRows(
    exec,
    `INSERT INTO metrics_partner_streams (partner_id, stream_id)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(partner_id text, stream_id text)${options.fresh ? '' : ' ON CONFLICT DO NOTHING'}`,
    [...rows.streams].map((s) => {
      const [partner_id, stream_id] = s.split('\u0000');
      return { partner_id, stream_id };
    }),
    5000,
  );
  if (rows.global) {
    await exec(
      `INSERT INTO metrics_global (id, state) VALUES ('global', $1::jsonb) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state`,
      [JSON.stringify(rows.global)],
    );
  }
  await insertRows(
    exec,
    `INSERT INTO metrics_channel_deals (deal_id, info) SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(deal_id text, info jsonb)
     ON CONFLICT (deal_id) DO UPDATE SET info = EXCLUDED.info`,
    [...rows.newDeals].map(([deal_id, info]) => ({ deal_id, info })),
    5000,
  );
  const channel = channelRowsOf(rows.channel);
  await insertRows(
    exec,
    `INSERT INTO metrics_channel_months AS m (month, channel, registrations, won, lost, cycle_days_sum)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(month text, channel text, registrations integer, won integer, lost integer, cycle_days_sum bigint)
     ON CONFLICT (month, channel) DO UPDATE SET registrations = m.registrations + EXCLUDED.registrations, won = m.won + EXCLUDED.won,
       lost = m.lost + EXCLUDED.lost, cycle_days_sum = m.cycle_days_sum + EXCLUDED.cycle_days_sum`,
    channel.months.map((r) => ({
      month: r.month,
      channel: r.channel,
      registrations: r.registrations,
      won: r.won,
      lost: r.lost,
      cycle_days_sum: r.cycleDaysSum,
    })),
    5000,
  );
  await insertRows(
    exec,
    `INSERT INTO metrics_channel_revenue AS r (month, channel, attribution, currency, micros)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(month text, channel text, attribution text, currency text, micros numeric)
     ON CONFLICT (month, channel, attribution, currency) DO UPDATE SET micros = r.micros + EXCLUDED.micros`,
    channel.revenue.map((r) => ({ ...r, micros: r.micros.toString() })),
    5000,
  );
  await insertRows(
    exec,
    `INSERT INTO metrics_channel_customers AS c (customer_key, channel, month, currency, micros)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(customer_key text, channel text, month text, currency text, micros numeric)
     ON CONFLICT (customer_key, channel, month, currency) DO UPDATE SET micros = c.micros + EXCLUDED.micros`,
    channel.customers.map((r) => ({
      customer_key: r.customerKey,
      channel: r.channel,
      month: r.month,
      currency: r.currency,
      micros: r.micros.toString(),
    })),
    5000,
  );
  await insertRows(
    exec,
    `INSERT INTO metrics_channel_pams AS p (month, pam_id, currency, micros)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(month text, pam_id text, currency text, micros numeric)
     ON CONFLICT (month, pam_id, currency) DO UPDATE SET micros = p.micros + EXCLUDED.micros`,
    channel.pams.map((r) => ({
      month: r.month,
      pam_id: r.pamId,
      currency: r.currency,
      micros: r.micros.toString(),
    })),
    5000,
  );
  await insertRows(
    exec,
    `INSERT INTO metrics_outbox (id, partner_id, type, data, occurred_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, partner_id text, type text, data jsonb, occurred_at timestamptz)
     ON CONFLICT (id) DO NOTHING`,
    rows.outbox ?? [],
  );
}

function entryOf(r: HealthRow, deals: Iterable<{ deal_id: string; facts: DealFacts }>): PartnerEntry {
  return {
    state: stateFromStorage(r.state, deals),
    scores: r.scores,
    scoredAt: r.as_of === null ? null : new Date(r.as_of).toISOString(),
    scorecard: null,
    numeric: r.numeric ? Object.fromEntries(METRIC_NAMES.map((n, i) => [n, r.numeric![i] ?? null])) : null,
  };
}

/** Scores as kept in the state row: the quadrant and values (contributions live in metrics_partner_scores). */
function slimScores(scores: PartnerEntry['scores']): PartnerEntry['scores'] {
  const out: PartnerEntry['scores'] = {};
  for (const [v, s] of Object.entries(scores))
    out[v] = { ...s, potentialContributions: [], utilizationContributions: [] };
  return out;
}

export async function insertQuadrantHistory(
  manager: { query(sql: string, params?: unknown[]): Promise<unknown> },
  changes: readonly QuadrantChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await manager.query(
    `INSERT INTO metrics_quadrant_history (partner_id, scoring_version, global_position, as_of, quadrant, previous_quadrant, potential, utilization)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(partner_id text, scoring_version integer, global_position bigint, as_of timestamptz,
       quadrant text, previous_quadrant text, potential double precision, utilization double precision)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(
        changes.map((c) => ({
          partner_id: c.partnerId,
          scoring_version: c.scoringVersion,
          global_position: c.globalPosition.toString(),
          as_of: c.asOf,
          quadrant: c.quadrant,
          previous_quadrant: c.previousQuadrant,
          potential: c.potential,
          utilization: c.utilization,
        })),
      ),
    ],
  );
}
