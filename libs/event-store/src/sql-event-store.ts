import { EventEmitter } from 'node:events';
import type { EventToAppend, RecordedEvent } from '@prm/contracts';
import { migrate, type Database } from '@prm/database';
import {
  DuplicateEventIdError,
  validateAppend,
  WrongExpectedVersionError,
  type AppendResult,
  type BatchHandler,
  type EventStore,
  type ExpectedVersion,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SerializedEvent,
  type SubscribeOptions,
  type Subscription,
} from './event-store';
import { eventStoreMigrations } from './migrations';
import { tailLog } from './tail';
import { TailCache } from './tail-cache';

interface PendingAppend {
  stream: string;
  events: readonly EventToAppend[];
  expected: ExpectedVersion;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface EventRow {
  global_position: string | bigint;
  stream_id: string;
  stream_version: string | number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  recorded_at: Date | string;
}

interface SerializedRow {
  global_position: string | bigint;
  stream_id: string;
  event_id: string;
  type: string;
  schema_version: number;
  correlation_id: string | null;
  json: string;
}

interface AppendRow {
  idx: number;
  ok: boolean;
  stream_version: string | null;
  first_position: string | null;
  last_position: string | null;
}

const COLUMNS =
  'global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at';

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    globalPosition: BigInt(row.global_position),
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}

export interface SqlEventStoreOptions {
  /** Appends per database call at most (default 200). */
  maxAppendsPerBatch?: number;
  /** Events per database call at most (default 5000). */
  maxEventsPerBatch?: number;
  /** Batches in flight at once (default 2 on PostgreSQL, 1 on PGlite). */
  maxInFlight?: number;
  /** Recent events kept for the store's readers (default 20,000; tail-cache.ts). */
  tailCacheEvents?: number;
}

/**
 * The event store on PostgreSQL or PGlite: the same SQL on both.
 *
 * Appends are group-committed: concurrent append() calls queue up and are written together
 * by one call of es_append_batch (one round trip, one commit), each append still checked
 * against its own expected version. On PGlite the database lock serializes every call.
 */
export class SqlEventStore implements EventStore {
  readonly adapter: string;
  private readonly queue: PendingAppend[] = [];
  private inFlight = 0;
  private pumpScheduled = false;
  private readonly appended = new EventEmitter();
  /** The recent log as readers saw it, shared by every subscription of this store (tail-cache.ts). */
  private readonly tail: TailCache<RecordedEvent>;
  private sharedReads = 0;
  private readonly readsInFlight = new Map<string, { signals: number; page: Promise<RecordedEvent[]> }>();
  private unlisten?: () => Promise<void>;
  private readonly maxAppends: number;
  private readonly maxEvents: number;
  private readonly maxInFlight: number;

  private constructor(
    readonly db: Database,
    options: SqlEventStoreOptions,
  ) {
    this.adapter = db.kind;
    this.maxAppends = options.maxAppendsPerBatch ?? 200;
    this.maxEvents = options.maxEventsPerBatch ?? 5000;
    this.maxInFlight = options.maxInFlight ?? (db.kind === 'pglite' ? 1 : 2);
    this.appended.setMaxListeners(0);
    this.tail = new TailCache(options.tailCacheEvents ?? 20_000);
  }

  /** An append here or (through NOTIFY) in another process: wake the tailing readers. */
  private signalAppended(): void {
    this.tail.signal();
    this.appended.emit('appended');
  }

  /** How often readAll was answered from the tail cache (for benchmarks and tests). */
  get tailCacheStats(): { hits: number; misses: number; shared: number } {
    return { hits: this.tail.hits, misses: this.tail.misses, shared: this.sharedReads };
  }

  /** Migrates the schema and starts listening for appends by other processes. */
  static async create(db: Database, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    await migrate(db, 'event-store', eventStoreMigrations);
    const store = new SqlEventStore(db, options);
    store.unlisten = await db.listen('es_appended', () => store.signalAppended());
    return store;
  }

