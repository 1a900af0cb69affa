import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { status, type ServiceError } from '@grpc/grpc-js';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import {
  fieldViolationsOf,
  PROTO_ROOT,
  unaryClient,
  type RunningGrpcServer,
  type UnaryClient,
} from '@prm/grpc';
import { InProcessEventBus } from '@prm/messaging';
import { ProjectionRunner } from '@prm/projections';
import { createTestDatabase, eventually, skipUnlessPostgres } from '@prm/testing';
import { dealReadModelProjection } from './deal-read-model.projection';
import { DealsApplication } from './deals.application';
import { DEALS_PROTO, DEALS_SERVICE, startDealsGrpc } from './deals.grpc';
import { partnerViewProjection } from './partner-view.projection';
import { dealStream } from './streams';
import { givenPartner } from './testing/partner-events';

/*
 * Issue 22 item 11: every create command of the deals service can be retried safely. For each:
 * the same key and body sent three times at once and once more after gives one answer and one
 * set of events; the same key with another body is ALREADY_EXISTS naming requestId; the key may
 * come as `idempotency-key` metadata. Real PostgreSQL, real gRPC client.
 */

const admin = { id: 'user:admin-1', role: 'vendor_admin' };
const pam1 = { id: 'user:pam-1', role: 'pam' };

