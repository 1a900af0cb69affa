import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
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
import { company, csv, encode1251, thousandRowsWithTwentyBad } from '../testing/account-lists';
import { givenPartners } from '../testing/partners';
import { AccountListRepository } from './account-list.repository';
import { MappingApplication, type MappingApplicationOptions } from './mapping.application';
import { MAPPING_PROTO, MAPPING_SERVICE, PROTO_ROOT, startMappingGrpc } from './mapping.grpc';
import { accountListStream, overlapsStream, sharingPolicyStream } from './streams';

const SECRET = 'test-deployment-secret-0123456789';
const P1 = '11111111-1111-4111-8111-111111111111';
const P2 = '22222222-2222-4222-8222-222222222222';
const P3 = '33333333-3333-4333-8333-333333333333';
const admin = { id: 'user:admin', role: 'vendor_admin' };
const pam = { id: 'user:pam', role: 'pam' };
const p1User = { id: 'user:p1', role: 'partner_user', partnerId: P1 };
const p2User = { id: 'user:p2', role: 'partner_user', partnerId: P2 };
const p3User = { id: 'user:p3', role: 'partner_user', partnerId: P3 };
const POPS = ['customer', 'opportunity', 'prospect'] as const;

/** Vendor: companies 0..59, population i % 3, Latin names with every key. */
function vendorCsv(): string {
  const rows = [['Account Name', 'Website', 'INN', 'Billing Country', 'Type']];
  for (let i = 0; i < 60; i++) {
    const c = company(i);
    rows.push([
      `${c.latin} LLC`,
      `https://www.${c.domain}/`,
      c.inn,
      'Russia',
      ['Customer - Direct', 'Opportunity', 'Prospect'][i % 3]!,
    ]);
  }
  return csv(rows);
}

/**
 * Partner 1: companies 0..29 (population (i + 2) % 3), each written with one key only — i % 3:
 * 0 Cyrillic name, 1 domain, 2 INN — plus 100..119 that the vendor does not have.
 * Cells: vendor customer × partner prospect 10 (name), opportunity × customer 10 (domain),
 * prospect × opportunity 10 (tax id).
 */
function partner1Csv(): string {
  const rows = [['name', 'domain', 'tax_id', 'country', 'population']];
  for (let i = 0; i < 30; i++) {
    const c = company(i);
    const pop = POPS[(i + 2) % 3]!;
    if (i % 3 === 0) rows.push([`ООО «${c.cyrillic}»`, '', '', 'RU', pop]);
    else if (i % 3 === 1) rows.push(['', `WWW.${c.domain.toUpperCase()}`, '', '', pop]);
    else rows.push(['', '', c.inn, '', pop]);
  }
  for (let i = 100; i < 120; i++) rows.push([company(i).latin, company(i).domain, '', 'RU', 'customer']);
  return csv(rows);
}

/** Partner 2: companies 30..44 as customers under Cyrillic names (domain key) and 200..209 only it has. */
function partner2Csv(): string {
  const rows = [['Название компании', 'Сайт', 'ИНН', 'Страна', 'Тип компании']];
  for (let i = 30; i < 45; i++)
    rows.push([`АО «${company(i).cyrillic}»`, company(i).domain, '', 'Россия', 'Клиент']);
  for (let i = 200; i < 210; i++)
    rows.push([`${company(i).latin} Ltd`, company(i).domain, company(i).inn, 'RU', 'Клиент']);
  return csv(rows);
}

function streamingUpload(address: string) {
  const pkg = loadPackageDefinition(
    loadSync(MAPPING_PROTO, { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] }),
  );
  let node: unknown = pkg;
  for (const part of MAPPING_SERVICE.split('.')) node = (node as GrpcObject)[part];
  const Ctor = node as new (a: string, c: ReturnType<typeof credentials.createInsecure>) => Client;
  const client = new Ctor(address, credentials.createInsecure()) as Client & {
    uploadAccountList(cb: (e: ServiceError | null, r: Record<string, unknown>) => void): {
      write(m: object): boolean;
      end(): void;
    };
  };
  return {
    upload(header: object, data: Buffer, chunk = 4096): Promise<Record<string, unknown>> {
      return new Promise((resolve, reject) => {
        const call = client.uploadAccountList((e, r) => (e ? reject(e) : resolve(r)));
        call.write({ header });
        for (let i = 0; i < data.length; i += chunk) call.write({ data: data.subarray(i, i + chunk) });
        call.end();
      });
    },
    close: () => client.close(),
  };
}

