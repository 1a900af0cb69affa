import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { Database, QueryResult, SqlSession } from './database';

function sessionOf(client: { query: Pool['query'] }): SqlSession {
  return {
    async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly location: string;
  readonly pool: Pool;
  private listener?: PoolClient;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();

  constructor(
    readonly url: string,
    options: Omit<PoolConfig, 'connectionString'> = {},
  ) {
    this.location = redactUrl(url);
    this.pool = new Pool({ connectionString: url, max: 10, ...options });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as R[];
  }

  async withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn(sessionOf(client));
    } finally {
      client.release();
    }
  }

  async transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(sessionOf(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    if (!this.listener) {
      this.listener = await this.pool.connect();
      this.listener.on('notification', (msg) => {
        for (const handler of this.channels.get(msg.channel) ?? []) handler(msg.payload ?? '');
      });
      this.listener.on('error', () => {
        this.listener = undefined;
      });
    }
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
      await this.listener.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    }
    handlers.add(onNotify);
    return async () => {
      handlers.delete(onNotify);
    };
  }

  typeormOptions(): DataSourceOptions {
    return { type: 'postgres', url: this.url, poolSize: 5 };
  }

  async close(): Promise<void> {
    if (this.listener) {
      this.listener.release(true);
      this.listener = undefined;
    }
    await this.pool.end();
  }
}
