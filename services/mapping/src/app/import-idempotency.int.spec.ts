import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  status,
  type Client,
  type GrpcObject,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import {
  fieldViolationsOf,
  PROTO_LOADER_OPTIONS,
  unaryClient,
  type RunningGrpcServer,
  type UnaryClient,
} from '@prm/grpc';
import { createTestDatabase, skipUnlessPostgres } from '@prm/testing';
import { company, csv } from '../testing/account-lists';
import { givenPartners } from '../testing/partners';
import { MappingApplication } from './mapping.application';
import { MAPPING_PROTO, MAPPING_SERVICE, PROTO_ROOT, startMappingGrpc } from './mapping.grpc';
import { accountListStream } from './streams';

/*
 * Issue 22 item 11 (2): an account-list import sent again under its importId is recognized from
 * the AccountListImported it committed (the id is in the event), so the check survives a
 * restart: the same options and bytes get the first answer, other bytes are ALREADY_EXISTS
 * naming importId; concurrent sends import once; a failed import may be sent again under its id.
 */

const P1 = '51111111-1111-4111-8111-111111111111';
const P2 = '52222222-2222-4222-8222-222222222222';
const admin = { id: 'user:admin', role: 'vendor_admin' };

function listCsv(from: number, to: number): Buffer {
  const rows = [['name', 'domain', 'tax_id', 'country', 'population']];
  for (let i = from; i < to; i++)
    rows.push([company(i).latin, company(i).domain, company(i).inn, 'RU', 'customer']);
  return Buffer.from(csv(rows));
}

/** A real streaming client that can send request metadata (the idempotency key). */
function uploader(address: string) {
  let node: unknown = loadPackageDefinition(
    loadSync(MAPPING_PROTO, { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] }),
  );
  for (const part of MAPPING_SERVICE.split('.')) node = (node as GrpcObject)[part];
  const Ctor = node as new (a: string, c: ReturnType<typeof credentials.createInsecure>) => Client;
  const client = new Ctor(address, credentials.createInsecure()) as Client & {
    uploadAccountList(
      metadata: Metadata,
      cb: (e: ServiceError | null, r: Record<string, unknown>) => void,
    ): { write(m: object): boolean; end(): void };
  };
  return {
    upload(
      header: object,
      data: Buffer,
      headers: Record<string, string> = {},
    ): Promise<Record<string, unknown>> {
      const metadata = new Metadata();
      for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
      return new Promise((resolve, reject) => {
        const call = client.uploadAccountList(metadata, (e, r) => (e ? reject(e) : resolve(r)));
        call.write({ header });
        for (let i = 0; i < data.length; i += 1000) call.write({ data: data.subarray(i, i + 1000) });
        call.end();
      });
    },
    close: () => client.close(),
  };
}