describe(
  'Deals create commands are idempotent under a request id (PostgreSQL, gRPC)',
  { skip: skipUnlessPostgres() },
  () => {
    let db: PostgresDatabase;
    let drop: () => Promise<void>;
    let store: SqlEventStore;
    let runners: ProjectionRunner[];
    let app: DealsApplication;
    let server: RunningGrpcServer;
    let client: UnaryClient;
    const call = (method: string, request: object, metadata?: Record<string, string>) =>
      client.call(method, request, metadata);
    const P1 = randomUUID();
    const P2 = randomUUID();
    const user1 = { id: 'user:p1-anna', role: 'partner_user', partnerId: P1 };
    const clock = new Date('2026-03-02T09:00:00.000Z');

    const countOf = async (dealId: string, type: string) =>
      (await store.readStream(dealStream(dealId))).filter((e) => e.type === type).length;
    const alreadyExists = (e: ServiceError) => (
      assert.equal(e.code, status.ALREADY_EXISTS, e.details),
      assert.match(e.details, /^requestId: /),
      true
    );
    /** Three sends at once and one after: one answer for all. */
    async function sentFourTimes(send: () => Promise<Record<string, unknown>>) {
      const answers = await Promise.all([send(), send(), send()]);
      answers.push(await send());
      for (const a of answers) assert.deepEqual(a, answers[0]);
      return answers[0]!;
    }
    async function deal(domain: string): Promise<string> {
      const r = await call('registerDeal', {
        actor: user1,
        partnerId: P1,
        customer: { name: `Idem ${domain}`, domain, country: 'RU' },
        estimatedValue: { amount: '1000000.00', currency: 'RUB' },
        expectedCloseDate: '2026-06-30',
        products: ['crm-enterprise'],
        attribution: 'sourced',
      });
      return r.dealId as string;
    }
    async function wonDealWithAccrual(domain: string): Promise<{ dealId: string; commissionId: string }> {
      const dealId = await deal(domain);
      await call('approveRegistration', { actor: pam1, dealId });
      await call('winDeal', {
        actor: admin,
        dealId,
        wonValue: { amount: '1000000.00', currency: 'RUB' },
        closedOn: '2026-03-02',
      });
      const accrued = (await store.readStream(dealStream(dealId))).find(
        (e) => e.type === 'CommissionAccrued',
      )!;
      return { dealId, commissionId: (accrued.data as { commissionId: string }).commissionId };
    }

    before(async () => {
      const tdb = await createTestDatabase('deals_idem');
      db = new PostgresDatabase(tdb.url);
      drop = () => tdb.drop();
      store = await SqlEventStore.create(db);
      app = await DealsApplication.create(store, db, { now: () => clock });
      const bus = new InProcessEventBus(store, db);
      runners = [
        new ProjectionRunner(db, bus, partnerViewProjection),
        new ProjectionRunner(db, bus, dealReadModelProjection),
      ];
      for (const r of runners) await r.start();
      await givenPartner(store, {
        partnerId: P1,
        pamId: 'user:pam-1',
        tier: { tier: 'silver', discountPercent: 20, effectiveFrom: '2026-01-01' },
      });
      await givenPartner(store, { partnerId: P2, pamId: 'user:pam-2' });
      await eventually('the partner view', async () => (await app.partnerFacts(P2)) !== null);
      server = await startDealsGrpc(app, '127.0.0.1:0');
      client = unaryClient(`127.0.0.1:${server.port}`, DEALS_PROTO, [PROTO_ROOT], DEALS_SERVICE);
    });
    after(async () => {
      client?.close();
      await server?.stop();
      for (const r of runners ?? []) await r.stop();
      await store?.close();
      await db?.close();
      await drop?.();
    });

    it('RecordInfluence: one influence record per request id, the first answer again; another body is ALREADY_EXISTS', async () => {
      const dealId = await deal('influence.example');
      const body = {
        actor: admin,
        dealId,
        partnerId: P2,
        activity: 'demo',
        weightPercent: 10,
        requestId: 'infl-1',
      };
      const first = await sentFourTimes(() => call('recordInfluence', body));
      assert.deepEqual(first.events, ['DealInfluenceRecorded']);
      assert.equal(await countOf(dealId, 'DealInfluenceRecorded'), 1);
      // The same key as metadata is the same request.
      const { requestId: _key, ...withoutField } = body;
      assert.deepEqual(await call('recordInfluence', withoutField, { 'idempotency-key': 'infl-1' }), first);
      await assert.rejects(call('recordInfluence', { ...body, weightPercent: 20 }), alreadyExists);
      assert.equal(await countOf(dealId, 'DealInfluenceRecorded'), 1);
      // Without a key every call is a new record (as before).
      await call('recordInfluence', { ...withoutField, weightPercent: 5 });
      assert.equal(await countOf(dealId, 'DealInfluenceRecorded'), 2);
    });

    it('CorrectCommission: one correction entry per request id; another body is ALREADY_EXISTS', async () => {
      const { dealId, commissionId } = await wonDealWithAccrual('correction.example');
      const body = {
        actor: admin,
        dealId,
        correctsCommissionId: commissionId,
        direction: 'credit',
        amount: '1500.00',
        reason: 'missed a line item',
        requestId: 'corr-1',
      };
      const first = await sentFourTimes(() => call('correctCommission', body));
      assert.deepEqual(first.events, ['CommissionCorrected']);
      assert.equal(await countOf(dealId, 'CommissionCorrected'), 1);
      await assert.rejects(call('correctCommission', { ...body, amount: '1600.00' }), alreadyExists);
      assert.equal(await countOf(dealId, 'CommissionCorrected'), 1);
    });

    it('RequestProtectionExtension: an idempotency key stands for the request id; the same request once, another body ALREADY_EXISTS', async () => {
      const dealId = await deal('extension.example');
      const body = { actor: user1, dealId, days: 30, reason: 'budget in Q3' };
      const key = { 'idempotency-key': 'ext-1' };
      const first = await sentFourTimes(() => call('requestProtectionExtension', body, key));
      assert.match(first.requestId as string, /^[0-9a-f-]{36}$/, 'a request id derived from the key');
      assert.equal(await countOf(dealId, 'DealProtectionExtensionRequested'), 1);
      await assert.rejects(call('requestProtectionExtension', { ...body, days: 20 }, key), alreadyExists);
      // A UUID request id is the extension's id, as before, and a retry of it with other days is refused too.
      const other = await deal('extension-2.example');
      const requestId = randomUUID();
      const r = await call('requestProtectionExtension', { ...body, dealId: other, requestId });
      assert.equal(r.requestId, requestId);
      await assert.rejects(
        call('requestProtectionExtension', { ...body, dealId: other, requestId, days: 10 }),
        alreadyExists,
      );
    });

    it('DecideProtectionExtension: its requestId names the extension request, so an idempotency key never stands for it', async () => {
      const dealId = await deal('extension-decide.example');
      const ext = await call('requestProtectionExtension', {
        actor: user1,
        dealId,
        days: 30,
        reason: 'budget',
      });
      const key = { 'idempotency-key': randomUUID() };
      // Without the field the key would have been taken for the extension request's id (NOT_FOUND).
      await assert.rejects(
        call('decideProtectionExtension', { actor: pam1, dealId, approve: true }, key),
        (e: ServiceError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT, e.details);
          assert.deepEqual(
            fieldViolationsOf(e).map((v) => v.field),
            ['requestId'],
          );
          return true;
        },
      );
      await call(
        'decideProtectionExtension',
        { actor: pam1, dealId, requestId: ext.requestId, approve: true },
        key,
      );
      assert.equal(await countOf(dealId, 'DealProtectionExtended'), 1);
    });

    it('PayCommission replayed with another payment reference is refused naming paymentReference; the same payment again changes nothing', async () => {
      const { dealId, commissionId } = await wonDealWithAccrual('payment.example');
      await call('approveCommission', { actor: admin, dealId, commissionId });
      const pay = { actor: admin, dealId, commissionId, paidOn: '2026-03-02', paymentReference: 'PP-1001' };
      const paid = await call('payCommission', pay);
      assert.deepEqual(paid.events, ['CommissionPaid']);
      const again = await call('payCommission', pay);
      assert.deepEqual([again.version, again.events], [paid.version, []]);
      await assert.rejects(
        call('payCommission', { ...pay, paymentReference: 'PP-1002' }),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION, e.details);
          assert.match(e.details, /^paymentReference: .*already paid/);
          return true;
        },
      );
      assert.equal(await countOf(dealId, 'CommissionPaid'), 1);
    });

    it('a bad key is INVALID_ARGUMENT naming where it came from (requestId or idempotency-key), never echoed; nothing is appended', async () => {
      const dealId = await deal('bad-key.example');
      const body = { actor: admin, dealId, partnerId: P2, activity: 'demo' };
      const refused = (field: string, key: string) => (e: ServiceError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT, e.details);
        assert.deepEqual(
          fieldViolationsOf(e).map((v) => v.field),
          [field],
        );
        assert.ok(!e.details.includes(key), 'the key is not echoed');
        return true;
      };
      // grpc-js sends (and delivers) only printable ASCII metadata; what is left to refuse there: the length.
      const long = 'k'.repeat(201);
      await assert.rejects(
        call('recordInfluence', body, { 'idempotency-key': long }),
        refused('idempotency-key', long),
      );
      // The field may carry any UTF-8: control characters (ANSI escapes), bidi overrides, non-ASCII.
      for (const bad of ['\u001b[31mred', 'ключ-1', 'a\u202eb', long])
        await assert.rejects(call('recordInfluence', { ...body, requestId: bad }), refused('requestId', bad));
      assert.equal(await countOf(dealId, 'DealInfluenceRecorded'), 0);
    });
  },
);
