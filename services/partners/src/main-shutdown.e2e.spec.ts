import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { status, type ServiceError } from '@grpc/grpc-js';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { unaryClient } from '@prm/grpc';
import {
  createTestDatabase,
  eventually,
  kafkaBrokers,
  skipUnlessPostgresAndKafka,
  spawnService,
  uniqueSuffix,
} from '@prm/testing';
import { PARTNERS_SERVICE, partnerStream, PROTO_ROOT } from './app';

/*
 * SIGTERM under load: 16 clients keep registering partners; the service is sent SIGTERM in the
 * middle. Every call it acknowledged is in its event store afterwards (nothing in flight is
 * lost), every other call was refused as UNAVAILABLE / CANCELLED (never INTERNAL), and the
 * process exits 0 within 10 s.
 */
describe('partners service: SIGTERM under load', { skip: skipUnlessPostgresAndKafka() }, () => {
  it('finishes or refuses every call in flight, loses none it acknowledged, exits 0 within 10 s', async (t) => {
    const db = await createTestDatabase('partners_sigterm');
    const suffix = uniqueSuffix();
    const service = spawnService(join(__dirname, 'main.js'), {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      KAFKA_GROUP_PREFIX: `t${suffix}.`,
      PORT: '0',
      GRPC_PORT: '0',
    });
    try {
      const url = await service.url;
      await eventually('ready', async () => (await fetch(`${url}/health/ready`)).status === 200, 30_000);
      const client = unaryClient(
        await service.grpcAddress,
        'prm/partners/v1/partners.proto',
        [PROTO_ROOT],
        PARTNERS_SERVICE,
      );
      const acknowledged: string[] = [];
      const refused = new Map<string, number>();
      let n = 0;
      let stopping = false;
      const started = Date.now();
      const worker = async () => {
        for (;;) {
          const i = n++;
          try {
            const ref = (await client.call('registerPartner', {
              actor: { id: 'user:admin-1', role: 'vendor_admin' },
              legalName: `Load ${suffix} ${i} LLC`,
              country: 'DE',
              website: `load-${suffix}-${i}.example`,
              taxId: `DE${started}${i}`,
              type: 'integrator',
              employeeCount: 10,
              salesReps: 1,
              specializations: ['cloud-migration'],
              clientSegments: ['mid_market'],
              industries: ['manufacturing'],
            })) as { partnerId: string };
            acknowledged.push(ref.partnerId);
          } catch (error) {
            const code = (error as ServiceError).code;
            refused.set(status[code] ?? String(code), (refused.get(status[code] ?? String(code)) ?? 0) + 1);
            if (stopping) return;
          }
        }
      };
      const workers = Array.from({ length: 16 }, worker);
      await eventually('some registrations acknowledged', async () => acknowledged.length >= 50, 30_000, 20);
      stopping = true;
      const exit = await service.stop('SIGTERM');
      await Promise.all(workers);
      client.close();
      t.diagnostic(
        `${acknowledged.length} acknowledged, refused ${JSON.stringify(Object.fromEntries(refused))}, exit ${exit.code} after ${exit.afterMs} ms`,
      );
      assert.equal(exit.code, 0, service.output());
      assert.ok(exit.afterMs < 10_000, `exited ${exit.afterMs} ms after SIGTERM`);
      for (const code of refused.keys())
        assert.ok(['UNAVAILABLE', 'CANCELLED'].includes(code), `a call failed with ${code}: ${[...refused]}`);

      const pdb = new PostgresDatabase(db.url);
      const store = await SqlEventStore.create(pdb);
      try {
        for (const partnerId of acknowledged) {
          const events = await store.readStream(partnerStream(partnerId));
          assert.equal(events[0]?.type, 'PartnerRegistered', `acknowledged partner ${partnerId} is stored`);
        }
      } finally {
        await store.close();
        await pdb.close();
      }
    } finally {
      if (service.child.exitCode === null && service.child.signalCode === null) await service.stop('SIGKILL');
      await db.drop();
    }
  });
});
