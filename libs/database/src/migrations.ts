import type { Database } from './database';

/** A schema change. Released migrations are never edited: add a new version instead. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies a component's versioned migrations in order, each in its own transaction, and
 * records them in `schema_migrations`. Safe to run concurrently from several processes
 * (a transaction-level advisory lock per component) and safe to run twice.
 */
export async function migrate(
  db: Database,
  component: string,
  migrations: readonly Migration[],
): Promise<number[]> {
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length) {
    throw new Error(`migrations of ${component}: duplicate version in ${versions.join(', ')}`);
  }
  // CREATE TABLE IF NOT EXISTS races with itself across sessions; the lock serializes it.
  await db.transaction(async (session) => {
    await session.query("SELECT pg_advisory_xact_lock(hashtext('schema_migrations'))");
    await session.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      component text NOT NULL,
      version integer NOT NULL,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (component, version)
    )`);
  });
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const done = await db.transaction(async (session) => {
      await session.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrate:${component}`]);
      const existing = await session.query(
        'SELECT 1 FROM schema_migrations WHERE component = $1 AND version = $2',
        [component, migration.version],
      );
      if (existing.rows.length > 0) return false;
      await session.query(migration.sql);
      await session.query('INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)', [
        component,
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