const code = (expected: status) => (e: ServiceError) => {
  assert.equal(e.code, expected, `${status[e.code]}: ${e.details}`);
  return true;
};

function mappingGrpcSuite(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  skip: string | false,
  appOptions: MappingApplicationOptions = {},
) {
  describe(
    `Mapping over gRPC (real client) on ${name}${appOptions.importInWorker === false ? ', CSV read in-thread' : ''}`,
    { skip },
    () => {
      let db: Database;
      let cleanup: () => Promise<void>;
      let store: SqlEventStore;
      let app: MappingApplication;
      let server: RunningGrpcServer;
      let client: UnaryClient;
      let streaming: ReturnType<typeof streamingUpload>;
      const call = (method: string, request: object) => client.call(method, request);
      const importCsv = (actor: object, options: object, text: string | Buffer) =>
        call('importAccountList', {
          actor,
          options,
          content: typeof text === 'string' ? Buffer.from(text) : text,
        });
      const cells = (m: Record<string, unknown>) =>
        Object.fromEntries(
          (m.cells as Array<Record<string, unknown>>).map((c) => [
            `${c.vendorPopulation}×${c.partnerPopulation}`,
            [c.visibility, c.count],
          ]),
        );

      before(async () => {
        ({ db, cleanup } = await open());
        store = await SqlEventStore.create(db);
        app = await MappingApplication.create(store, db, {
          hmacSecret: SECRET,
          maxImportBytes: 150_000,
          ...appOptions,
        });
        await givenPartners(store, db, [{ partnerId: P1 }, { partnerId: P2 }, { partnerId: P3 }]);
        server = await startMappingGrpc(app, '127.0.0.1:0');
        client = unaryClient(`127.0.0.1:${server.port}`, MAPPING_PROTO, [PROTO_ROOT], MAPPING_SERVICE);
        streaming = streamingUpload(`127.0.0.1:${server.port}`);
      });
      after(async () => {
        client.close();
        streaming.close();
        await server.stop();
        await store.close();
        await cleanup();
      });

      let vendorListId: string;
      it('imports the vendor’s Salesforce export and two partners’ lists; matrix computed, events carry counts only', async () => {
        const vendor = await importCsv(admin, { owner: 'vendor' }, vendorCsv());
        vendorListId = vendor.listId as string;
        assert.equal(vendor.format, 'salesforce');
        assert.equal(vendor.accountCount, 60);
        assert.deepEqual(vendor.populations, { customer: 20, opportunity: 20, prospect: 20 });
        assert.deepEqual(vendor.keyCoverage, { taxId: 60, domain: 60, name: 60 });
        const p1 = await importCsv(p1User, { owner: 'partner', partnerId: P1 }, partner1Csv());
        assert.equal(p1.accountCount, 50);
        assert.equal(p1.rejectedCount, 0);
        assert.equal(p1.recomputedPartners, 1);
        const p2 = await importCsv(admin, { owner: 'partner', partnerId: P2 }, encode1251(partner2Csv()));
        assert.equal(p2.encoding, 'windows-1251');
        assert.equal(p2.format, 'bitrix24');
        assert.equal(p2.accountCount, 25);

        const computed = app.computed(P1)!;
        assert.deepEqual(computed.counts.cells, [0, 0, 10, 10, 0, 0, 0, 10, 0]);
        assert.deepEqual(computed.counts.matchedOn, [10, 10, 10]);
        assert.deepEqual(app.computed(P2)!.counts.cells, [5, 0, 0, 5, 0, 0, 5, 0, 0]);

        const imported = await store.readStream(accountListStream(P1));
        assert.deepEqual(
          imported.map((e) => e.type),
          ['AccountListImported'],
        );
        const overlaps = await store.readStream(overlapsStream(P1));
        assert.equal(overlaps.at(-1)!.type, 'OverlapsComputed');
        const data = overlaps.at(-1)!.data as { cells: Array<{ count: number }>; matchedOn: object };
        assert.equal(data.cells.length, 9);
        assert.deepEqual(data.matchedOn, { domain: 10, taxId: 10, name: 10 });
        const everything = JSON.stringify((await store.readAll({ limit: 10_000 })).map((e) => e.data));
        for (let i = 0; i < 60; i++) {
          assert.ok(!everything.includes(company(i).domain), 'no domain in any event');
          assert.ok(!everything.includes(company(i).inn), 'no INN in any event');
        }
      });

      it('shares nothing by default: both sides see every cell hidden', async () => {
        for (const actor of [admin, p1User]) {
          const m = await call('getOverlapMatrix', { actor, partnerId: P1 });
          assert.ok(Object.values(cells(m)).every(([v, n]) => v === 'none' && n === 0));
          assert.equal(m.matchedOnPresent, false);
        }
        await assert.rejects(
          call('listOverlapAccounts', {
            actor: admin,
            partnerId: P1,
            vendorPopulation: 'opportunity',
            partnerPopulation: 'customer',
          }),
          code(status.FAILED_PRECONDITION),
        );
      });

      it('shows each side what the other shares, per population, with the same counts from both sides', async () => {
        await call('setSharingPolicy', {
          actor: p1User,
          partnerId: P1,
          side: 'partner',
          populations: { customer: 'accounts', prospect: 'counts' },
        });
        let vendorView = cells(await call('getOverlapMatrix', { actor: admin, partnerId: P1 }));
        assert.deepEqual(vendorView['opportunity×customer'], ['accounts', 10]);
        assert.deepEqual(vendorView['customer×prospect'], ['counts', 10]);
        assert.deepEqual(vendorView['prospect×opportunity'], ['none', 0]);
        let partnerView = cells(await call('getOverlapMatrix', { actor: p1User, partnerId: P1 }));
        assert.ok(
          Object.values(partnerView).every(([v]) => v === 'none'),
          'the partner’s own sharing opens nothing to itself',
        );

        await call('setSharingPolicy', {
          actor: admin,
          partnerId: P1,
          side: 'vendor',
          populations: { customer: 'counts', opportunity: 'counts', prospect: 'accounts' },
        });
        await call('setSharingPolicy', {
          actor: p1User,
          partnerId: P1,
          side: 'partner',
          populations: { opportunity: 'counts' },
        });
        vendorView = cells(await call('getOverlapMatrix', { actor: admin, partnerId: P1 }));
        partnerView = cells(await call('getOverlapMatrix', { actor: p1User, partnerId: P1 }));
        for (const key of Object.keys(vendorView))
          assert.equal(vendorView[key]![1], partnerView[key]![1], `${key} same from both sides`);
        assert.deepEqual(partnerView['prospect×opportunity'], ['accounts', 10]);
        const full = await call('getOverlapMatrix', { actor: admin, partnerId: P1 });
        assert.equal(full.matchedOnPresent, true);
        assert.deepEqual(full.matchedOn, { taxId: 10, domain: 10, name: 10 });

        const policy = await call('getSharingPolicy', { actor: p1User, partnerId: P1 });
        assert.deepEqual(policy.partner, { customer: 'accounts', opportunity: 'counts', prospect: 'counts' });
        assert.deepEqual(policy.vendor, { customer: 'counts', opportunity: 'counts', prospect: 'accounts' });
        const events = await store.readStream(sharingPolicyStream(P1));
        assert.deepEqual(
          events.map((e) => e.type),
          ['SharingPolicyChanged', 'SharingPolicyChanged', 'SharingPolicyChanged'],
        );
        const same = await call('setSharingPolicy', {
          actor: p1User,
          partnerId: P1,
          side: 'partner',
          populations: { customer: 'accounts' },
        });
        assert.equal(same.changed, false);
        assert.equal(
          (await store.readStream(sharingPolicyStream(P1))).length,
          3,
          'no event when nothing changes',
        );
      });

      it('lists the matched accounts of a cell shared as accounts, with both sides’ records and the key that matched', async () => {
        const page = await call('listOverlapAccounts', {
          actor: admin,
          partnerId: P1,
          vendorPopulation: 'opportunity',
          partnerPopulation: 'customer',
          pageSize: 4,
        });
        assert.equal(page.total, 10);
        const items = page.items as Array<{
          matchedOn: string;
          vendorAccounts: Array<Record<string, unknown>>;
          partnerAccounts: Array<Record<string, unknown>>;
        }>;
        assert.equal(items.length, 4);
        assert.ok(page.nextPageToken);
        for (const item of items) {
          assert.equal(item.matchedOn, 'domain');
          assert.equal(item.vendorAccounts[0]!.population, 'opportunity');
          assert.equal(item.partnerAccounts[0]!.population, 'customer');
          assert.equal(item.vendorAccounts[0]!.domain, item.partnerAccounts[0]!.domain);
        }
        const rest = await call('listOverlapAccounts', {
          actor: admin,
          partnerId: P1,
          vendorPopulation: 'opportunity',
          partnerPopulation: 'customer',
          pageToken: page.nextPageToken,
        });
        assert.equal((rest.items as unknown[]).length, 6);
        // The partner sees the vendor's prospects (shared as accounts) that it has as opportunities: matched on INN.
        const mine = await call('listOverlapAccounts', {
          actor: p1User,
          partnerId: P1,
          vendorPopulation: 'prospect',
          partnerPopulation: 'opportunity',
        });
        assert.equal(mine.total, 10);
        assert.ok((mine.items as Array<{ matchedOn: string }>).every((i) => i.matchedOn === 'taxId'));
        await assert.rejects(
          call('listOverlapAccounts', {
            actor: admin,
            partnerId: P1,
            vendorPopulation: 'customer',
            partnerPopulation: 'prospect',
          }),
          (e: ServiceError) => code(status.FAILED_PRECONDITION)(e) && /counts only/.test(e.details),
        );
        await assert.rejects(
          call('listOverlapAccounts', {
            actor: admin,
            partnerId: P1,
            vendorPopulation: 'lead',
            partnerPopulation: 'x',
          }),
          (e: ServiceError) => {
            code(status.INVALID_ARGUMENT)(e);
            assert.deepEqual(
              fieldViolationsOf(e).map((v) => v.field),
              ['vendorPopulation', 'partnerPopulation'],
            );
            return true;
          },
        );
      });

      it('privacy mode: a partner’s list is stored only as keyed hashes, raw values appear in no table, matching still works', async () => {
        const p2 = await importCsv(
          p2User,
          { owner: 'partner', partnerId: P2, privacyMode: true },
          partner2Csv(),
        );
        assert.equal(p2.privacyMode, true);
        assert.equal(p2.replacesListId !== '', true);
        assert.deepEqual(app.computed(P2)!.counts.cells, [5, 0, 0, 5, 0, 0, 5, 0, 0]);
        const secrets: string[] = [];
        for (let i = 30; i < 45; i++) secrets.push(company(i).cyrillic);
        for (let i = 200; i < 210; i++) secrets.push(company(i).latin, company(i).domain, company(i).inn);
        const tables = await db.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        );
        assert.ok(
          tables.some((t) => t.table_name === 'mapping_accounts') &&
            tables.some((t) => t.table_name === 'es_events'),
        );
        for (const { table_name } of tables) {
          const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
          const text = rows
            .map((r) => r.row)
            .join('\n')
            .toLowerCase();
          for (const secret of secrets)
            assert.ok(!text.includes(secret.toLowerCase()), `${secret} found in ${table_name}`);
        }
        const own = await call('listAccounts', { actor: p2User, owner: 'partner', partnerId: P2 });
        assert.equal(own.privacyMode, true);
        assert.ok(
          (own.accounts as Array<Record<string, unknown>>).every(
            (a) => a.hashedOnly === true && a.name === '' && a.domain === '',
          ),
        );
      });

      it('deal acceleration: vendor opportunities that partners have as customers, ranked, only where customers are shared as accounts', async () => {
        let result = await call('getDealAcceleration', { actor: admin });
        assert.equal(result.total, 10, 'partner 1 shares customers as accounts');
        assert.equal(result.hiddenPartners, 1, 'partner 2 shares nothing');
        await call('setSharingPolicy', {
          actor: p2User,
          partnerId: P2,
          side: 'partner',
          populations: { customer: 'accounts' },
        });
        result = await call('getDealAcceleration', { actor: pam, limit: 1000 });
        assert.equal(result.total, 15);
        const opportunities = result.opportunities as Array<{
          vendorAccounts: Array<Record<string, unknown>>;
          partners: Array<Record<string, unknown>>;
        }>;
        assert.ok(opportunities.every((o) => o.vendorAccounts.every((a) => a.population === 'opportunity')));
        const viaP2 = opportunities.filter((o) => o.partners.some((p) => p.partnerId === P2));
        assert.equal(viaP2.length, 5);
        assert.ok(
          viaP2.every((o) =>
            (o.partners[0]!.partnerAccounts as Array<Record<string, unknown>>).every(
              (a) => a.hashedOnly === true,
            ),
          ),
        );
        // The partner sees its own entries only where the vendor shares opportunities as accounts (it shares counts).
        const own = await call('getDealAcceleration', { actor: p1User });
        assert.equal(own.total, 0);
        assert.equal(own.hiddenPartners, 1);
        await call('setSharingPolicy', {
          actor: admin,
          partnerId: P1,
          side: 'vendor',
          populations: { opportunity: 'accounts' },
        });
        const opened = await call('getDealAcceleration', { actor: p1User });
        assert.equal(opened.total, 10);
        assert.ok(
          (opened.opportunities as Array<{ partners: Array<{ partnerId: string }> }>).every((o) =>
            o.partners.every((p) => p.partnerId === P1),
          ),
        );
      });

      it('a partner never sees another partner’s data or vendor-only views: every method refuses before reading', async () => {
        const vendorImport = await importCsv(admin, { owner: 'vendor', importId: randomUUID() }, vendorCsv());
        const versions = async () => [
          await store.streamVersion(accountListStream(P2)),
          await store.streamVersion(sharingPolicyStream(P2)),
          await store.streamVersion(accountListStream('vendor')),
        ];
        const before = await versions();
        const deniedFor: Record<string, object[]> = {
          importAccountList: [
            {
              actor: p1User,
              options: { owner: 'partner', partnerId: P2 },
              content: Buffer.from(partner2Csv()),
            },
            { actor: p1User, options: { owner: 'vendor' }, content: Buffer.from(vendorCsv()) },
          ],
          getImportStatus: [{ actor: p1User, importId: vendorImport.importId }],
          getAccountList: [
            { actor: p1User, owner: 'partner', partnerId: P2 },
            { actor: p1User, owner: 'vendor' },
          ],
          listAccounts: [
            { actor: p1User, owner: 'partner', partnerId: P2 },
            { actor: p1User, owner: 'vendor' },
          ],
          setSharingPolicy: [
            { actor: p1User, partnerId: P2, side: 'partner', populations: { customer: 'none' } },
            { actor: p1User, partnerId: P1, side: 'vendor', populations: { customer: 'accounts' } },
          ],
          getSharingPolicy: [{ actor: p1User, partnerId: P2 }],
          getOverlapMatrix: [{ actor: p1User, partnerId: P2 }],
          getOverlapSummary: [{ actor: p1User }],
          listOverlapAccounts: [
            { actor: p1User, partnerId: P2, vendorPopulation: 'opportunity', partnerPopulation: 'customer' },
          ],
          getDealAcceleration: [{ actor: p1User, partnerId: P2 }],
        };
        for (const [method, requests] of Object.entries(deniedFor)) {
          for (const request of requests)
            await assert.rejects(call(method, request), code(status.PERMISSION_DENIED), method);
        }
        await assert.rejects(
          streaming.upload(
            { actor: p1User, options: { owner: 'partner', partnerId: P2 } },
            Buffer.from(partner2Csv()),
          ),
          code(status.PERMISSION_DENIED),
        );
        const covered = new Set([...Object.keys(deniedFor), 'uploadAccountList']);
        assert.deepEqual(
          client.methods.filter((m) => !covered.has(m)),
          [],
          'every method is checked',
        );
        assert.deepEqual(await versions(), before, 'nothing was written');
        // Vendor staff cannot read a partner's raw list nor set what the partner shares.
        await assert.rejects(
          call('listAccounts', { actor: admin, owner: 'partner', partnerId: P1 }),
          code(status.PERMISSION_DENIED),
        );
        await assert.rejects(
          call('setSharingPolicy', {
            actor: pam,
            partnerId: P1,
            side: 'partner',
            populations: { customer: 'none' },
          }),
          code(status.PERMISSION_DENIED),
        );
        await assert.rejects(call('getOverlapMatrix', { partnerId: P1 }), (e: ServiceError) => {
          code(status.INVALID_ARGUMENT)(e);
          assert.deepEqual(
            fieldViolationsOf(e).map((v) => v.field),
            ['actor.id', 'actor.role'],
          );
          return true;
        });
      });

      it('a partner mapping never heard of (no PartnerRegistered): its import and sharing policy are NOT_FOUND, it never reaches the overlap summary', async () => {
        const phantom = randomUUID();
        const phantomUser = { id: 'user:phantom', role: 'partner_user', partnerId: phantom };
        const before = await store.streamVersion(accountListStream(phantom));
        await assert.rejects(
          importCsv(admin, { owner: 'partner', partnerId: phantom }, partner1Csv()),
          code(status.NOT_FOUND),
        );
        await assert.rejects(
          importCsv(phantomUser, { owner: 'partner', partnerId: phantom }, partner1Csv()),
          code(status.NOT_FOUND),
        );
        await assert.rejects(
          streaming.upload(
            { actor: phantomUser, options: { owner: 'partner', partnerId: phantom } },
            Buffer.from(partner1Csv()),
          ),
          code(status.NOT_FOUND),
        );
        await assert.rejects(
          call('setSharingPolicy', {
            actor: admin,
            partnerId: phantom,
            side: 'vendor',
            populations: { customer: 'accounts' },
          }),
          code(status.NOT_FOUND),
        );
        assert.equal(await store.streamVersion(accountListStream(phantom)), before);
        assert.equal(await store.streamVersion(sharingPolicyStream(phantom)), null);
        const summary = await call('getOverlapSummary', { actor: admin });
        assert.ok(
          (summary.partners as Array<{ partnerId: string }>).every((p) => p.partnerId !== phantom),
          'the phantom partner is not in the summary',
        );
      });

      it('streams a 1,000-row file with 20 bad rows: 980 kept, every bad row reported, progress readable', async () => {
        const { text, bad } = thousandRowsWithTwentyBad();
        const importId = randomUUID();
        const result = await streaming.upload(
          { actor: p3User, options: { owner: 'partner', partnerId: P3, importId } },
          Buffer.from(text),
          3000,
        );
        assert.equal(result.accountCount, 980);
        assert.equal(result.rejectedCount, 20);
        const rejections = result.rejections as Array<{ line: number; column: string; reason: string }>;
        assert.deepEqual(
          rejections.map((r) => r.line),
          bad.map((b) => b.line),
        );
        for (const [i, b] of bad.entries()) {
          assert.equal(rejections[i]!.column, b.column);
          assert.match(rejections[i]!.reason, b.reason);
        }
        const progress = await call('getImportStatus', { actor: p3User, importId });
        assert.equal(progress.phase, 'done');
        assert.equal(progress.bytesRead, String(Buffer.byteLength(text)));
        assert.equal(progress.rowsRead, 1000);
        const summary = await call('getAccountList', { actor: p3User, owner: 'partner', partnerId: P3 });
        assert.equal(summary.accountCount, 980);
        assert.equal((summary.rejections as unknown[]).length, 20);
        const page = await call('listAccounts', {
          actor: p3User,
          owner: 'partner',
          partnerId: P3,
          pageSize: 500,
        });
        assert.equal((page.accounts as unknown[]).length, 500);
        const next = await call('listAccounts', {
          actor: p3User,
          owner: 'partner',
          partnerId: P3,
          pageSize: 500,
          pageToken: page.nextPageToken,
        });
        assert.equal((next.accounts as unknown[]).length, 480);
        assert.equal(next.nextPageToken, '');
      });

      it('refuses malformed CSV, missing columns, unknown populations only, an oversized file — nothing half-imported', async () => {
        const before = await call('getAccountList', { actor: p1User, owner: 'partner', partnerId: P1 });
        const version = await store.streamVersion(accountListStream(P1));
        const attempts: Array<[string | Buffer, string, RegExp]> = [
          [
            'name,population,country\nAcme,customer,RU\n"Broken,customer,RU\n',
            'file',
            /malformed CSV at line 3, column 1/,
          ],
          ['name,domain\nAcme,acme.com\n', 'file.columns.population', /missing required column population/],
          ['name,population,country\nAcme,partner,RU\nBeta,vendor,RU\n', 'file', /all 2 rows are bad/],
          [partner1Csv() + 'x,'.repeat(80_000), 'file', /larger than the limit of 150000 bytes/],
          ['', 'file', /is empty/],
        ];
        for (const [text, field, reason] of attempts) {
          await assert.rejects(
            importCsv(p1User, { owner: 'partner', partnerId: P1 }, text),
            (e: ServiceError) => {
              code(status.INVALID_ARGUMENT)(e);
              const violation = fieldViolationsOf(e).find((v) => v.field === field);
              assert.ok(violation, `${field} in ${JSON.stringify(fieldViolationsOf(e))}`);
              assert.match(e.details, reason);
              return true;
            },
          );
        }
        const after = await call('getAccountList', { actor: p1User, owner: 'partner', partnerId: P1 });
        assert.equal(after.listId, before.listId);
        assert.equal(await store.streamVersion(accountListStream(P1)), version);
        const staged = await db.query("SELECT list_id FROM mapping_lists WHERE status = 'staged'");
        assert.deepEqual(staged, []);
        const orphans = await db.query(
          "SELECT count(*)::int AS n FROM mapping_accounts a WHERE NOT EXISTS (SELECT 1 FROM mapping_lists l WHERE l.list_id = a.list_id AND l.status = 'current')",
        );
        assert.deepEqual(orphans, [{ n: 0 }]);
        await assert.rejects(
          importCsv(p1User, { owner: 'partner', partnerId: P1, encoding: 'koi8-r' }, partner1Csv()),
          (e: ServiceError) =>
            code(status.INVALID_ARGUMENT)(e) && fieldViolationsOf(e)[0]!.field === 'encoding',
        );
      });

      it('a re-import replaces the owner’s list atomically and recomputes its cells', async () => {
        const before = await call('getAccountList', { actor: admin, owner: 'vendor' });
        const smaller = csv([
          ['name', 'domain', 'population', 'country'],
          ...Array.from({ length: 12 }, (_, i) => [company(i).latin, company(i).domain, 'opportunity', 'RU']),
        ]);
        const result = await importCsv(admin, { owner: 'vendor' }, smaller);
        assert.equal(result.replacesListId, before.listId);
        assert.equal(result.recomputedPartners, 3);
        const lists = await db.query<{ status: string; n: number }>(
          "SELECT status, count(*)::int AS n FROM mapping_lists WHERE owner_key = 'vendor' GROUP BY status ORDER BY status",
        );
        assert.deepEqual(lists, [
          { status: 'current', n: 1 },
          { status: 'replaced', n: 2 },
        ]);
        const rows = await db.query<{ list_id: string; n: number }>(
          "SELECT a.list_id, count(*)::int AS n FROM mapping_accounts a JOIN mapping_lists l USING (list_id) WHERE l.owner_key = 'vendor' GROUP BY a.list_id",
        );
        assert.deepEqual(rows, [{ list_id: result.listId, n: 12 }]);
        // companies 0..11: partner 1 has them (i % 3 == 1 by domain, 0 by name + RU, 2 by INN — the INN is gone now)
        assert.deepEqual(
          app.computed(P1)!.counts.cells,
          [0, 0, 0, 0, 0, 0, 0, 0, 0].map((_, i) => (i === 3 ? 4 : i === 5 ? 4 : 0)),
        );
        assert.equal(vendorListId !== result.listId, true);
        const events = await store.readStream(overlapsStream(P1));
        assert.equal((events.at(-1)!.data as { vendorListId: string }).vendorListId, result.listId);
      });

      it('two instances importing the same list at once: one wins, the other is refused and leaves nothing', async () => {
        const other = await MappingApplication.create(store, db, { hmacSecret: SECRET });
        const version = await store.streamVersion(accountListStream(P3));
        const results = await Promise.allSettled([
          app.importAccountList(
            { owner: 'partner', partnerId: P3, content: Buffer.from(partner1Csv()) },
            p3User as never,
          ),
          other.importAccountList(
            { owner: 'partner', partnerId: P3, content: Buffer.from(partner2Csv()) },
            p3User as never,
          ),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(won.length, 1);
        assert.equal(lost.length, 1);
        assert.equal((lost[0]!.reason as Error).name, 'WrongExpectedVersionError');
        assert.equal(await store.streamVersion(accountListStream(P3)), version! + 1);
        const current = await db.query<{ list_id: string }>(
          "SELECT list_id FROM mapping_lists WHERE owner_key = $1 AND status <> 'replaced'",
          [P3],
        );
        assert.deepEqual(current, [
          { list_id: (won[0] as PromiseFulfilledResult<{ listId: string }>).value.listId },
        ]);
      });

      it('finishes an import a crash left between its event and the swap, and drops one left before its event', async () => {
        const repo = new AccountListRepository(db);
        const finished = randomUUID();
        const dropped = randomUUID();
        for (const listId of [finished, dropped]) {
          await repo.createStaged({
            listId,
            ownerKey: P3,
            partnerId: P3,
            privacyMode: false,
            source: 'csv',
            format: 'generic',
            encoding: 'utf-8',
            fingerprint: 'x',
          });
        }
        const keys = new Int32Array(6).fill(7);
        await repo.writeAccounts(finished, 0, {
          count: 1,
          line: Int32Array.of(2),
          population: Uint8Array.of(0),
          keys,
        });
        await repo.writeAccounts(dropped, 0, {
          count: 1,
          line: Int32Array.of(2),
          population: Uint8Array.of(0),
          keys,
        });
        const version = await store.streamVersion(accountListStream(P3));
        await store.append(
          accountListStream(P3),
          [
            {
              id: randomUUID(),
              type: 'AccountListImported',
              schemaVersion: 1,
              data: {
                listId: finished,
                owner: 'partner',
                partnerId: P3,
                source: 'csv',
                accountCount: 1,
                rejectedCount: 0,
                populations: { customer: 1, opportunity: 0, prospect: 0 },
              },
              metadata: {
                correlationId: randomUUID(),
                causationId: null,
                actor: 'test',
                occurredAt: new Date().toISOString(),
              },
            },
          ],
          version!,
        );
        await MappingApplication.create(store, db, { hmacSecret: SECRET });
        const lists = await db.query<{ list_id: string; status: string }>(
          "SELECT list_id, status FROM mapping_lists WHERE owner_key = $1 AND status <> 'replaced'",
          [P3],
        );
        assert.deepEqual(lists, [{ list_id: finished, status: 'current' }]);
        assert.deepEqual(
          await db.query('SELECT row_no FROM mapping_accounts WHERE list_id = $1', [dropped]),
          [],
        );
        // Put the real list back for the next test.
        await importCsv(p3User, { owner: 'partner', partnerId: P3 }, thousandRowsWithTwentyBad().text);
      });

      it('loads the current lists from the database on start and gives the same overlaps', async () => {
        const again = await MappingApplication.create(store, db, { hmacSecret: SECRET });
        for (const p of [P1, P2, P3]) assert.deepEqual(again.computed(p)!.counts, app.computed(p)!.counts);
        assert.deepEqual(again.stats(), app.stats());
        // Under another secret a privacy-mode list cannot be matched until re-imported; plain lists are rehashed.
        const rotated = await MappingApplication.create(store, db, {
          hmacSecret: 'another-secret-0123456789abcdef',
        });
        assert.equal(rotated.stats().staleLists, 1);
        assert.deepEqual(rotated.computed(P1)!.counts, app.computed(P1)!.counts);
        assert.equal(rotated.computed(P2), undefined);
        await assert.rejects(
          rotated.overlapMatrix(P2, admin as never),
          (e: Error & { code?: string }) =>
            e.code === 'FAILED_PRECONDITION' && /import it again/.test(e.message),
        );
      });
    },
  );
}

mappingGrpcSuite(
  'PostgreSQL',
  async () => {
    const tdb = await createTestDatabase('mapping_grpc');
    const db = new PostgresDatabase(tdb.url);
    return { db, cleanup: async () => (await db.close(), await tdb.drop()) };
  },
  skipUnlessPostgres(),
);
mappingGrpcSuite(
  'PGlite',
  async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: () => db.close() };
  },
  false,
  // CSV files read on the calling thread here; the PostgreSQL suite reads them on the worker.
  { importInWorker: false },
);
