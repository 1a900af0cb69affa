import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, Socket, type Server as NetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  credentials,
  loadPackageDefinition,
  status,
  type Client,
  type GrpcObject,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import {
  fieldViolationsOf,
  PROTO_LOADER_OPTIONS,
  unaryClient,
  type RunningGrpcServer,
  type UnaryClient,
} from '@prm/grpc';
import { createTestDatabase, skipUnlessPostgres } from '@prm/testing';
import { company, csv, thousandRowsWithTwentyBad } from '../testing/account-lists';
import { givenPartners } from '../testing/partners';
import { AccountListRepository } from './account-list.repository';
import { MappingApplication, type MappingApplicationOptions } from './mapping.application';
import { MAPPING_PROTO, MAPPING_SERVICE, PROTO_ROOT, startMappingGrpc } from './mapping.grpc';
import { accountListStream } from './streams';

const P1 = '11111111-1111-4111-8111-111111111111';
const p1User = { id: 'user:p1', role: 'partner_user', partnerId: P1 };
// Long enough that a cancel or reset always lands first even on a loaded machine; stalls wait it out.
const IDLE_MS = 2000;
const CHUNK = 2000;

interface UploadCall {
  write(m: object): boolean;
  end(): void;
  cancel(): void;
}
type UploadClient = Client & {
  uploadAccountList(cb: (e: ServiceError | null, r: Record<string, unknown>) => void): UploadCall;
};

function uploadClient(address: string): UploadClient {
  const pkg = loadPackageDefinition(
    loadSync(MAPPING_PROTO, { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] }),
  );
  let node: unknown = pkg;
  for (const part of MAPPING_SERVICE.split('.')) node = (node as GrpcObject)[part];
  const Ctor = node as new (a: string, c: ReturnType<typeof credentials.createInsecure>) => Client;
  return new Ctor(address, credentials.createInsecure()) as UploadClient;
}

