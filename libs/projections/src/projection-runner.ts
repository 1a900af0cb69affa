import 'reflect-metadata';
import type { RecordedEvent } from '@prm/contracts';
import { migrate, type Database } from '@prm/database';
import type { BusMessage, ConsumerHandle, EventBus } from '@prm/messaging';
import { topicOf } from '@prm/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { projectionRunnerMigrations } from './migrations';
import {
  combineStatements,
  ProjectionHaltedError,
  type BatchInfo,
  type BatchStatement,
  type Projection,
} from './projection';

export interface ProjectionStatus {
  projection: string;
  generation: number;
  state: 'live' | 'rebuilding' | 'halted' | 'stopped';
  processed: number;
  skippedDuplicates: number;
  lastGlobalPosition: string | null;
  error: string | null;
}

export interface RebuildProgress {
  done: bigint;
  total: bigint;
  eventsPerSecond: number;
}

export interface ProjectionRunnerOptions {
  log?: (line: string) => void;
  /**
   * Called after a batch's transaction committed, with the batch (its events are visible to
   * readers from then on): for lag measurement and metrics. Must not throw.
   */
  onCommitted?: (messages: readonly BusMessage[]) => void;
}

/**
 * Runs one projection: consumes its topics from the bus (a consumer group per projection
 * and generation), applies each batch in ONE TypeORM transaction together with the
 * per-stream idempotency marks and the status row, so a redelivered event changes nothing.
 *
 * A handler that throws halts the projection: the batch's transaction is rolled back, its
 * offsets are not committed, the status row records the event (stream, position, type) and
 * the error, and `halted` rejects with ProjectionHaltedError. We stop rather than park the
 * event in a dead-letter table, because a read model that silently misses an event is wrong
 * in ways nobody sees; a halted one is visibly stale and is fixed by fixing the handler.
 */