  async append(
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    validateAppend(stream, events, expected);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expected, resolve, reject });
      // Once the current synchronous code is done: appends made together (a handler appending
      // to several streams, a loop of callers) go out in one call instead of one each.
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        queueMicrotask(() => {
          this.pumpScheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: PendingAppend[] = [];
      let events = 0;
      while (this.queue.length > 0 && batch.length < this.maxAppends) {
        const next = this.queue[0]!;
        if (batch.length > 0 && events + next.events.length > this.maxEvents) break;
        batch.push(this.queue.shift()!);
        events += next.events.length;
      }
      this.inFlight++;
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async writeBatch(batch: PendingAppend[]): Promise<void> {
    let rows: AppendRow[];
    try {
      rows = await this.callAppend(batch);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(this.translate(error, batch[0]!));
        return;
      }
      // One bad append (say a duplicate event id) fails the whole call: retry one by one so
      // only the bad one fails.
      for (const pending of batch) await this.writeBatch([pending]);
      return;
    }
    for (const row of rows) {
      const pending = batch[row.idx]!;
      if (row.ok) {
        pending.resolve({
          nextExpectedVersion: Number(row.stream_version),
          firstPosition: BigInt(row.first_position!),
          lastPosition: BigInt(row.last_position!),
        });
      } else {
        pending.reject(
          new WrongExpectedVersionError(
            pending.stream,
            pending.expected,
            row.stream_version === null ? null : Number(row.stream_version),
          ),
        );
      }
    }
    this.signalAppended();
  }

  private async callAppend(batch: PendingAppend[]): Promise<AppendRow[]> {
    const payload = JSON.stringify(
      batch.map((p) => ({
        s: p.stream,
        x: String(p.expected),
        e: p.events.map((e) => ({ i: e.id, t: e.type, v: e.schemaVersion, d: e.data, m: e.metadata })),
      })),
    );
    return this.db.query<AppendRow>('SELECT * FROM es_append_batch($1::jsonb)', [payload]);
  }

  private translate(error: unknown, pending: PendingAppend): unknown {
    const pgError = error as { code?: string; constraint?: string; detail?: string };
    if (pgError.code === '23505' && pgError.constraint === 'es_events_event_id_key') {
      return new DuplicateEventIdError(pending.stream, pgError.detail ?? 'event_id');
    }
    if (pgError.code === '23505' && String((error as Error).message).includes('es_events_event_id_key')) {
      return new DuplicateEventIdError(pending.stream, 'event_id');
    }
    return error;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_version >= $2
       ORDER BY stream_version LIMIT $3`,
      [stream, options.fromVersion ?? 0, options.limit ?? null],
    );
    return rows.map(toRecorded);
  }

  async streamVersion(stream: string): Promise<number | null> {
    const rows = await this.db.query<{ version: string }>(
      'SELECT version FROM es_streams WHERE stream_id = $1',
      [stream],
    );
    return rows.length === 0 ? null : Number(rows[0]!.version);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    const limit = options.limit ?? 1000;
    const cached = this.tail.read(after, limit);
    if (cached) return cached;
    const signals = this.tail.signals;
    // Subscriptions woken by the same append ask for the same page at once: one query
    // answers them all, unless an append was signalled after it was sent.
    const key = `${after}:${limit}`;
    const pending = this.readsInFlight.get(key);
    if (pending && pending.signals === signals) {
      this.sharedReads++;
      return pending.page;
    }
    const page = this.db
      .query<EventRow>(
        `SELECT ${COLUMNS} FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
        [String(after), limit],
      )
      .then((rows) => {
        const events = rows.map(toRecorded);
        this.tail.remember(after, events, signals);
        return events;
      })
      .finally(() => {
        if (this.readsInFlight.get(key)?.page === page) this.readsInFlight.delete(key);
      });
    this.readsInFlight.set(key, { signals, page });
    return page;
  }

  /** readAll with the envelope built by the database (SerializedEvent): the relay's read. */
  async readAllSerialized(options: ReadAllOptions = {}): Promise<SerializedEvent[]> {
    const rows = await this.db.query<SerializedRow>(
      `SELECT global_position, stream_id, event_id, type, schema_version, metadata->>'correlationId' AS correlation_id,
         json_build_object('id', event_id, 'type', type, 'schemaVersion', schema_version, 'streamId', stream_id,
           'streamVersion', stream_version, 'globalPosition', global_position::text, 'data', data, 'metadata', metadata,
           'recordedAt', to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text AS json
       FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [String(options.after ?? 0n), options.limit ?? 1000],
    );
    return rows.map((row) => ({
      id: row.event_id,
      type: row.type,
      schemaVersion: row.schema_version,
      streamId: row.stream_id,
      globalPosition: BigInt(row.global_position),
      correlationId: row.correlation_id ?? '',
      json: row.json,
    }));
  }

  async headPosition(): Promise<bigint> {
    const rows = await this.db.query<{ position: string }>('SELECT position FROM es_head WHERE id = 1');
    return BigInt(rows[0]!.position);
  }

  subscribeToAll(handler: BatchHandler, options: SubscribeOptions = {}): Subscription {
    return tailLog(this, this.appended, handler, options);
  }

  subscribeToAllSerialized(
    handler: (events: readonly SerializedEvent[]) => Promise<void>,
    options: SubscribeOptions = {},
  ): Subscription {
    return tailLog({ readAll: (o) => this.readAllSerialized(o) }, this.appended, handler, options);
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    while (this.inFlight > 0 || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }
}
