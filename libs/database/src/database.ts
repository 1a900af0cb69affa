import type { DataSourceOptions } from 'typeorm';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** One session: a pooled pg client or the PGlite instance while its lock is held. */
export interface SqlSession {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export type DatabaseKind = 'postgres' | 'pglite';

/**
 * The one way the platform talks to its database, PostgreSQL or PGlite. Everything that
 * needs transaction isolation goes through `transaction`, which on PGlite serializes the
 * whole transaction (PGlite has one session per process and no isolation between
 * interleaved transactions).
 */
export interface Database {
  readonly kind: DatabaseKind;
  /** A human-readable location (URL without password, or the PGlite data dir). */
  readonly location: string;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Runs fn holding a session that is not shared with anyone for its duration. */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; returns an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** TypeORM options that reach this same database (for PGlite: the same instance and lock). */
  typeormOptions(): DataSourceOptions;
  close(): Promise<void>;
}
