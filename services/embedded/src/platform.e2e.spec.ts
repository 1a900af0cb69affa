import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createKafka } from '@prm/messaging';
import {
  createTestDatabase,
  eventually,
  kafkaBrokers,
  skipUnlessPostgresAndKafka,
  testEvent,
  uniqueSuffix,
} from '@prm/testing';
import { unaryClient } from '@prm/grpc';
import { DEALS_PROTO, DEALS_SERVICE } from '@prm/deals';
import { MAPPING_PROTO, MAPPING_SERVICE } from '@prm/mapping';
import { METRICS_PROTO, METRICS_SERVICE } from '@prm/metrics';
import { PARTNERS_SERVICE, PROTO_ROOT } from '@prm/partners';
import { loadConfig } from './config';
import { startPlatform } from './platform';

/** A real gRPC client of prm.partners.v1.PartnersService at `address`. */
const partnersClient = (address: string) =>
  unaryClient(address, 'prm/partners/v1/partners.proto', [PROTO_ROOT], PARTNERS_SERVICE);

const registration = {
  actor: { id: 'user:admin-1', role: 'vendor_admin' },
  legalName: 'Acme Integration LLC',
  country: 'DE',
  website: 'acme-integration.example',
  taxId: 'DE129274202',
  type: 'integrator',
  employeeCount: 40,
  salesReps: 3,
  specializations: ['cloud-migration'],
  clientSegments: ['mid_market'],
  industries: ['manufacturing'],
};

const mainJs = join(__dirname, 'main.js');
const OPERATOR_TOKEN = 'operator-token-0123456789abcdef';
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

