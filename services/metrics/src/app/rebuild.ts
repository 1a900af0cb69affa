import { migrate, type Database } from '@prm/database';
import type { EventStore } from '@prm/event-store';
import type { RecordedEvent } from '@prm/contracts';
import { InProcessEventBus, messagingMigrations } from '@prm/messaging';
import { ProjectionRunner, projectionRunnerMigrations, type RebuildProgress } from '@prm/projections';
import {
  foldChannelEvent,
  CHANNEL_EVENT_TYPES,
  emptyChannelAccumulator,
  emptyGlobalState,
  foldEvent,
  GLOBAL_EVENT_TYPES,
  newEntry,
  partnersAffectedBy,
  refreshScorecard,
  type DealChannelInfo,
  type PartnerEntry,
  type QuadrantChange,
  type ScoringConfig,
} from '../domain';
import { BULK_LOADED_KEYS, PARTNER_HEALTH_TABLES, partnerHealthMigrations } from './metrics.migrations';
import {
  PARTNER_HEALTH_PROJECTION,
  PartnerHealthProjection,
  writeHealthRows,
} from './partner-health.projection';

export interface RebuildOptions {
  configs: readonly ScoringConfig[];
  /** Projection name and contexts, as given to PartnerHealthProjection. */
  name?: string;
  contexts?: string[];
  onProgress?: (p: RebuildProgress) => void;
  /** Events read from the store per page (default 5,000). */
  pageSize?: number;
}

/**
 * Rebuild through the ProjectionRunner (truncate, new generation, replay batch by batch):
 * the path `runner.rebuild()` takes, for comparison and small logs.
 */
export async function rebuildPartnerHealth(
  db: Database,
  store: EventStore,
  configs: readonly ScoringConfig[],
  onProgress?: (p: RebuildProgress) => void,
  timeoutMs = 60 * 60_000,
): Promise<{ processed: number; generation: number }> {
  const bus = new InProcessEventBus(store, db);
  const runner = new ProjectionRunner(db, bus, new PartnerHealthProjection({ configs }));
  try {
    await runner.start();
    await runner.rebuild(onProgress, timeoutMs);
    const status = await runner.status();
    return { processed: status.processed, generation: status.generation };
  } finally {
    await runner.stop();
    await bus.close();
  }
}

/**
 * Bulk rebuild from zero for large logs: reads the whole log from the event store, folds it
 * in memory with the very steps the projection applies per event, then replaces the read
 * models in ONE transaction together with the runner's per-stream idempotency marks and a new
 * generation (and, for the in-process bus, that generation's offset at the end of what was
 * read). A runner started afterwards continues from there; on Kafka its new consumer group
 * re-reads the topics and the marks skip everything already folded.
 *
 * Stop the projection's runner first. Gives the same rows as the runner's rebuild (tested).
 */
