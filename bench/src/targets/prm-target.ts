import type { EventToAppend } from '@prm/contracts';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
import { NO_STREAM, SqlEventStore } from '@prm/event-store';
import { PhaseTimer, timedQueries } from '../timing';
import type { BenchTarget, ReadAllOutcome } from './bench-target';

function kindOf(sql: string): string {
  if (sql.includes('es_append_batch')) return 'appendBatch';
  if (/FROM es_events WHERE global_position/.test(sql)) return 'readAll';
  return 'other';
}

/** Our SqlEventStore, on PostgreSQL or on PGlite in memory. */
export class PrmTarget implements BenchTarget {
  private constructor(
    readonly name: string,
    readonly db: Database,
    readonly store: SqlEventStore,
    private readonly timer: PhaseTimer,
  ) {}

  /** The store gets the database through a proxy that times each statement by kind. */
  private static async open(name: string, db: Database): Promise<PrmTarget> {
    const timer = new PhaseTimer();
    const timed = timedQueries(db, timer, kindOf);
    return new PrmTarget(name, db, await SqlEventStore.create(timed), timer);
  }

  static async onPostgres(url: string, poolSize = 40): Promise<PrmTarget> {
    return PrmTarget.open('prm-postgres', new PostgresDatabase(url, { max: poolSize }));
  }

  static async onPglite(): Promise<PrmTarget> {
    return PrmTarget.open('prm-pglite', await PgliteDatabase.open());
  }

  takeCallStats(): ReturnType<PhaseTimer['report']> {
    const stats = this.timer.report();
    this.timer.reset();
    return stats;
  }

  async appendToNewStream(stream: string, events: readonly EventToAppend[]): Promise<void> {
    await this.store.append(stream, events, NO_STREAM);
  }

  async appendOne(stream: string, event: EventToAppend, version: number | null): Promise<number> {
    const result = await this.store.append(stream, [event], version ?? NO_STREAM);
    return result.nextExpectedVersion;
  }

  async readAll(pageSize: number, onPage: (read: number) => void): Promise<ReadAllOutcome> {
    const stored = await this.storedCount();
    let after = 0n;
    let read = 0;
    let pages = 0;
    let ordered = true;
    for (;;) {
      const events = await this.store.readAll({ after, limit: pageSize });
      if (events.length === 0) break;
      pages++;
      for (const event of events) {
        if (event.globalPosition <= after) ordered = false;
        after = event.globalPosition;
      }
      read += events.length;
      onPage(read);
    }
    // Positions strictly increase, so every event read is distinct.
    const distinct = ordered ? read : NaN;
    return {
      read,
      distinct,
      stored,
      duplicates: ordered ? 0 : NaN,
      missing: ordered ? stored - read : NaN,
      pages,
      ...(ordered ? {} : { abortedBecause: 'positions did not strictly increase' }),
    };
  }

  private async storedCount(): Promise<number> {
    const rows = await this.db.query<{ n: string | number }>('SELECT count(*) AS n FROM es_events');
    return Number(rows[0]!.n);
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.db.close();
  }
}