export class ProjectionRunner {
  private dataSource?: DataSource;
  private consumer?: ConsumerHandle;
  private haltError?: ProjectionHaltedError;
  private batchInfo: BatchInfo = { generation: 0, rebuilding: false };
  private readonly log: (line: string) => void;
  private readonly onCommitted?: (messages: readonly BusMessage[]) => void;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    readonly projection: Projection,
    options: ProjectionRunnerOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
    this.onCommitted = options.onCommitted;
  }

  /** Migrates the runner's and the projection's tables and starts consuming. */
  async start(): Promise<void> {
    await migrate(this.db, 'projection-runner', projectionRunnerMigrations);
    await migrate(this.db, `projection:${this.projection.name}`, this.projection.migrations);
    this.dataSource ??= await new DataSource({
      ...this.db.typeormOptions(),
      entities: this.projection.entities,
      synchronize: false,
      migrationsRun: false,
      logging: false,
    }).initialize();
    await this.db.query(
      `INSERT INTO projection_status (projection) VALUES ($1) ON CONFLICT (projection) DO NOTHING`,
      [this.projection.name],
    );
    const status = await this.status();
    if (status.state === 'halted') {
      this.log(`projection ${this.projection.name}: restarting after halt (${status.error})`);
    }
    await this.db.query(
      `UPDATE projection_status SET state = 'live', error = NULL, updated_at = now() WHERE projection = $1 AND state <> 'rebuilding'`,
      [this.projection.name],
    );
    await this.consume(status.generation, status.state === 'rebuilding');
  }

  get manager(): EntityManager {
    if (!this.dataSource) throw new Error(`projection ${this.projection.name} is not started`);
    return this.dataSource.manager;
  }

  /** The error that halted the projection, if any. */
  get halted(): ProjectionHaltedError | undefined {
    return this.haltError;
  }

  private async consume(generation: number, rebuilding = false): Promise<void> {
    this.haltError = undefined;
    this.batchInfo = { generation, rebuilding };
    this.consumer = await this.bus.consume({
      groupId: `prm.projection.${this.projection.name}.g${generation}`,
      topics: this.projection.contexts.map(topicOf),
      fromBeginning: true,
      handleBatch: (messages) => this.applyBatch(messages),
      onError: (error) => void this.recordHalt(error),
    });
  }

  private async applyBatch(messages: readonly BusMessage[]): Promise<void> {
    const name = this.projection.name;
    const info = this.batchInfo;
    await this.dataSource!.transaction(async (manager) => {
      await this.projection.beginBatch?.(manager, info);
      const streams = [...new Set(messages.map((m) => m.event.streamId))];
      const marks = new Map<string, number>();
      const rows: Array<{ stream_id: string; version: string }> = await manager.query(
        'SELECT stream_id, version FROM projection_stream_marks WHERE projection = $1 AND stream_id = ANY($2)',
        [name, streams],
      );
      for (const r of rows) marks.set(r.stream_id, Number(r.version));
      let applied = 0;
      let skipped = 0;
      let last: RecordedEvent | undefined;
      for (const { event } of messages) {
        const mark = marks.get(event.streamId);
        if (mark !== undefined && event.streamVersion <= mark) {
          skipped++;
          continue;
        }
        try {
          await this.projection.apply(event, manager);
        } catch (error) {
          throw new ProjectionHaltedError(name, event, error);
        }
        marks.set(event.streamId, event.streamVersion);
        applied++;
        last = event;
      }
      // The marks and the status row: one statement, or a part of the projection's own.
      const writes: BatchStatement[] = [];
      if (applied > 0)
        writes.push({
          sql: `INSERT INTO projection_stream_marks (projection, stream_id, version)
                SELECT $1, s, v FROM unnest($2::text[], $3::bigint[]) AS t(s, v)
                ON CONFLICT (projection, stream_id) DO UPDATE SET version = GREATEST(projection_stream_marks.version, EXCLUDED.version)`,
          params: [name, [...marks.keys()], [...marks.values()].map(String)],
        });
      writes.push({
        sql: `UPDATE projection_status SET processed = processed + $2, skipped_duplicates = skipped_duplicates + $3,
                last_event_id = COALESCE($4, last_event_id), last_global_position = COALESCE($5, last_global_position), updated_at = now()
              WHERE projection = $1`,
        params: [name, applied, skipped, last?.id ?? null, last?.globalPosition.toString() ?? null],
      });
      if (this.projection.endBatch) await this.projection.endBatch(manager, writes);
      else {
        const { sql, params } = combineStatements(writes);
        await manager.query(sql, params);
      }
    });
    this.onCommitted?.(messages);
  }

  private async recordHalt(error: unknown): Promise<void> {
    const halt =
      error instanceof ProjectionHaltedError
        ? error
        : new ProjectionHaltedError(
            this.projection.name,
            {
              id: '00000000-0000-0000-0000-000000000000',
              streamId: '?',
              streamVersion: -1,
              globalPosition: -1n,
              type: '?',
            },
            error,
          );
    this.log(halt.message);
    // The status row is written before the error is surfaced, so whoever sees the halt (caughtUp)
    // also reads it as halted: under load the test read 'live' in between.
    await this.db
      .query(
        `UPDATE projection_status SET state = 'halted', error = $2, failed_event = $3, updated_at = now() WHERE projection = $1`,
        [
          this.projection.name,
          halt.message,
          JSON.stringify({
            id: halt.event.id,
            streamId: halt.event.streamId,
            streamVersion: halt.event.streamVersion,
            globalPosition: halt.event.globalPosition.toString(),
            type: halt.event.type,
          }),
        ],
      )
      .catch(() => undefined);
    this.haltError = halt;
  }

  /** Waits until the projection has consumed everything currently in its topics. */
  async caughtUp(timeoutMs = 60_000, onProgress?: (p: RebuildProgress) => void): Promise<void> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    const initial = await this.consumer!.lag();
    for (;;) {
      if (this.haltError) throw this.haltError;
      const lag = await this.consumer!.lag();
      const done = lag.total - lag.behind;
      const seconds = (Date.now() - started) / 1000;
      onProgress?.({
        done,
        total: lag.total,
        eventsPerSecond: seconds > 0 ? Number(initial.behind - lag.behind) / seconds : 0,
      });
      if (lag.behind <= 0n) return;
      if (Date.now() > deadline)
        throw new Error(
          `projection ${this.projection.name}: still ${lag.behind} events behind after ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Rebuild from zero: empty the read model and the marks and move to a new generation (a
   * new consumer group that starts at the beginning of the topics), all in one transaction,
   * then replay, reporting progress, until caught up.
   */
  async rebuild(onProgress?: (p: RebuildProgress) => void, timeoutMs = 30 * 60_000): Promise<void> {
    await this.consumer?.stop();
    const name = this.projection.name;
    const generation = await this.db.transaction(async (session) => {
      for (const table of this.projection.tables) await session.query(`TRUNCATE TABLE ${table}`);
      await session.query('DELETE FROM projection_stream_marks WHERE projection = $1', [name]);
      const r = await session.query<{ generation: number }>(
        `UPDATE projection_status SET generation = generation + 1, state = 'rebuilding', processed = 0,
           skipped_duplicates = 0, last_event_id = NULL, last_global_position = NULL, error = NULL, failed_event = NULL,
           updated_at = now() WHERE projection = $1 RETURNING generation`,
        [name],
      );
      return r.rows[0]!.generation;
    });
    this.log(`projection ${name}: rebuilding as generation ${generation}`);
    await this.consume(generation, true);
    await this.caughtUp(timeoutMs, onProgress);
    await this.db.query(
      `UPDATE projection_status SET state = 'live', updated_at = now() WHERE projection = $1`,
      [name],
    );
    this.batchInfo = { generation, rebuilding: false };
  }

  async status(): Promise<ProjectionStatus> {
    const rows = await this.db.query<{
      generation: number;
      state: ProjectionStatus['state'];
      processed: string;
      skipped_duplicates: string;
      last_global_position: string | null;
      error: string | null;
    }>('SELECT * FROM projection_status WHERE projection = $1', [this.projection.name]);
    const r = rows[0];
    if (!r) throw new Error(`projection ${this.projection.name} has no status row; start it first`);
    return {
      projection: this.projection.name,
      generation: r.generation,
      state: r.state,
      processed: Number(r.processed),
      skippedDuplicates: Number(r.skipped_duplicates),
      lastGlobalPosition: r.last_global_position,
      error: r.error,
    };
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
    await this.dataSource?.destroy();
    this.dataSource = undefined;
  }
}
