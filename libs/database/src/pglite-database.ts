import { EventEmitter } from 'node:events';
import { PGlite, types } from '@electric-sql/pglite';
import type { DataSourceOptions } from 'typeorm';
import type { Database, QueryResult, SqlSession } from './database';
import { Mutex } from './mutex';

interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: unknown[];
}

/** Runs a statement on PGlite the way pg would: several statements when there are no parameters. */
async function runOnPglite(db: PGlite, sql: string, params?: unknown[]): Promise<PgLikeResult> {
  const command = commandOf(sql);
  // PGlite reports affectedRows 0 for a SELECT; pg's rowCount is the rows returned.
  const count = (r: { rows: unknown[]; affectedRows?: number }) =>
    WRITES.has(command) ? (r.affectedRows ?? r.rows.length) : r.rows.length;
  if (params && params.length > 0) {
    const r = await db.query(sql, params);
    return { rows: r.rows, rowCount: count(r), command, fields: r.fields };
  }
  const results = await db.exec(sql);
  const last = results[results.length - 1];
  return {
    rows: last?.rows ?? [],
    rowCount: last ? count(last) : 0,
    command,
    fields: last?.fields ?? [],
  };
}

const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function commandOf(sql: string): string {
  const match = /^\s*(?:WITH\b[\s\S]*?\)\s*)?([A-Za-z]+)/.exec(sql);
  return (match?.[1] ?? '').toUpperCase();
}

function sessionOf(db: PGlite): SqlSession {
  return {
    async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      const r = await runOnPglite(db, sql, params);
      return { rows: r.rows as R[], rowCount: r.rowCount };
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite). One instance per data directory per process; every
 * session — ours and TypeORM's — holds `lock` for its whole life.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly lock = new Mutex();

  private constructor(
    readonly db: PGlite,
    readonly location: string,
  ) {}

  /** dataDir undefined = in memory. */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const db = await PGlite.create(dataDir, {
      // Same shapes as pg: int8 and numeric as strings, so callers convert explicitly.
      parsers: { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v },
    });
    return new PgliteDatabase(db, dataDir ?? 'memory://');
  }

  async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
    return this.lock.runExclusive(async () => (await runOnPglite(this.db, sql, params)).rows as R[]);
  }

  async withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.lock.runExclusive(() => fn(sessionOf(this.db)));
  }

  async transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.lock.runExclusive(async () => {
      await this.db.exec('BEGIN');
      try {
        const result = await fn(sessionOf(this.db));
        await this.db.exec('COMMIT');
        return result;
      } catch (error) {
        await this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unsubscribe = await this.lock.runExclusive(() => this.db.listen(channel, onNotify));
    return async () => {
      await this.lock.runExclusive(() => unsubscribe());
    };
  }

  typeormOptions(): DataSourceOptions {
    return { type: 'postgres', driver: pgliteTypeormDriver(this) } as DataSourceOptions;
  }

  async close(): Promise<void> {
    await this.lock.runExclusive(() => this.db.close());
  }
}

/**
 * A pg-shaped driver for TypeORM over a PgliteDatabase: each pooled "connection" holds the
 * database lock from connect() to release(), so a TypeORM transaction is never interleaved
 * with another transaction in PGlite's single session.
 */
function pgliteTypeormDriver(database: PgliteDatabase): unknown {
  class PgliteClient extends EventEmitter {
    /** pg's two call styles: with a callback, or returning a promise (TypeORM uses both). */
    query(
      sql: string,
      params?: unknown,
      callback?: (err: unknown, result?: PgLikeResult) => void,
    ): Promise<PgLikeResult> | void {
      const cb = typeof params === 'function' ? (params as typeof callback) : callback;
      const values = Array.isArray(params) ? params : undefined;
      const result = runOnPglite(database.db, sql, values);
      if (!cb) return result;
      result.then(
        (r) => cb(null, r),
        (e: unknown) => cb(e),
      );
    }
  }
  class PglitePool extends EventEmitter {
    connect(callback: (err: unknown, client?: PgliteClient, release?: () => void) => void): void {
      database.lock.acquire().then(
        (release) => callback(null, new PgliteClient(), release),
        (e: unknown) => callback(e),
      );
    }
    end(callback?: (err: unknown) => void): void {
      callback?.(null);
    }
  }
  return { Pool: PglitePool };
}
