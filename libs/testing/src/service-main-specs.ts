import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  createTestDatabase,
  eventually,
  kafkaBrokers,
  postgresAdminUrl,
  skipUnlessPostgresAndKafka,
  uniqueSuffix,
} from './infra';
import { Client } from 'pg';
import { grpcHealthStatus } from './grpc-health';
import { spawnService } from './service-process';

export interface ServiceMainSpecOptions {
  /** e.g. 'partners'. */
  service: string;
  /** The compiled main (dist/main.js). */
  mainJs: string;
  /** Variables the service checks beyond the common ones, each with a bad value. */
  badVariables: ReadonlyArray<readonly [string, string]>;
  /** Calls the running service makes answer (over gRPC) before it is stopped. */
  exercise?(grpcAddress: string): Promise<void>;
  /** The service's fully-qualified gRPC services (each has its own health status). */
  grpcServices: string[];
}

/** The service from its main on its own database and the test Kafka, on free ports. */
export function startAlone(mainJs: string, databaseUrl: string) {
  return spawnService(mainJs, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers.join(','),
    KAFKA_GROUP_PREFIX: `t${uniqueSuffix()}.`,
    PORT: '0',
    GRPC_PORT: '0',
  });
}

/**
 * The specs every service's main must pass: a bad or missing variable stops it with the
 * variable's name and exit code 2; started alone on its own database and Kafka it becomes ready
 * (/health/ready 200, /health/live 200, no internals), answers, and on SIGTERM exits 0 within 10 s;
 * grpc.health.v1 says NOT_SERVING while its database is cut off and SERVING again after.
 */
export function describeServiceMain(options: ServiceMainSpecOptions): void {
  describe(`${options.service} service main`, () => {
    it('refuses a bad or missing variable at start, naming it, with exit code 2', () => {
      const good = {
        DATABASE_URL: 'postgres://prm:prm@127.0.0.1:1/unused',
        KAFKA_BROKERS: '127.0.0.1:1',
      };
      const cases: Array<readonly [string, string | undefined]> = [
        ['DATABASE_URL', undefined],
        ['DATABASE_URL', 'not a url'],
        ['KAFKA_BROKERS', undefined],
        ['KAFKA_BROKERS', 'localhost'],
        ['PORT', 'eighty'],
        ['GRPC_PORT', '70000'],
        ['PRM_OPERATOR_TOKEN', 'short'],
        ...options.badVariables,
      ];
      for (const [name, value] of cases) {
        const env: NodeJS.ProcessEnv = { ...process.env, ...good };
        if (value === undefined) delete env[name];
        else env[name] = value;
        const run = spawnSync(process.execPath, [options.mainJs], { env, encoding: 'utf8', timeout: 30_000 });
        assert.equal(run.status, 2, `${name}=${value}: ${run.stdout}${run.stderr}`);
        assert.match(run.stderr, new RegExp(`configuration error: ${name}: \\S`), `${name}=${value}`);
      }
    });

    it(
      'says SERVING over grpc.health.v1 only while its database answers (cut off and back again)',
      { skip: skipUnlessPostgresAndKafka() },
      async () => {
        const db = await createTestDatabase(`${options.service}_health`);
        const admin = new Client({ connectionString: postgresAdminUrl });
        await admin.connect();
        const service = startAlone(options.mainJs, db.url);
        const allSay = async (expected: string) => {
          const address = await service.grpcAddress;
          const answers = await Promise.all(
            ['', ...options.grpcServices].map((s) => grpcHealthStatus(address, s)),
          );
          return answers.every((a) => a === expected) ? answers : null;
        };
        try {
          await eventually('SERVING for the server and every service', () => allSay('SERVING'), 30_000);
          // The database stops taking connections and drops the service's: it is no longer healthy.
          await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
          await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
            db.name,
          ]);
          await eventually(
            'NOT_SERVING while the database is unreachable',
            () => allSay('NOT_SERVING'),
            20_000,
          );
          const url = await service.url;
          assert.equal((await fetch(`${url}/health/ready`)).status, 503);
          await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
          await eventually('SERVING again once the database answers', () => allSay('SERVING'), 20_000);
          const exit = await service.stop('SIGTERM');
          assert.equal(exit.code, 0, service.output());
          assert.match(service.output(), /gRPC health: NOT_SERVING \(the database does not answer\)/);
        } finally {
          await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
          await admin.end();
          if (service.child.exitCode === null && service.child.signalCode === null)
            await service.stop('SIGKILL');
          await db.drop();
        }
      },
    );

    it(
      'starts alone on its own database and Kafka, is ready, answers, and exits 0 within 10 s of SIGTERM',
      { skip: skipUnlessPostgresAndKafka() },
      async () => {
        const db = await createTestDatabase(options.service);
        const service = startAlone(options.mainJs, db.url);
        try {
          const url = await service.url;
          const ready = await eventually(
            '/health/ready 200',
            async () => {
              const r = await fetch(`${url}/health/ready`).catch(() => null);
              return r?.status === 200 ? r : null;
            },
            30_000,
          );
          assert.deepEqual(await ready!.json(), { status: 'ok' });
          const live = await fetch(`${url}/health/live`);
          assert.equal(live.status, 200);
          await options.exercise?.(await service.grpcAddress);
          const exit = await service.stop('SIGTERM');
          assert.equal(exit.code, 0, service.output());
          assert.ok(exit.afterMs < 10_000, `exited ${exit.afterMs} ms after SIGTERM`);
          assert.match(service.output(), /SIGTERM: stopping/);
        } finally {
          if (service.child.exitCode === null && service.child.signalCode === null)
            await service.stop('SIGKILL');
          await db.drop();
        }
      },
    );
  });
}
