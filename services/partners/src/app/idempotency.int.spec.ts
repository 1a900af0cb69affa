import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status, type ServiceError } from '@grpc/grpc-js';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { unaryClient, type RunningGrpcServer, type UnaryClient } from '@prm/grpc';
import { createTestDatabase, skipUnlessPostgres } from '@prm/testing';
import { PartnersApplication } from './partners.application';
import { PARTNERS_SERVICE, PROTO_ROOT, startPartnersGrpc } from './partners.grpc';
import { IDEAL_PARTNER_PROFILE_STREAM, partnerStream } from './streams';

/*
 * Issue 22 item 11, the partners service's create commands beyond RegisterPartner: the same key
 * and body three times at once and once more (after a restart of the application) give one
 * answer and one set of events; another body under the key is ALREADY_EXISTS naming requestId.
 */

const admin = { id: 'user:admin-1', role: 'vendor_admin' };

describe(
  'Partners create commands are idempotent under a request id (PostgreSQL, gRPC)',
  { skip: skipUnlessPostgres() },
  () => {
    let db: PostgresDatabase;
    let drop: () => Promise<void>;
    let store: SqlEventStore;
    let server: RunningGrpcServer;
    let client: UnaryClient;
    let clock = new Date('2026-02-02T09:00:00.000Z');
    const call = (method: string, request: object, metadata?: Record<string, string>) =>
      client.call(method, request, metadata);
    /** A fresh application and server on the same database: nothing kept in memory survives. */
    async function restart() {
      client?.close();
      await server?.stop();
      const app = await PartnersApplication.create(store, db, { now: () => clock });
      server = await startPartnersGrpc(app, '127.0.0.1:0');
      client = unaryClient(
        `127.0.0.1:${server.port}`,
        'prm/partners/v1/partners.proto',
        [PROTO_ROOT],
        PARTNERS_SERVICE,
      );
    }
    const alreadyExists = (e: ServiceError) => (
      assert.equal(e.code, status.ALREADY_EXISTS, e.details),
      assert.match(e.details, /^requestId: /),
      true
    );

    before(async () => {
      const tdb = await createTestDatabase('partners_idem');
      db = new PostgresDatabase(tdb.url);
      drop = () => tdb.drop();
      store = await SqlEventStore.create(db);
      await restart();
    });
    after(async () => {
      client?.close();
      await server?.stop();
      await store?.close();
      await db?.close();
      await drop?.();
    });

    it('RecordTraining without completedAt, retried later and after a restart, records one training', async () => {
      const partner = await call('registerPartner', {
        actor: admin,
        legalName: 'ООО «Учёба»',
        country: 'RU',
        website: 'training-idem.example',
        taxId: '7707083893',
        type: 'integrator',
      });
      const partnerId = partner.partnerId as string;
      const body = {
        actor: admin,
        partnerId,
        trainingCode: 'sales-101',
        trainingName: 'Sales 101',
        attendeeId: 'person:1',
        hours: 8,
        requestId: 'lms-export-7',
      };
      const trainings = async () =>
        (await store.readStream(partnerStream(partnerId))).filter((e) => e.type === 'TrainingCompleted')
          .length;
      const answers = await Promise.all([1, 2, 3].map(() => call('recordTraining', body)));
      // The clock moves on (completedAt would be another time) and the service restarts.
      clock = new Date(clock.getTime() + 3_600_000);
      await restart();
      answers.push(await call('recordTraining', body));
      const { requestId: _key, ...withoutField } = body;
      answers.push(await call('recordTraining', withoutField, { 'idempotency-key': 'lms-export-7' }));
      for (const a of answers) assert.deepEqual(a, answers[0]);
      assert.equal(await trainings(), 1);
      await assert.rejects(call('recordTraining', { ...body, hours: 9 }), alreadyExists);
      assert.equal(await trainings(), 1);
      // Without a key, a second call an hour later is another training record (as before).
      await call('recordTraining', withoutField);
      assert.equal(await trainings(), 2);
    });

    it('DefineIdealPartnerProfile under one request id defines one profile (one id); another body is ALREADY_EXISTS', async () => {
      const body = {
        actor: admin,
        name: 'Integrators in RU',
        partnerTypes: ['integrator'],
        countries: ['RU'],
        requestId: 'icp-2026',
      };
      const definitions = async () =>
        (await store.readStream(IDEAL_PARTNER_PROFILE_STREAM)).filter((e) => e.metadata.requestHash).length;
      const answers = await Promise.all([1, 2, 3].map(() => call('defineIdealPartnerProfile', body)));
      await restart();
      answers.push(await call('defineIdealPartnerProfile', body));
      for (const a of answers) assert.deepEqual(a, answers[0]);
      assert.equal(await definitions(), 1);
      await assert.rejects(call('defineIdealPartnerProfile', { ...body, countries: ['KZ'] }), alreadyExists);
      assert.equal(await definitions(), 1);
    });
  },
);
