import { mkdirSync } from 'node:fs';
import type { Database } from './database';
import { PgliteDatabase } from './pglite-database';
import { PostgresDatabase } from './postgres-database';

export class ConfigurationError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigurationError';
  }
}

/**
 * DATABASE_URL set → PostgreSQL; otherwise PGlite in `dataDir` (embedded mode).
 * A malformed URL is refused at start with the variable's name.
 */
export async function openDatabase(options: {
  url?: string;
  dataDir?: string;
  poolSize?: number;
}): Promise<Database> {
  if (options.url) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new ConfigurationError(
        'DATABASE_URL',
        'is not a URL; expected postgres://user:password@host:port/database',
      );
    }
    if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
      throw new ConfigurationError('DATABASE_URL', `protocol ${parsed.protocol} is not postgres:`);
    }
    return new PostgresDatabase(options.url, { max: options.poolSize ?? 10 });
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  return PgliteDatabase.open(options.dataDir);
}
