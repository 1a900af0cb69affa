import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { credentials, loadPackageDefinition, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { fieldViolationsOf, PROTO_LOADER_OPTIONS, type RunningGrpcServer } from '@prm/grpc';
import { InProcessEventBus } from '@prm/messaging';
import { ProjectionRunner } from '@prm/projections';
import { createTestDatabase, eventually, skipUnlessPostgres } from '@prm/testing';
import { partnerSummaryProjection } from './partner-summary.projection';
import { PartnersApplication } from './partners.application';
import { PROTO_ROOT, startPartnersGrpc } from './partners.grpc';
import { partnerStream } from './streams';

type Unary = (
  request: object,
  callback: (error: ServiceError | null, response: Record<string, unknown>) => void,
) => void;

const admin = { id: 'user:admin-1', role: 'vendor_admin' };

function registration(overrides: Record<string, unknown> = {}) {
  return {
    actor: admin,
    legalName: 'ООО «Ромашка»',
    country: 'RU',
    region: 'Siberia',
    website: 'https://www.Romashka.ru/about',
    taxId: '7707083893',
    type: 'integrator',
    employeeCount: 120,
    salesReps: 8,
    specializations: ['erp-implementation'],
    clientSegments: ['enterprise'],
    industries: ['retail'],
    ...overrides,
  };
}

function partnersGrpcSuite(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  skip: string | false,
) {
  describe(`Partners over gRPC (real client) on ${name}`, { skip }, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let store: SqlEventStore;
    let runner: ProjectionRunner;
    let server: RunningGrpcServer;
    let client: Client;
    const call = (method: string, request: object) =>
      new Promise<Record<string, unknown>>((resolve, reject) =>
        (client as unknown as Record<string, Unary>)[method]!.call(client, request, (error, response) =>
          error ? reject(error) : resolve(response),
        ),
      );

    before(async () => {
      ({ db, cleanup } = await open());
      store = await SqlEventStore.create(db);
      const app = await PartnersApplication.create(store, db, { pamCapacity: 1 });
      runner = new ProjectionRunner(db, new InProcessEventBus(store, db), partnerSummaryProjection);
      await runner.start();
      server = await startPartnersGrpc(app, '127.0.0.1:0');
      const pkg = loadPackageDefinition(
        loadSync('prm/partners/v1/partners.proto', { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] }),
      ) as unknown as {
        prm: { partners: { v1: { PartnersService: new (a: string, c: unknown) => Client } } };
      };
      client = new pkg.prm.partners.v1.PartnersService(
        `127.0.0.1:${server.port}`,
        credentials.createInsecure(),
      );
    });
    after(async () => {
      client.close();
      await server.stop();
      await runner.stop();
      await store.close();
      await cleanup();
    });

    let first: string;
    it('registers a partner with a normalized domain and a checked INN, served by GetPartner from the read model', async () => {
      const ref = await call('registerPartner', registration());
      first = ref.partnerId as string;
      assert.equal(ref.version, '2'); // PartnerRegistered, OnboardingChecklistAssigned, stage prospect
      const partner = (await eventually('the summary to be projected', async () =>
        call('getPartner', { actor: admin, partnerId: first }).catch(() => null),
      ))!;
      assert.equal(partner.websiteDomain, 'romashka.ru');
      assert.equal(partner.taxId, '7707083893');
      assert.equal(partner.stage, 'prospect');
      assert.equal(partner.legalName, 'ООО «Ромашка»');
    });

    it('refuses a second partner with the same INN or the same domain with ALREADY_EXISTS naming the first', async () => {
      await assert.rejects(
        call('registerPartner', registration({ website: 'other.example' })),
        (e: ServiceError) => {
          assert.equal(e.code, status.ALREADY_EXISTS);
          assert.match(e.details, new RegExp(`tax id RU_INN:7707083893 already exists: ${first}`));
          return true;
        },
      );
      await assert.rejects(
        call('registerPartner', registration({ taxId: '500100732259', website: 'ROMASHKA.ru' })),
        (e: ServiceError) => {
          assert.equal(e.code, status.ALREADY_EXISTS);
          assert.match(e.details, new RegExp(`website domain romashka.ru already exists: ${first}`));
          return true;
        },
      );
    });

    it('refuses bad input with INVALID_ARGUMENT naming every field, and writes nothing', async () => {
      const partnerId = randomUUID();
      await assert.rejects(
        call(
          'registerPartner',
          registration({
            partnerId,
            legalName: '',
            taxId: '7707083894',
            employeeCount: -1,
            type: 'wizard',
            website: 'x',
          }),
        ),
        (e: ServiceError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT);
          const fields = fieldViolationsOf(e).map((v) => v.field);
          for (const f of ['legalName', 'taxId', 'employeeCount', 'type', 'website'])
            assert.ok(fields.includes(f), `${f} in ${fields.join(',')}`);
          return true;
        },
      );
      assert.equal(await store.streamVersion(partnerStream(partnerId)), null);
      assert.deepEqual(
        await db.query('SELECT * FROM partners_identity_claims WHERE partner_id = $1', [partnerId]),
        [],
      );
    });

    it('refuses a forbidden journey jump with FAILED_PRECONDITION listing the allowed next stages', async () => {
      await assert.rejects(
        call('advanceJourney', { actor: admin, partnerId: first, stage: 'enabled' }),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(e.details, /contacted/);
          return true;
        },
      );
      const moved = await call('advanceJourney', { actor: admin, partnerId: first, stage: 'contacted' });
      assert.equal(moved.partnerId, first);
    });

    it('assigns a PAM above capacity with an over-capacity warning, still assigning', async () => {
      const second = (
        await call(
          'registerPartner',
          registration({ taxId: '500100732259', website: 'vector.example', legalName: 'Вектор' }),
        )
      ).partnerId as string;
      const a = await call('assignPam', { actor: admin, partnerId: first, pamId: 'user:pam-7' });
      assert.equal(a.overCapacity, false);
      await eventually(
        'the PAM to be projected',
        async () => (await call('getPartner', { actor: admin, partnerId: first })).pamId === 'user:pam-7',
      );
      const b = await call('assignPam', { actor: admin, partnerId: second, pamId: 'user:pam-7' });
      assert.equal(b.overCapacity, true);
      assert.equal(b.pamPartnerCount, 2);
      assert.equal(b.capacity, 1);
      const events = await store.readStream(partnerStream(second));
      assert.deepEqual(
        events.slice(-2).map((e) => e.type),
        ['PamAssigned', 'PamOverCapacity'],
      );
    });

    it('answers NOT_FOUND for an unknown partner and INVALID_ARGUMENT without an actor', async () => {
      await assert.rejects(
        call('advanceJourney', { actor: admin, partnerId: randomUUID(), stage: 'contacted' }),
        (e: ServiceError) => e.code === status.NOT_FOUND,
      );
      await assert.rejects(call('getPartner', { partnerId: first }), (e: ServiceError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT);
        assert.deepEqual(
          fieldViolationsOf(e).map((v) => v.field),
          ['actor.id'],
        );
        return true;
      });
    });
  });
}

partnersGrpcSuite(
  'PostgreSQL',
  async () => {
    const tdb = await createTestDatabase('partners_grpc');
    const db = new PostgresDatabase(tdb.url);
    return { db, cleanup: async () => (await db.close(), await tdb.drop()) };
  },
  skipUnlessPostgres(),
);
partnersGrpcSuite(
  'PGlite',
  async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: () => db.close() };
  },
  false,
);
