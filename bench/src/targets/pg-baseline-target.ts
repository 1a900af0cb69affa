import type { EventToAppend } from '@prm/contracts';
import pg from 'pg';
import type { BenchTarget, ReadAllOutcome } from './bench-target';

/**
 * The machine's yardstick, not an event store: one multi-row INSERT per append into a plain
 * table (bigserial position, unique event id and stream version), with no expected-version
 * check and no ordering guarantee for readers. What an append costs here is what PostgreSQL
 * and pg cost on this machine; a store can only add to it.
 */
export class PgBaselineTarget implements BenchTarget {
  readonly name = 'pg-baseline';

  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, poolSize = 40): Promise<PgBaselineTarget> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize });
    pool.on('error', () => undefined);
    await pool.query(`
      CREATE TABLE baseline_events (
        position bigserial PRIMARY KEY,
        stream_id text NOT NULL,
        stream_version bigint NOT NULL,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (stream_id, stream_version)
      )`);
    return new PgBaselineTarget(pool);
  }

  private async insert(
    stream: string,
    events: readonly EventToAppend[],
    firstVersion: number,
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO baseline_events (stream_id, stream_version, event_id, type, data, metadata)
       SELECT $1, $2::bigint + ord - 1, id, type, data, metadata
       FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS e(id, type, data, metadata, ord)`,
      [
        stream,
        firstVersion,
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
      ],
    );
  }

  appendToNewStream(stream: string, events: readonly EventToAppend[]): Promise<void> {
    return this.insert(stream, events, 0);
  }

  async appendOne(stream: string, event: EventToAppend, version: number | null): Promise<number> {
    const next = version === null ? 0 : version + 1;
    await this.insert(stream, [event], next);
    return next;
  }

  async readAll(pageSize: number, onPage: (read: number) => void): Promise<ReadAllOutcome> {
    const stored = Number(
      (await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM baseline_events')).rows[0]!.n,
    );
    let after = '0';
    let read = 0;
    let pages = 0;
    for (;;) {
      const { rows } = await this.pool.query<{ position: string }>(
        `SELECT position, stream_id, stream_version, event_id, type, data, metadata, recorded_at
         FROM baseline_events WHERE position > $1 ORDER BY position LIMIT $2`,
        [after, pageSize],
      );
      if (rows.length === 0) break;
      pages++;
      after = rows[rows.length - 1]!.position;
      read += rows.length;
      onPage(read);
    }
    return { read, distinct: read, stored, duplicates: 0, missing: stored - read, pages };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