export async function bulkRebuildPartnerHealth(
  db: Database,
  store: EventStore,
  options: RebuildOptions,
): Promise<{
  processed: number;
  generation: number;
  lastPosition: string;
  /** Reading the log and folding it. */
  foldSeconds: number;
  /** Scorecards and the one transaction that replaces the read models. */
  writeSeconds: number;
}> {
  const name = options.name ?? PARTNER_HEALTH_PROJECTION;
  const contexts = new Set(options.contexts ?? ['partners', 'deals', 'mapping', 'metrics']);
  const configs = [...options.configs].sort((a, b) => a.version - b.version);
  await migrate(db, 'projection-runner', projectionRunnerMigrations);
  await migrate(db, `projection:${name}`, partnerHealthMigrations);
  await migrate(db, 'messaging', messagingMigrations);
  await db.query(
    'INSERT INTO projection_status (projection) VALUES ($1) ON CONFLICT (projection) DO NOTHING',
    [name],
  );

  const entries = new Map<string, PartnerEntry>();
  const source = {
    get(id: string) {
      let e = entries.get(id);
      if (!e) entries.set(id, (e = newEntry(id)));
      return e;
    },
    all: () => entries.values(),
  };
  const global = emptyGlobalState();
  const positions = new Map<string, bigint>();
  /**
   * Every stream read: its last version (the runner's mark) and the partners its events concern
   * ("*" for global events), for time travel. One lookup per event; the "partner\0stream" pairs
   * are built once per pair at the end, not once per event.
   */
  const streamsRead = new Map<string, { version: number; partners: string[] | null }>();
  const addPartner = (s: { partners: string[] | null }, id: string) => {
    if (s.partners === null) s.partners = [id];
    else if (!s.partners.includes(id)) s.partners.push(id);
  };
  const changes: QuadrantChange[] = [];
  const channel = emptyChannelAccumulator();
  const directDeals = new Map<string, DealChannelInfo>();
  let processed = 0;
  let lastEvent: RecordedEvent | null = null;
  let after = 0n;
  const head = await store.headPosition();
  const started = Date.now();
  const pageSize = options.pageSize ?? 5000;
  // The next page is read while this one is folded (the database works while node folds).
  let next = store.readAll({ after, limit: pageSize });
  for (;;) {
    const page = await next;
    if (page.length === 0) break;
    next = store.readAll({ after: page.at(-1)!.globalPosition, limit: pageSize });
    next.catch(() => undefined); // if folding this page throws, the prefetch's failure is not unhandled
    for (const event of page) {
      if (!contexts.has(event.streamId.slice(0, event.streamId.indexOf('.')))) continue;
      processed++;
      lastEvent = event;
      let read = streamsRead.get(event.streamId);
      if (read) read.version = event.streamVersion;
      else streamsRead.set(event.streamId, (read = { version: event.streamVersion, partners: null }));
      const ids = partnersAffectedBy(event);
      for (const id of ids) source.get(id);
      const { touched, changes: c } = foldEvent(event, global, source, { configs });
      for (const t of touched) positions.set(t.state.partnerId, event.globalPosition);
      for (const id of ids) addPartner(read, id);
      if (GLOBAL_EVENT_TYPES.has(event.type)) addPartner(read, '*');
      for (const x of c) changes.push(x);
      if (CHANNEL_EVENT_TYPES.has(event.type)) foldChannelEvent(channel, event, source, directDeals);
    }
    after = page.at(-1)!.globalPosition;
    const seconds = (Date.now() - started) / 1000;
    options.onProgress?.({
      done: after,
      total: head > after ? head : after,
      eventsPerSecond: seconds > 0 ? Number(after) / seconds : 0,
    });
  }
  const streams = new Set<string>();
  for (const [streamId, read] of streamsRead)
    for (const id of read.partners ?? []) streams.add(`${id}\u0000${streamId}`);
  const foldSeconds = (Date.now() - started) / 1000;
  const reporting = configs[0]!.reportingCurrency;
  const touched = [...positions].map(([id, position]) => ({ entry: entries.get(id)!, position }));

  const generation = await db.transaction(async (session) => {
    // On PostgreSQL the statements are chained one after the other without waiting for each
    // here: node prepares the next rows — and computes the scorecards — while the server writes
    // the previous ones. The first failure skips the rest and rejects `written` (rollback).
    const pipelined = db.kind === 'postgres';
    let written: Promise<unknown> = Promise.resolve();
    const exec = async (sql: string, params: unknown[]): Promise<unknown> => {
      if (!pipelined) return session.query(sql, params);
      written = written.then(() => session.query(sql, params));
      written.catch(() => undefined); // awaited below
      await yieldToIo();
      return undefined;
    };
    try {
      for (const table of PARTNER_HEALTH_TABLES) await exec(`TRUNCATE TABLE ${table}`, []);
      for (const { table } of BULK_LOADED_KEYS)
        await exec(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`, []);
      await exec('DELETE FROM projection_stream_marks WHERE projection = $1', [name]);
      // First what does not need the scorecards: history, streams, global, channel, marks.
      await writeHealthRows(
        exec,
        {
          entries: [],
          changes,
          streams,
          global: processed > 0 ? global : null,
          channel,
          newDeals: directDeals,
          deals: [],
        },
        { fresh: true },
      );
      const markList = [...streamsRead].map(([streamId, read]) => [streamId, read.version] as const);
      for (let i = 0; i < markList.length; i += 10_000) {
        const chunk = markList.slice(i, i + 10_000);
        await exec(
          `INSERT INTO projection_stream_marks (projection, stream_id, version)
           SELECT $1, s, v FROM unnest($2::text[], $3::bigint[]) AS t(s, v)`,
          [name, chunk.map(([s]) => s), chunk.map(([, v]) => String(v))],
        );
      }
      // Meanwhile the scorecards (the server is busy with the statements above).
      for (let i = 0; i < touched.length; i++) {
        refreshScorecard(touched[i]!.entry, global, reporting, configs);
        if (pipelined && i % 500 === 499) await yieldToIo();
      }
      await writeHealthRows(
        exec,
        {
          entries: touched,
          changes: [],
          streams: new Set(),
          global: null,
          channel: emptyChannelAccumulator(),
          newDeals: new Map(),
          deals: touched.flatMap(({ entry }) =>
            [...entry.state.deals].map(([dealId, facts]) => ({
              partnerId: entry.state.partnerId,
              dealId,
              facts,
            })),
          ),
        },
        { fresh: true },
      );
      for (const { table, key } of BULK_LOADED_KEYS)
        await exec(`ALTER TABLE ${table} ADD PRIMARY KEY (${key})`, []);
    } catch (error) {
      await written.catch(() => undefined); // the running statement ends before the rollback
      throw error;
    }
    await written;
    const r = await session.query<{ generation: number }>(
      `UPDATE projection_status SET generation = generation + 1, state = 'live', processed = $2, skipped_duplicates = 0,
         last_event_id = $3, last_global_position = $4, error = NULL, failed_event = NULL, updated_at = now()
       WHERE projection = $1 RETURNING generation`,
      [name, processed, lastEvent?.id ?? null, lastEvent ? lastEvent.globalPosition.toString() : null],
    );
    const gen = r.rows[0]!.generation;
    await session.query(
      `INSERT INTO bus_offsets (group_id, position) VALUES ($1, $2)
       ON CONFLICT (group_id) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [`prm.projection.${name}.g${gen}`, after.toString()],
    );
    return gen;
  });
  const writeSeconds = (Date.now() - started) / 1000 - foldSeconds;
  return { processed, generation, lastPosition: after.toString(), foldSeconds, writeSeconds };
}

/** Lets pending I/O run (the next chained statement starts when the previous one is done). */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
