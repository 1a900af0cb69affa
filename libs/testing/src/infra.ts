import { randomBytes } from 'node:crypto';
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
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
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