describe('Embedded platform (PGlite + in-process bus)', () => {
  it('boots with a health endpoint, answers unknown routes with problem+json, and keeps its data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prm-embedded-'));
    try {
      const config = loadConfig({
        PRM_DATA_DIR: dataDir,
        PORT: '0',
        GRPC_PORT: '0',
        PRM_OPERATOR_TOKEN: OPERATOR_TOKEN,
      });
      const first = await startPlatform(config);
      let headBeforeRestart = '';
      try {
        // Anyone sees live / ready only; the internals need the operator token.
        for (const path of ['/health', '/health/ready', '/health/live']) {
          const answer = await fetch(`${first.url}${path}`);
          assert.equal(answer.status, 200, path);
          assert.deepEqual(await answer.json(), { status: 'ok' }, path);
        }
        for (const authorization of [undefined, 'Bearer wrong-token-0123456789', OPERATOR_TOKEN]) {
          const refused = await fetch(`${first.url}/health/details`, {
            headers: authorization ? { authorization } : {},
          });
          assert.equal(refused.status, 401, String(authorization));
          assert.doesNotMatch(await refused.text(), /pglite|headPosition/);
        }
        const health = await fetch(`${first.url}/health/details`, { headers: operator });
        assert.equal(health.status, 200);
        const body = (await health.json()) as {
          status: string;
          mode: string;
          eventStore: { adapter: string };
        };
        assert.equal(body.status, 'ok');
        assert.equal(body.mode, 'embedded');
        assert.equal(body.eventStore.adapter, 'pglite');
        const missing = await fetch(`${first.url}/no-such-thing`);
        assert.equal(missing.status, 404);
        assert.match(missing.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(((await missing.json()) as { status: number }).status, 404);

        // The partners service answers over gRPC on PGlite, its read model fed by the in-process bus.
        const partners = partnersClient(first.grpcAddress);
        try {
          const ref = await partners.call('registerPartner', registration);
          const partner = await eventually('GetPartner to see the new partner', () =>
            partners
              .call('getPartner', { actor: registration.actor, partnerId: ref.partnerId })
              .catch(() => null),
          );
          assert.equal(partner!.websiteDomain, 'acme-integration.example');
        } finally {
          partners.close();
        }
        // The deals service is served on the same port; a partner still prospecting may not register.
        const deals = unaryClient(first.grpcAddress, DEALS_PROTO, [PROTO_ROOT], DEALS_SERVICE);
        try {
          const listed = (await deals.call('listDeals', { actor: registration.actor })) as {
            deals: unknown[];
          };
          assert.equal(listed.deals.length, 0);
          const policy = await deals.call('defineDealPolicy', {
            actor: registration.actor,
            program: 'default',
            protectionDays: 60,
            maxExtensionDays: 30,
          });
          assert.equal(policy.version, '0');
        } finally {
          deals.close();
        }
        // So is account mapping: a vendor list imported from CSV on PGlite.
        const mapping = unaryClient(first.grpcAddress, MAPPING_PROTO, [PROTO_ROOT], MAPPING_SERVICE);
        try {
          const imported = await mapping.call('importAccountList', {
            actor: registration.actor,
            options: { owner: 'vendor' },
            content: Buffer.from(
              'Name,Domain,Country,Population\nRomashka,romashka.ru,RU,customer\nAcme,acme.example,DE,prospect\n',
            ),
          });
          assert.equal(imported.accountCount, 2);
          assert.equal(imported.rejectedCount, 0);
        } finally {
          mapping.close();
        }
        // And partner health: the registered partner reaches the metrics read model.
        const metrics = unaryClient(first.grpcAddress, METRICS_PROTO, [PROTO_ROOT], METRICS_SERVICE);
        try {
          const catalog = (await metrics.call('getMetricCatalog', { actor: registration.actor })) as {
            metrics: unknown[];
          };
          assert.ok(catalog.metrics.length >= 40, `${catalog.metrics.length} metrics`);
          const scatter = await eventually('the partner in the quadrant scatter', async () => {
            const q = (await metrics.call('listQuadrant', { actor: registration.actor })) as {
              points?: unknown[];
            };
            return (q.points ?? []).length > 0 ? q : null;
          });
          assert.equal(scatter!.points!.length, 1);
        } finally {
          metrics.close();
        }
        await first.runtime.store.append('test.restart-1', [testEvent()], 'no-stream');
        headBeforeRestart = String(await first.runtime.store.headPosition());
      } finally {
        await first.stop();
      }

      const second = await startPlatform(config);
      try {
        const again = (await (await fetch(`${second.url}/health/details`, { headers: operator })).json()) as {
          eventStore: { headPosition: string };
        };
        // Nothing is lost across the restart (the metrics publisher may have appended since).
        assert.ok(
          Number(again.eventStore.headPosition) >= Number(headBeforeRestart),
          again.eventStore.headPosition,
        );
        assert.ok(Number(headBeforeRestart) >= 6, headBeforeRestart); // partner events, the deal policy, the import, the test event
        assert.equal((await second.runtime.store.readStream('test.restart-1')).length, 1);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a bad variable at start, naming it, with exit code 2', () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['DATABASE_URL', 'not a url'],
      ['KAFKA_BROKERS', 'localhost'],
      ['PRM_SEED_DEMO', 'maybe'],
      ['PRM_PAM_CAPACITY', '0'],
      ['PRM_REPORTING_CURRENCY', 'EURO'],
      ['PRM_MAPPING_HMAC_SECRET', 'short'],
      ['PRM_OPERATOR_TOKEN', 'short'],
      ['PRM_UPLOAD_IDLE_TIMEOUT_MS', '-1'],
    ] as const) {
      const run = spawnSync(process.execPath, [mainJs], {
        env: { ...process.env, DATABASE_URL: '', KAFKA_BROKERS: '', [name]: value },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(run.status, 2, `${name}=${value}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`configuration error: ${name}:`));
    }
  });
});

describe(
  'Distributed mode (PostgreSQL + Kafka + outbox relay)',
  { skip: skipUnlessPostgresAndKafka() },
  () => {
    it('reports distributed mode and the relay checkpoint in /health', async () => {
      const tdb = await createTestDatabase('embedded');
      try {
        const config = loadConfig({
          DATABASE_URL: tdb.url,
          KAFKA_BROKERS: kafkaBrokers.join(','),
          PORT: '0',
          PRM_OPERATOR_TOKEN: OPERATOR_TOKEN,
        });
        const platform = await startPlatform(config);
        const body = (await (
          await fetch(`${platform.url}/health/details`, { headers: operator })
        ).json()) as {
          mode: string;
          eventStore: { adapter: string };
          outboxRelay: { checkpoint: string };
        };
        assert.equal(body.mode, 'distributed');
        assert.equal(body.eventStore.adapter, 'postgres');
        // Not necessarily 0: the topics keep every event, so the metrics projection of a fresh
        // database may already be publishing health events for partners other tests left there.
        assert.match(body.outboxRelay.checkpoint, /^\d+$/);

        // A partner registered over gRPC arrives on the real Kafka topic through the outbox relay.
        const partners = partnersClient(platform.grpcAddress);
        const ref = await partners
          .call('registerPartner', {
            ...registration,
            taxId: `DE${Date.now()}`,
            website: `p${Date.now()}.example`,
          })
          .finally(() => partners.close());
        const consumer = createKafka({ brokers: kafkaBrokers, clientId: 'embedded-e2e' }).consumer({
          groupId: `check-${uniqueSuffix()}`,
          maxWaitTimeInMs: 100,
        });
        await consumer.connect();
        await consumer.subscribe({ topic: 'prm.partners.events.v1', fromBeginning: true });
        const seen: string[] = [];
        await consumer.run({
          eachMessage: async ({ message }) => {
            if (message.key?.toString() === `partners.partner-${ref.partnerId}`)
              seen.push(String(message.headers?.['prm-event-type']));
          },
        });
        await eventually(
          'PartnerRegistered on prm.partners.events.v1',
          async () => seen.includes('PartnerRegistered'),
          30_000,
        );
        await consumer.disconnect();
        const partner = await eventually(
          'the Kafka-fed read model to see the partner',
          async () => {
            const again = partnersClient(platform.grpcAddress);
            const found = await again
              .call('getPartner', { actor: registration.actor, partnerId: ref.partnerId })
              .catch(() => null);
            again.close();
            return found;
          },
          30_000,
        );
        assert.equal(partner!.legalName, 'Acme Integration LLC');
        await platform.stop();
      } finally {
        await tdb.drop();
      }
    });
  },
);
