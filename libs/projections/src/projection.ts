import type { RecordedEvent } from '@prm/contracts';
import type { Migration } from '@prm/database';
import type { EntityManager, EntitySchema, MixedList } from 'typeorm';

/** A read model fed by events. Handlers must be deterministic: a rebuild gives the same rows. */
export interface Projection {
  /** Unique; names the consumer group (prm.projection.<name>.g<generation>). */
  name: string;
  /** Contexts whose topics it consumes (prm.<context>.events.v1). */
  contexts: string[];
  /** Read-model schema, as versioned migrations (component `projection:<name>`). */
  migrations: readonly Migration[];
  /** Tables it owns: emptied on rebuild. */
  tables: string[];
  /** TypeORM entities its handler uses. */
  entities: MixedList<EntitySchema | (new () => unknown)>;
  /** Applies one event inside the runner's transaction; throwing halts the projection. */
  apply(event: RecordedEvent, manager: EntityManager): Promise<void>;
  /**
   * Optional: called at the start of each batch's transaction, before any apply(), with what
   * the runner knows of the projection (so a projection need not read its status row itself).
   */
  beginBatch?(manager: EntityManager, batch: BatchInfo): Promise<void> | void;
  /**
   * Optional: ends each batch inside its transaction, after the last apply(). `runnerWrites`
   * are the runner's own writes for the batch (the idempotency marks, the status row). The
   * projection must run them in this transaction; sending them in one statement with its own
   * writes (combineStatements) saves a round trip per batch. Without endBatch the runner runs
   * them itself.
   */
  endBatch?(manager: EntityManager, runnerWrites: readonly BatchStatement[]): Promise<void>;
}

/** One data-modifying SQL statement (INSERT, UPDATE or DELETE, no WITH of its own) with $1… parameters. */
export interface BatchStatement {
  sql: string;
  params: unknown[];
}

/**
 * Several data-modifying statements as one (each a part of a WITH; parameters renumbered):
 * one round trip, and atomic on its own. The parts run on the same snapshot and none sees
 * another's changes, so they must write different rows (in practice, different tables).
 */
export function combineStatements(statements: readonly BatchStatement[]): BatchStatement {
  if (statements.length === 1) return statements[0]!;
  const params: unknown[] = [];
  const parts = statements.map((s, i) => {
    const offset = params.length;
    params.push(...s.params);
    return `w${i} AS (${s.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
  });
  return { sql: `WITH ${parts.join(',\n')} SELECT 1`, params };
}

export interface BatchInfo {
  /** The projection's generation (it changes on every rebuild). */
  generation: number;
  /** True while a rebuild replays history. */
  rebuilding: boolean;
}

export class ProjectionHaltedError extends Error {
  readonly code = 'PROJECTION_HALTED';
  constructor(
    readonly projection: string,
    readonly event: Pick<RecordedEvent, 'id' | 'streamId' | 'streamVersion' | 'globalPosition' | 'type'>,
    override readonly cause: unknown,
  ) {
    super(
      `projection ${projection} halted on event ${event.type} (stream ${event.streamId} version ${event.streamVersion}, ` +
        `global position ${event.globalPosition}, id ${event.id}): ${cause instanceof Error ? cause.message : String(cause)}. ` +
        `Fix the handler or the data and restart; the event has not been acknowledged.`,
    );
    this.name = 'ProjectionHaltedError';
  }
}