/** A TCP relay in front of the server, so a test can reset the connection under a live upload. */
async function relay(target: number): Promise<{ port: number; reset(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createServer((inbound) => {
    const outbound = new Socket();
    outbound.connect(target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    reset: () => {
      for (const s of sockets) s.resetAndDestroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A small deterministic PRNG (mulberry32): the seed is printed so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The good list: 90 companies, every key. */
function goodCsv(): string {
  const rows = [['name', 'domain', 'tax_id', 'country', 'population']];
  for (let i = 0; i < 90; i++) {
    const c = company(i);
    rows.push([c.latin, c.domain, c.inn, 'RU', ['customer', 'opportunity', 'prospect'][i % 3]!]);
  }
  return csv(rows);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function uploadInterruptionSuite(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  skip: string | false,
  appOptions: MappingApplicationOptions = {},
) {
  describe(`Account-list uploads that do not end normally commit nothing, on ${name}`, { skip }, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let store: SqlEventStore;
    let app: MappingApplication;
    let server: RunningGrpcServer;
    let client: UnaryClient;
    let uploads: UploadClient;
    const call = (method: string, request: object) => client.call(method, request);

    const upload = (
      c: UploadClient,
      options: object,
      data: Buffer,
      trailer?: object,
    ): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const stream = c.uploadAccountList((e, r) => (e ? reject(e) : resolve(r)));
        stream.write({ header: { actor: p1User, options: { owner: 'partner', partnerId: P1, ...options } } });
        for (let i = 0; i < data.length; i += CHUNK) stream.write({ data: data.subarray(i, i + CHUNK) });
        if (trailer) stream.write({ trailer });
        stream.end();
      });
    const current = async () => {
      const summary = await call('getAccountList', { actor: p1User, owner: 'partner', partnerId: P1 });
      return {
        listId: summary.listId,
        accountCount: summary.accountCount,
        version: await store.streamVersion(accountListStream(P1)),
      };
    };
    const statusOf = (importId: string) => call('getImportStatus', { actor: p1User, importId });

    before(async () => {
      ({ db, cleanup } = await open());
      store = await SqlEventStore.create(db);
      app = await MappingApplication.create(store, db, { maxImportBytes: 1_000_000, ...appOptions });
      await givenPartners(store, db, [{ partnerId: P1 }]);
      server = await startMappingGrpc(app, '127.0.0.1:0', undefined, { streamIdleTimeoutMs: IDLE_MS });
      client = unaryClient(`127.0.0.1:${server.port}`, MAPPING_PROTO, [PROTO_ROOT], MAPPING_SERVICE);
      uploads = uploadClient(`127.0.0.1:${server.port}`);
      const good = Buffer.from(goodCsv());
      const result = await upload(uploads, { rowCount: 90, sha256: sha256(good) }, good);
      assert.equal(result.accountCount, 90);
    });
    after(async () => {
      client.close();
      uploads.close();
      await server.stop();
      await store.close();
      await cleanup();
    });

    it('commits only when the row count and checksum sent in the header or trailer match', async () => {
      const before = await current();
      const { text } = thousandRowsWithTwentyBad();
      const file = Buffer.from(text);
      const refused: Array<[object, object | undefined, string]> = [
        [{ rowCount: 999 }, undefined, 'rowCount'],
        [{}, { rowCount: 1001 }, 'rowCount'],
        [{ sha256: sha256(Buffer.from('another file')) }, undefined, 'sha256'],
        [{}, { rowCount: 1000, sha256: sha256(file.subarray(0, file.length - 1)) }, 'sha256'],
      ];
      for (const [options, trailer, field] of refused) {
        const importId = randomUUID();
        await assert.rejects(upload(uploads, { ...options, importId }, file, trailer), (e: ServiceError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT, e.details);
          assert.deepEqual(
            fieldViolationsOf(e).map((v) => v.field),
            [field],
          );
          return true;
        });
        const progress = await statusOf(importId);
        assert.equal(progress.phase, 'failed');
        assert.match(progress.error as string, /nothing was imported/);
        assert.deepEqual(await current(), before, 'the current list did not change');
      }
      // The unary import checks the same fields.
      await assert.rejects(
        call('importAccountList', {
          actor: p1User,
          options: { owner: 'partner', partnerId: P1, rowCount: 7 },
          content: file,
        }),
        (e: ServiceError) => e.code === status.INVALID_ARGUMENT && /rowCount/.test(e.details),
      );
      assert.deepEqual(await current(), before);
      assert.deepEqual(await new AccountListRepository(db).stagedLists(), [], 'nothing left staged');
    });

    it('20 uploads at once cancelled, reset or stalled at random points: the current list never changes, each import is failed with its reason', async () => {
      const before = await current();
      const seed = Number(process.env.PRM_UPLOAD_SEED ?? Date.now() % 2 ** 31);
      console.log(`upload interruption seed ${seed} (PRM_UPLOAD_SEED=${seed} replays it)`);
      const rand = random(seed);
      const file = Buffer.from(thousandRowsWithTwentyBad().text);
      const chunks: Buffer[] = [];
      for (let i = 0; i < file.length; i += CHUNK) chunks.push(file.subarray(i, i + CHUNK));
      const modes = ['cancel', 'reset', 'stall'] as const;
      const runs = await Promise.all(
        Array.from({ length: 20 }, async (_, n) => {
          const mode = modes[n % 3]!;
          // 0 = right after the header; chunks.length = the whole file sent, but never ended.
          const point = Math.floor(rand() * (chunks.length + 1));
          const importId = randomUUID();
          const proxy = mode === 'reset' ? await relay(server.port) : undefined;
          const c = proxy ? uploadClient(`127.0.0.1:${proxy.port}`) : uploads;
          let outcome: ServiceError | Record<string, unknown> | undefined;
          const answered = new Promise<void>((resolve) => {
            const stream = c.uploadAccountList((e, r) => {
              outcome = e ?? r;
              resolve();
            });
            stream.write({
              header: { actor: p1User, options: { owner: 'partner', partnerId: P1, importId } },
            });
            void (async () => {
              // The import is known once the server read the header; interrupt after that.
              for (;;) {
                try {
                  await statusOf(importId);
                  break;
                } catch {
                  await new Promise((r) => setTimeout(r, 5));
                }
              }
              for (const chunk of chunks.slice(0, point)) stream.write({ data: chunk });
              await new Promise((r) => setTimeout(r, rand() * 50));
              if (mode === 'cancel') stream.cancel();
              else if (mode === 'reset') proxy!.reset();
              // stall: send nothing more; the server's idle timeout ends it.
            })();
          });
          await answered;
          if (proxy) {
            c.close();
            await proxy.close();
          }
          return { mode, point, importId, outcome };
        }),
      );
      for (const run of runs) {
        const e = run.outcome as ServiceError;
        assert.ok(e instanceof Error, `${run.mode} at chunk ${run.point}: the client got an error`);
        if (run.mode === 'stall') assert.equal(e.code, status.DEADLINE_EXCEEDED, e.details);
        else if (run.mode === 'cancel') assert.equal(e.code, status.CANCELLED, e.details);
        else assert.equal(e.code, status.UNAVAILABLE, e.details);
      }
      // Queued uploads fail when their turn comes: wait until every import is settled.
      const settled = async () => {
        for (const deadline = Date.now() + 120_000; ;) {
          const all = await Promise.all(runs.map((r) => statusOf(r.importId)));
          if (all.every((p) => p.phase === 'failed' || p.phase === 'done') || Date.now() > deadline)
            return all;
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      const statuses = await settled();
      for (const [i, run] of runs.entries()) {
        const progress = statuses[i]!;
        const what = `${run.mode} at chunk ${run.point}/${chunks.length}`;
        assert.equal(progress.phase, 'failed', what);
        assert.match(
          progress.error as string,
          run.mode === 'stall' ? /idle timeout/ : /cancelled or its connection dropped/,
          what,
        );
      }
      assert.deepEqual(await current(), before, 'the current list never changed');
      assert.deepEqual(await new AccountListRepository(db).stagedLists(), [], 'nothing left staged');
      // A whole upload still commits afterwards (no lock or stream left behind).
      const replaced = await upload(uploads, {}, file, { rowCount: 1000, sha256: sha256(file) });
      assert.equal(replaced.accountCount, 980);
      assert.notEqual((await current()).listId, before.listId);
    });
  });
}

uploadInterruptionSuite(
  'PostgreSQL (CSV read on the worker)',
  async () => {
    const tdb = await createTestDatabase('mapping_upload');
    const db = new PostgresDatabase(tdb.url);
    return { db, cleanup: async () => (await db.close(), await tdb.drop()) };
  },
  skipUnlessPostgres(),
);
uploadInterruptionSuite(
  'PGlite (CSV read in-thread)',
  async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: () => db.close() };
  },
  false,
  { importInWorker: false },
);