describe(
  'Account-list imports under an importId survive a restart (PostgreSQL, gRPC)',
  { skip: skipUnlessPostgres() },
  () => {
    let db: PostgresDatabase;
    let drop: () => Promise<void>;
    let store: SqlEventStore;
    let server: RunningGrpcServer | undefined;
    let client: UnaryClient | undefined;
    let streams: ReturnType<typeof uploader> | undefined;
    /** A fresh application and server on the same database: the in-memory import progress is gone. */
    async function restart() {
      client?.close();
      streams?.close();
      await server?.stop();
      const app = await MappingApplication.create(store, db, {
        hmacSecret: 'test-deployment-secret-0123456789',
      });
      server = await startMappingGrpc(app, '127.0.0.1:0');
      client = unaryClient(`127.0.0.1:${server.port}`, MAPPING_PROTO, [PROTO_ROOT], MAPPING_SERVICE);
      streams = uploader(`127.0.0.1:${server.port}`);
    }
    const importCsv = (options: object, content: Buffer, metadata?: Record<string, string>) =>
      client!.call(
        'importAccountList',
        { actor: admin, options: { owner: 'partner', ...options }, content },
        metadata,
      );
    const imports = async (partnerId: string) =>
      (await store.readStream(accountListStream(partnerId))).filter((e) => e.type === 'AccountListImported');
    const alreadyExists = (e: ServiceError) => {
      assert.equal(e.code, status.ALREADY_EXISTS, e.details);
      assert.match(e.details, /^importId: /);
      return true;
    };

    before(async () => {
      const tdb = await createTestDatabase('mapping_idem');
      db = new PostgresDatabase(tdb.url);
      drop = () => tdb.drop();
      store = await SqlEventStore.create(db);
      await givenPartners(store, db, [{ partnerId: P1 }, { partnerId: P2 }]);
      await restart();
    });
    after(async () => {
      client?.close();
      streams?.close();
      await server?.stop();
      await store?.close();
      await db?.close();
      await drop?.();
    });

    it('the same importId and file after a restart answers as the first import; another file under it is ALREADY_EXISTS; the list stays', async () => {
      const file = listCsv(0, 40);
      const first = await importCsv({ partnerId: P1, importId: 'crm-export-1' }, file);
      assert.equal(first.accountCount, 40);
      assert.equal(first.importId, 'crm-export-1');
      const [event] = await imports(P1);
      assert.equal((event!.data as { importId?: string }).importId, 'crm-export-1', 'the id is in the event');
      await restart();
      assert.deepEqual(await importCsv({ partnerId: P1, importId: 'crm-export-1' }, file), first);
      // The same request streamed is the same request.
      assert.deepEqual(
        await streams!.upload(
          { actor: admin, options: { owner: 'partner', partnerId: P1, importId: 'crm-export-1' } },
          file,
        ),
        first,
      );
      await restart();
      await assert.rejects(
        importCsv({ partnerId: P1, importId: 'crm-export-1' }, listCsv(0, 10)),
        alreadyExists,
      );
      await assert.rejects(
        importCsv({ partnerId: P1, importId: 'crm-export-1', privacyMode: true }, file),
        alreadyExists,
      );
      assert.equal((await imports(P1)).length, 1);
      const current = await client!.call('getAccountList', { actor: admin, owner: 'partner', partnerId: P1 });
      assert.deepEqual([current.listId, current.accountCount], [first.listId, 40]);
      // A new id is a new import.
      const next = await importCsv({ partnerId: P1, importId: 'crm-export-2' }, listCsv(0, 10));
      assert.equal(next.replacesListId, first.listId);
      assert.equal((await imports(P1)).length, 2);
    });

    it('three concurrent uploads under one idempotency-key import once and answer alike; a failed import may be sent again under its id', async () => {
      const file = listCsv(100, 130);
      const header = { actor: admin, options: { owner: 'partner', partnerId: P2 } };
      const key = { 'idempotency-key': 'nightly-sync-2026-03-02' };
      const answers = await Promise.all([1, 2, 3].map(() => streams!.upload(header, file, key)));
      for (const a of answers) assert.deepEqual(a, answers[0]);
      assert.equal(answers[0]!.importId, 'nightly-sync-2026-03-02');
      assert.equal((await imports(P2)).length, 1);
      // A row count that does not match: refused, nothing committed; the same id then goes through.
      const retry = { partnerId: P2, importId: 'sync-after-failure' };
      await assert.rejects(importCsv({ ...retry, rowCount: 99 }, listCsv(0, 5)), (e: ServiceError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT, e.details);
        assert.deepEqual(
          fieldViolationsOf(e).map((v) => v.field),
          ['rowCount'],
        );
        return true;
      });
      assert.equal((await imports(P2)).length, 1);
      const ok = await importCsv({ ...retry, rowCount: 5 }, listCsv(0, 5));
      assert.equal(ok.accountCount, 5);
      assert.equal((await imports(P2)).length, 2);
    });
  },
);
