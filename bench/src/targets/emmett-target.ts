import { dumbo, type Dumbo } from '@event-driven-io/dumbo';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import {
  getPostgreSQLEventStore,
  messagesTable,
  readMessagesBatch,
  type PostgresEventStore,
} from '@event-driven-io/emmett-postgresql';
import type { EventToAppend } from '@prm/contracts';
import pg from 'pg';
import type { BenchTarget, ReadAllOutcome } from './bench-target';

type EmmettEvent = {
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
};

function toEmmett(event: EventToAppend): EmmettEvent {
  return {
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: { ...event.metadata },
  };
}

/**
 * The Emmett PostgreSQL event store, used through its public API only. It gets the same pool
 * size as ours. Note: loading it installs global pg type parsers (int8 → BigInt, its own JSON
 * reviver), which is why each store runs in its own process.
 */
export class EmmettTarget implements BenchTarget {
  readonly name = 'emmett-postgres';

  private constructor(
    private readonly pool: pg.Pool,
    private readonly executor: Dumbo,
    private readonly store: PostgresEventStore,
  ) {}

  static async open(url: string, poolSize = 40): Promise<EmmettTarget> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize });
    pool.on('error', () => undefined);
    const executor = dumbo({ connectionString: url, pool });
    const store = getPostgreSQLEventStore(url, { connectionOptions: { dumbo: executor } });
    // The schema is created on first use; do it before anything is timed.
    await store.schema.migrate();
    return new EmmettTarget(pool, executor, store);
  }

  async appendToNewStream(stream: string, events: readonly EventToAppend[]): Promise<void> {
    await this.store.appendToStream(stream, events.map(toEmmett), {
      expectedStreamVersion: STREAM_DOES_NOT_EXIST,
    });
  }

  async appendOne(stream: string, event: EventToAppend, version: number | null): Promise<number> {
    const result = await this.store.appendToStream(stream, [toEmmett(event)], {
      expectedStreamVersion: version === null ? STREAM_DOES_NOT_EXIST : BigInt(version),
    });
    return Number(result.nextExpectedStreamVersion);
  }

  /**
   * Pages through the log with the package's exported readMessagesBatch ({ after, batchSize }),
   * the call its own consumers poll with, and checks every stored event came back once.
   */
  async readAll(pageSize: number, onPage: (read: number) => void): Promise<ReadAllOutcome> {
    const { rows } = await this.pool.query<{ n: string; max: string | null }>(
      `SELECT count(*) AS n, max(global_position) AS max FROM ${messagesTable.name}`,
    );
    const stored = Number(rows[0]!.n);
    const seen = new Uint8Array(Number(rows[0]!.max ?? 0) + 1);
    let after = 0n;
    let read = 0;
    let distinct = 0;
    let pages = 0;
    let abortedBecause: string | undefined;
    for (;;) {
      const batch = await readMessagesBatch(this.executor.execute, { after, batchSize: pageSize });
      if (batch.messages.length === 0) break;
      pages++;
      for (const message of batch.messages) {
        const position = Number(message.metadata.globalPosition);
        if (seen[position] === 0) distinct++;
        seen[position] = 1;
      }
      read += batch.messages.length;
      onPage(read);
      if (!batch.areMessagesLeft) break;
      if (read > stored * 3) {
        abortedBecause = `read ${read} events for ${stored} stored: stopped`;
        break;
      }
      after = batch.currentGlobalPosition;
    }
    return {
      read,
      distinct,
      stored,
      duplicates: read - distinct,
      missing: stored - distinct,
      pages,
      ...(abortedBecause ? { abortedBecause } : {}),
    };
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.pool.end();
  }
}
