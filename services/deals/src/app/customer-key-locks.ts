import { createHash } from 'node:crypto';
import { Mutex, type Database } from '@prm/database';

/** Runs SQL on the session that holds the locks (PostgreSQL) or on the database (PGlite). */
export type Query = <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

/** A 64-bit advisory-lock id for a customer key (the first 8 bytes of its SHA-1, signed). */
export function lockIdOf(key: string): string {
  return createHash('sha1').update(key).digest().readBigInt64BE(0).toString();
}

/** Counts callers in; at most `size` run at once, the rest queue in order. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Serializes registrations of the same customer, across processes: two registrations that share
 * any normalized key (tax id, domain, name + country) never run their check-and-record at the
 * same time, so exactly one of them is first and holds protection.
 *
 * On PostgreSQL the locks are session-level advisory locks on one pooled connection, taken in
 * ascending id order (no deadlock between registrations sharing several keys) and held while the
 * registry row is written and the deal's events are appended through the event store's group
 * commit. Session locks, not transaction locks: the registry row must be committed before the
 * append so a crash can never leave events without their index row (the opposite, a row without
 * events, is detected and dropped by the next registration of that customer). If the process
 * dies, PostgreSQL ends the session and releases the locks. At most `concurrency` registrations
 * hold a connection at once, so the pool keeps connections for the appends themselves.
 *
 * PGlite has one session in one process: an in-process mutex gives the same guarantee there.
 */
export class CustomerKeyLocks {
  private readonly semaphore: Semaphore;
  private readonly mutex = new Mutex();

  constructor(
    private readonly db: Database,
    concurrency = 6,
  ) {
    this.semaphore = new Semaphore(Math.max(1, concurrency));
  }

  async withKeys<T>(keys: readonly string[], fn: (query: Query) => Promise<T>): Promise<T> {
    if (this.db.kind === 'pglite') {
      return this.mutex.runExclusive(() => fn((sql, params) => this.db.query(sql, params)));
    }
    const ids = [...new Set(keys.map(lockIdOf))].sort((a, b) =>
      BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0,
    );
    return this.semaphore.run(() =>
      this.db.withSession(async (session) => {
        const query: Query = async (sql, params) => (await session.query(sql, params)).rows as never;
        // unnest keeps the array's order, so the locks are taken in ascending order. The session
        // commits without waiting for its WAL flush: its only writes are registry rows, and the
        // deal's append that follows (synchronous, later in the same WAL) flushes them with it,
        // so a row can only be lost together with the events it indexes. Reset before release.
        await session.query(
          `SELECT set_config('synchronous_commit', 'off', false), pg_advisory_lock(k) FROM unnest($1::bigint[]) AS k`,
          [ids],
        );
        try {
          return await fn(query);
        } finally {
          await session.query(
            `SELECT set_config('synchronous_commit', 'on', false), pg_advisory_unlock(k) FROM unnest($1::bigint[]) AS k`,
            [ids],
          );
        }
      }),
    );
  }
}
