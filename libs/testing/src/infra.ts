import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * Real services for integration tests. tools/run-tests.mjs probes them before the specs run;
 * a spec that needs one is skipped when it is absent, unless REQUIRE_INFRA=1 (CI), where it
 * runs and fails.
 */
export const requireInfra = process.env.REQUIRE_INFRA === '1';

export const postgresAdminUrl = process.env.DATABASE_URL ?? 'postgres://prm:prm@127.0.0.1:5433/prm';
export const kafkaBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** For `describe(name, { skip: skipUnlessPostgres() }, …)`. */
export function skipUnlessPostgres(): string | false {
  if (requireInfra || process.env.PRM_PG_AVAILABLE === '1') return false;
  return `PostgreSQL not reachable at ${new URL(postgresAdminUrl).host}: start it with bash infra/postgres/start.sh`;
}

export function skipUnlessKafka(): string | false {
  if (requireInfra || process.env.PRM_KAFKA_AVAILABLE === '1') return false;
  return `Kafka not reachable at ${kafkaBrokers.join(',')}: start it with bash infra/kafka/start.sh`;
}

export function skipUnlessPostgresAndKafka(): string | false {
  return skipUnlessPostgres() || skipUnlessKafka();
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database per spec file, so specs never see each other's rows. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `prm_t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: postgresAdminUrl });
      await c.connect();
      try {
        // FORCE ends our own sessions, but not an autovacuum worker (it runs as the superuser:
        // "must be a member of the role whose process is being terminated", 42501), which
        // big benchmark databases attract. It finishes or yields soon; try again for ~30 s.
        for (let attempt = 1; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (error) {
            if ((error as { code?: string }).code !== '42501' || attempt >= 60) throw error;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}

/** A unique suffix for Kafka topics and consumer groups, so runs never share offsets. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Polls `check` until it returns a truthy value or the timeout passes (then throws `what`). */
export async function eventually<T>(
  what: string,
  check: () => Promise<T>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The repository root, from a compiled spec in <project>/dist/…. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(resolve(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root (nx.json) not found');
    dir = up;
  }
  return dir;
}

/** Runs an infra script (e.g. 'kafka/stop.sh') and fails loudly with its output if it fails. */
export function runInfraScript(script: string): void {
  execFileSync('bash', [join(repoRoot(), 'infra', script)], { stdio: 'inherit' });
}
