import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { status, type ServiceError } from '@grpc/grpc-js';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
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
import { DealExpiryScheduler } from './expiry.scheduler';
import { partnerViewProjection } from './partner-view.projection';
import { dealStream } from './streams';
import { givenPartner } from './testing/partner-events';

const admin = { id: 'user:admin-1', role: 'vendor_admin' };
const pam1 = { id: 'user:pam-1', role: 'pam' };
const pam2 = { id: 'user:pam-2', role: 'pam' };
const direct = { id: 'user:seller-1', role: 'direct_sales' };
const code = (c: number) => (e: ServiceError) => (assert.equal(e.code, c, e.details), true);

function dealsGrpcSuite(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  skip: string | false,
) {
  describe(`Deals over gRPC (real client) on ${name}`, { skip }, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let store: SqlEventStore;
    let runners: ProjectionRunner[];
    let app: DealsApplication;
    let server: RunningGrpcServer;
    let client: UnaryClient;
    const call = (method: string, request: object, metadata?: Record<string, string>) =>
      client.call(method, request, metadata);

    const T0 = new Date('2026-03-02T09:00:00.000Z');
    let clock = T0;
    const P1 = randomUUID();
    const P2 = randomUUID();
    const P3 = randomUUID();
    const user1 = { id: 'user:p1-anna', role: 'partner_user', partnerId: P1 };
    const user2 = { id: 'user:p2-boris', role: 'partner_user', partnerId: P2 };

    const registration = (overrides: Record<string, unknown> = {}) => ({
      actor: user1,
      partnerId: P1,
      customer: { name: 'ООО «Ромашка»', domain: 'https://www.Romashka.ru/about', taxId: '', country: 'RU' },
      estimatedValue: { amount: '1234567.89', currency: 'RUB' },
      expectedCloseDate: '2026-06-30',
      products: ['crm-enterprise'],
      attribution: 'sourced',
      ...overrides,
    });
    const projected = (dealId: string, check: (d: Record<string, unknown>) => boolean = () => true) =>
      eventually(`deal ${dealId} projected`, async () => {
        const r = await call('getDeal', { actor: admin, dealId }).catch(() => null);
        return r && check(r.deal as Record<string, unknown>) ? r : null;
      });

    before(async () => {
      ({ db, cleanup } = await open());
      store = await SqlEventStore.create(db);
      app = await DealsApplication.create(store, db, { now: () => clock, reportingCurrency: 'EUR' });
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
      await givenPartner(store, { partnerId: P3, stage: 'onboarding', pamId: 'user:pam-1' });
      await eventually('the partner view', async () => (await app.partnerFacts(P3)) !== null);
      server = await startDealsGrpc(app, '127.0.0.1:0');
      client = unaryClient(`127.0.0.1:${server.port}`, DEALS_PROTO, [PROTO_ROOT], DEALS_SERVICE);
    });
    after(async () => {
      client?.close();
      await server?.stop();
      for (const r of runners ?? []) await r.stop();
      await store?.close();
      await cleanup?.();
    });

    let first: string;
    let second: string;
    it('registers a deal: the customer normalized, the first registration holds 90 days of protection', async () => {
      const r = await call('registerDeal', registration());
      first = r.dealId as string;
      assert.equal(r.holdsProtection, true);
      assert.equal(r.protectedUntil, '2026-05-31');
      assert.equal(r.conflicts, 0);
      const { deal } = (await projected(first))!;
      const d = deal as { customer: { domain: string }; status: string; stage: string; pamId: string };
      assert.equal(d.customer.domain, 'romashka.ru');
      assert.deepEqual([d.status, d.stage, d.pamId], ['open', 'registered', 'user:pam-1']);
    });

    it('detects the conflict when another partner registers the same customer, on both deals, with the evidence', async () => {
      clock = new Date(T0.getTime() + 3_600_000);
      const r = await call(
        'registerDeal',
        registration({
          actor: user2,
          partnerId: P2,
          customer: { name: 'Romashka LLC', domain: 'romashka.ru', country: 'RU' },
          attribution: 'influenced',
        }),
      );
      second = r.dealId as string;
      assert.equal(r.holdsProtection, false);
      assert.equal(r.conflicts, 1);
      const mine = (await store.readStream(dealStream(second))).map((e) => e.type);
      assert.deepEqual(mine, ['DealRegistered', 'DealConflictDetected']);
      const theirs = (await store.readStream(dealStream(first))).at(-1)!;
      assert.equal(theirs.type, 'DealConflictDetected');
      const c = (theirs.data as { conflicts: Array<Record<string, unknown>> }).conflicts[0]!;
      assert.equal(c.conflictingDealId, second);
      assert.equal(c.conflictingPartnerId, P2);
      assert.equal(c.firstDealId, first);
      assert.deepEqual(c.matchedOn, ['domain', 'name']);

      const queue = await eventually('both deals in the conflict queue', async () => {
        const q = (await call('getConflictQueue', { actor: admin })) as {
          entries: Array<{ deal: { dealId: string } }>;
        };
        const ids = q.entries.map((e) => e.deal.dealId);
        return ids.includes(first) && ids.includes(second) ? q : null;
      });
      const entry = queue!.entries.find((e) => e.deal.dealId === second) as unknown as {
        conflicts: Array<{ firstDealId: string; kind: string }>;
      };
      assert.equal(entry.conflicts[0]!.firstDealId, first);
      assert.equal(entry.conflicts[0]!.kind, 'partner_registration');
      assert.equal((entry.conflicts[0] as unknown as { evidence: string }).evidence, 'same_customer');
      // A PAM sees its own partners' conflicts only.
      const q1 = (await call('getConflictQueue', { actor: pam1 })) as {
        entries: Array<{ deal: { dealId: string } }>;
      };
      assert.deepEqual(
        q1.entries.map((e) => e.deal.dealId),
        [first],
      );
    });

    it('a partner user sees its own deal’s conflict without the other partner’s identity', async () => {
      const r = (await call('getDeal', { actor: user2, dealId: second })) as {
        history: Array<{ type: string; dataJson: string }>;
      };
      const conflict = JSON.parse(r.history.find((h) => h.type === 'DealConflictDetected')!.dataJson);
      assert.equal(conflict.conflicts[0].conflictingPartnerId, null);
      assert.equal(conflict.conflicts[0].conflictingDealId, null);
      assert.equal(conflict.conflicts[0].registeredFirst, false);
      assert.ok(!JSON.stringify(r).includes(P1), 'the other partner’s id never reaches a partner user');
    });

    it('refuses a partner that is not enabled yet with FAILED_PRECONDITION saying why, and an unknown partner too', async () => {
      await assert.rejects(
        call('registerDeal', registration({ actor: admin, partnerId: P3 })),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(e.details, /journey stage "onboarding"; deals can be registered from "enabled" on/);
          return true;
        },
      );
      const unknown = randomUUID();
      await assert.rejects(
        call('registerDeal', registration({ actor: admin, partnerId: unknown })),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(e.details, /not known to the deals service/);
          return true;
        },
      );
    });

    it('refuses bad input with a message per field and writes nothing', async () => {
      const head = await store.headPosition();
      const dealId = randomUUID();
      await assert.rejects(
        call(
          'registerDeal',
          registration({
            dealId,
            customer: { name: 'Acme', domain: '', taxId: '', country: 'RU' },
            estimatedValue: { amount: '-5', currency: 'RUX' },
            expectedCloseDate: '2026-01-01',
            products: [],
          }),
        ),
        (e: ServiceError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT);
          assert.deepEqual(
            fieldViolationsOf(e)
              .map((v) => v.field)
              .sort(),
            ['customer', 'estimatedValue.amount', 'estimatedValue.currency', 'expectedCloseDate', 'products'],
          );
          return true;
        },
      );
      await assert.rejects(
        call(
          'registerDeal',
          registration({ dealId, customer: { name: 'Acme', taxId: '7707083894', country: 'RU' } }),
        ),
        (e: ServiceError) => (
          assert.deepEqual(
            fieldViolationsOf(e).map((v) => v.field),
            ['customer.taxId'],
          ),
          true
        ),
      );
      assert.equal(await store.headPosition(), head);
      assert.equal(await store.streamVersion(dealStream(dealId)), null);
      const rows = await db.query('SELECT 1 FROM deals_customer_registry WHERE deal_id = $1', [dealId]);
      assert.equal(rows.length, 0);
    });

    const fieldsOf = (e: ServiceError) => (
      assert.equal(e.code, status.INVALID_ARGUMENT, e.details),
      fieldViolationsOf(e).map((v) => v.field)
    );
    const refusedWith =
      (...fields: string[]) =>
      (e: ServiceError) => (assert.deepEqual(fieldsOf(e), fields), true);

    it('bounds (issue 22): huge amounts, lists, control characters and impossible dates are refused with the field named, writing nothing', async () => {
      const head = await store.headPosition();
      const money = (amount: string, currency = 'RUB') =>
        registration({ estimatedValue: { amount, currency } });
      // 5. Money: a 5,000-digit amount, and more decimals than the currency has.
      await assert.rejects(
        call('registerDeal', money('9'.repeat(5_000))),
        refusedWith('estimatedValue.amount'),
      );
      await assert.rejects(call('registerDeal', money('100.001')), refusedWith('estimatedValue.amount'));
      await assert.rejects(call('registerDeal', money('100.5', 'JPY')), refusedWith('estimatedValue.amount'));
      // 7. Sizes: 100,000 products, a 5,000-character name, a 300-character actor id.
      await assert.rejects(
        call('registerDeal', registration({ products: Array.from({ length: 100_000 }, (_, i) => `p${i}`) })),
        refusedWith('products'),
      );
      await assert.rejects(
        call('registerDeal', registration({ customer: { name: 'x'.repeat(5_000), country: 'RU' } })),
        refusedWith('customer.name'),
      );
      await assert.rejects(
        call('registerDeal', registration({ actor: { ...user1, id: 'u'.repeat(300) } })),
        refusedWith('actor.id'),
      );
      // 8. Dates: 2026-02-30 and 9999-12-31 are refused, not rolled over or accepted.
      await assert.rejects(
        call('registerDeal', registration({ expectedCloseDate: '2026-02-30' })),
        refusedWith('expectedCloseDate'),
      );
      await assert.rejects(
        call('registerDeal', registration({ expectedCloseDate: '9999-12-31' })),
        refusedWith('expectedCloseDate'),
      );
      // 9. Text: NUL, ANSI escapes and RTL overrides; tab and newline are fine in a description only.
      for (const name of ['Acme\u0000', '\u001b[31mAcme', 'Acme\u202eCLL'])
        await assert.rejects(
          call('registerDeal', registration({ customer: { name, country: 'RU' } })),
          refusedWith('customer.name'),
        );
      await assert.rejects(
        call('registerDeal', registration({ description: 'bell\u0007' })),
        refusedWith('description'),
      );
      assert.equal(await store.headPosition(), head);
    });

    it('filters (issue 22): a date filter that does not parse and a non-UUID actor partner id are INVALID_ARGUMENT; a LIKE filter matches "%" literally', async () => {
      await assert.rejects(
        call('listCommissions', { actor: admin, partnerId: P1, from: '2026-13-45' }),
        refusedWith('from'),
      );
      await assert.rejects(
        call('listCommissions', { actor: admin, partnerId: P1, to: '2026-02-30' }),
        refusedWith('to'),
      );
      await assert.rejects(
        call('listDeals', { actor: { id: 'user:x', role: 'partner_user', partnerId: 'not-a-uuid' } }),
        refusedWith('actor.partnerId'),
      );
      await assert.rejects(
        call('listDeals', { actor: { id: 'user:x', role: 'vendor_admin', partnerId: 'not-a-uuid' } }),
        refusedWith('actor.partnerId'),
      );
      // A page token that decodes to a "date" PostgreSQL cannot read was INTERNAL.
      await assert.rejects(
        call('listDeals', {
          actor: admin,
          pageToken: Buffer.from(`1|${randomUUID()}`).toString('base64url'),
        }),
        refusedWith('pageToken'),
      );
      const all = (await call('listDeals', { actor: admin, pageSize: 500 })) as { deals: unknown[] };
      assert.ok(all.deals.length > 0);
      for (const customer of ['%', '_'])
        assert.deepEqual(
          ((await call('listDeals', { actor: admin, customer, pageSize: 500 })) as { deals: unknown[] })
            .deals,
          [],
          customer,
        );
    });

    it('approval: only a vendor admin or the partner’s own PAM; then the stages move forward only', async () => {
      await assert.rejects(
        call('approveRegistration', { actor: pam2, dealId: first }),
        code(status.PERMISSION_DENIED),
      );
      await assert.rejects(
        call('approveRegistration', { actor: user1, dealId: first }),
        code(status.PERMISSION_DENIED),
      );
      await assert.rejects(
        call('changeStage', { actor: user1, dealId: first, stage: 'qualified' }),
        code(status.FAILED_PRECONDITION),
      );
      const approved = await call('approveRegistration', { actor: pam1, dealId: first, note: 'Go' });
      assert.deepEqual(approved.events, ['DealRegistrationApproved']);
      await call('changeStage', { actor: user1, dealId: first, stage: 'qualified' });
      await call('changeStage', { actor: user1, dealId: first, stage: 'proposal' });
      await assert.rejects(
        call('changeStage', { actor: user1, dealId: first, stage: 'qualified' }),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(e.details, /is at proposal; allowed next stages: negotiation, won, lost/);
          return true;
        },
      );
      await assert.rejects(
        call('changeStage', { actor: user1, dealId: first, stage: 'won' }),
        code(status.INVALID_ARGUMENT),
      );
    });

    it('one protection holder per customer: approving a later registration in conflict is refused, or transfers protection', async () => {
      const customer = { name: 'Kama', domain: 'kama.example', country: 'RU' };
      const a = await call('registerDeal', registration({ customer }));
      const b = await call('registerDeal', registration({ actor: user2, partnerId: P2, customer }));
      assert.equal(a.holdsProtection, true);
      assert.equal(b.holdsProtection, false);
      await assert.rejects(
        call('approveRegistration', { actor: pam2, dealId: b.dealId }),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(
            e.details,
            new RegExp(`registration ${a.dealId as string} of partner ${P1} protects this customer`),
          );
          return true;
        },
      );
      const moved = await call('approveRegistration', {
        actor: admin,
        dealId: b.dealId,
        transferProtectionReason: 'The customer chose the second partner',
      });
      assert.deepEqual(moved.events, ['DealRegistrationApproved']);
      const revoked = (await store.readStream(dealStream(a.dealId as string))).at(-1)!;
      assert.equal(revoked.type, 'DealProtectionRevoked');
      assert.equal((revoked.data as { transferredToDealId: string }).transferredToDealId, b.dealId);
      const approvedB = (await store.readStream(dealStream(b.dealId as string))).at(-1)!.data as Record<
        string,
        unknown
      >;
      assert.equal(approvedB.protectionTransferredFrom, a.dealId);
      const holders = await db.query<{ deal_id: string }>(
        'SELECT DISTINCT deal_id FROM deals_customer_registry WHERE deal_id = ANY($1) AND active AND holds_protection',
        [[a.dealId, b.dealId]],
      );
      assert.deepEqual(
        holders.map((h) => h.deal_id),
        [b.dealId],
      );
    });

    it('rejects the conflicting registration with a reason, by its PAM', async () => {
      await assert.rejects(
        call('rejectRegistration', {
          actor: pam2,
          dealId: second,
          reasonCode: 'channel_conflict',
          reason: '',
        }),
        (e: ServiceError) => (
          assert.deepEqual(
            fieldViolationsOf(e).map((v) => v.field),
            ['reason'],
          ),
          true
        ),
      );
      const r = await call('rejectRegistration', {
        actor: pam2,
        dealId: second,
        reasonCode: 'channel_conflict',
        reason: 'Another partner registered this customer first.',
      });
      assert.deepEqual(r.events, ['DealRegistrationRejected']);
    });

    it('won: only the vendor confirms; the commission comes from the tier held on the registration date, also in EUR', async () => {
      await assert.rejects(
        call('winDeal', {
          actor: user1,
          dealId: first,
          wonValue: { amount: '1000000.00', currency: 'RUB' },
          closedOn: '2026-03-20',
        }),
        code(status.PERMISSION_DENIED),
      );
      clock = new Date('2026-03-21T10:00:00.000Z');
      await assert.rejects(
        call('winDeal', {
          actor: pam1,
          dealId: first,
          wonValue: { amount: '1000000.00', currency: 'RUB' },
          closedOn: '2026-03-20',
        }),
        (e: ServiceError) => (
          assert.match(e.details, /no exchange rate RUB→EUR on or before 2026-03-20/),
          true
        ),
      );
      await call('recordExchangeRate', {
        actor: admin,
        from: 'RUB',
        to: 'EUR',
        rate: '0.0105',
        effectiveOn: '2026-03-01',
      });
      await call('recordExchangeRate', {
        actor: admin,
        from: 'RUB',
        to: 'EUR',
        rate: '0.0110',
        effectiveOn: '2026-03-25',
      });
      const won = await call('winDeal', {
        actor: pam1,
        dealId: first,
        wonValue: { amount: '1000000.00', currency: 'RUB' },
        closedOn: '2026-03-20',
      });
      assert.deepEqual(won.events, ['DealWon', 'CommissionAccrued']);
      const accrued = (await store.readStream(dealStream(first))).at(-1)!.data as Record<string, unknown>;
      assert.deepEqual(accrued.amount, { amount: '200000.00', currency: 'RUB' });
      assert.equal(accrued.tier, 'silver');
      assert.equal(accrued.tierOn, '2026-03-02');
      assert.deepEqual(accrued.reporting, {
        amount: { amount: '2100.00', currency: 'EUR' },
        rate: '0.0105',
        rateDate: '2026-03-01',
      });
      const dealWon = (await store.readStream(dealStream(first))).at(-2)!.data as { cycleDays: number };
      assert.equal(dealWon.cycleDays, 18);
    });

    it('the commission ledger: accrued → approved → paid by finance; corrections are new entries; partners see only theirs', async () => {
      const ledger = await eventually('the commission projected', async () => {
        const r = (await call('listCommissions', { actor: user1, partnerId: P1 })) as {
          entries: Array<Record<string, string>>;
        };
        return r.entries.length === 1 ? r : null;
      });
      const commissionId = ledger!.entries[0]!.commissionId!;
      await assert.rejects(
        call('approveCommission', { actor: pam1, dealId: first, commissionId }),
        code(status.PERMISSION_DENIED),
      );
      await assert.rejects(
        call('payCommission', {
          actor: admin,
          dealId: first,
          commissionId,
          paidOn: '2026-03-21',
          paymentReference: 'PAY-1',
        }),
        code(status.FAILED_PRECONDITION),
      );
      await call('approveCommission', { actor: admin, dealId: first, commissionId });
      await call('payCommission', {
        actor: admin,
        dealId: first,
        commissionId,
        paidOn: '2026-03-21',
        paymentReference: 'PAY-1',
      });
      await assert.rejects(
        call('correctCommission', {
          actor: admin,
          dealId: first,
          correctsCommissionId: commissionId,
          direction: 'debit',
          amount: '300000',
          reason: 'x',
        }),
        code(status.INVALID_ARGUMENT),
      );
      await call('correctCommission', {
        actor: admin,
        dealId: first,
        correctsCommissionId: commissionId,
        direction: 'debit',
        amount: '5000.00',
        reason: 'One licence returned',
      });
      const after = await eventually('the correction projected', async () => {
        const r = (await call('listCommissions', {
          actor: admin,
          partnerId: P1,
          from: '2026-03-01',
          to: '2026-03-31',
        })) as {
          entries: Array<Record<string, unknown>>;
          totals: Array<{ currency: string; status: string; net: string }>;
        };
        return r.entries.length === 2 ? r : null;
      });
      assert.deepEqual(
        after!.entries.map((e) => [e.kind, e.status, (e.amount as { amount: string }).amount]),
        [
          ['accrual', 'paid', '200000.00'],
          ['correction', 'accrued', '5000.00'],
        ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
      );
      await assert.rejects(
        call('listCommissions', { actor: user2, partnerId: P1 }),
        code(status.PERMISSION_DENIED),
      );
    });

    it('ABC: a class A customer needs a vendor co-seller before approval; class B suggests one', async () => {
      const a = await call('classifyCustomer', {
        actor: admin,
        customer: { name: 'АО «Сибирь»', domain: 'sibir.example', country: 'RU' },
        customerClass: 'A',
        accountOwner: 'user:seller-7',
      });
      assert.equal(a.customerClass, 'A');
      await assert.rejects(
        call('classifyCustomer', {
          actor: pam1,
          customer: { name: 'X', domain: 'x.example', country: 'RU' },
          customerClass: 'A',
        }),
        code(status.PERMISSION_DENIED),
      );
      const r = await call(
        'registerDeal',
        registration({ customer: { name: 'Sibir JSC', domain: 'www.sibir.example', country: 'RU' } }),
      );
      await assert.rejects(
        call('approveRegistration', { actor: pam1, dealId: r.dealId }),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(e.details, /class A: the vendor co-sells every deal, so assign a vendor co-seller/);
          return true;
        },
      );
      await call('assignCoSeller', { actor: pam1, dealId: r.dealId, coSeller: 'user:seller-7' });
      await call('approveRegistration', { actor: pam1, dealId: r.dealId });
      const approved = (await store.readStream(dealStream(r.dealId as string))).at(-1)!.data as Record<
        string,
        unknown
      >;
      assert.equal(approved.customerClass, 'A');
      assert.equal(approved.coSellRequired, true);
      assert.equal(approved.coSeller, 'user:seller-7');

      await call('classifyCustomer', {
        actor: admin,
        customer: { name: 'Tundra', domain: 'tundra.example', country: 'RU' },
        customerClass: 'B',
      });
      const b = await call(
        'registerDeal',
        registration({ customer: { name: 'Tundra', domain: 'tundra.example', country: 'RU' } }),
      );
      await call('approveRegistration', { actor: pam1, dealId: b.dealId });
      const approvedB = (await store.readStream(dealStream(b.dealId as string))).at(-1)!.data as Record<
        string,
        unknown
      >;
      assert.equal(approvedB.suggestedCoSeller, 'user:pam-1');
    });

    it('a direct deal conflicts with a later partner registration, which then holds no protection', async () => {
      await assert.rejects(
        call('registerDeal', {
          ...registration({ customer: { name: 'Taiga', domain: 'taiga.example', country: 'RU' } }),
          channel: 'direct',
        }),
        code(status.PERMISSION_DENIED),
      );
      const d = await call('registerDeal', {
        actor: direct,
        channel: 'direct',
        customer: { name: 'Taiga', domain: 'taiga.example', country: 'RU' },
        estimatedValue: { amount: '500000', currency: 'RUB' },
        expectedCloseDate: '2026-09-30',
        products: ['crm-enterprise'],
      });
      assert.equal(d.holdsProtection, false);
      const p = await call(
        'registerDeal',
        registration({ customer: { name: 'Taiga LLC', domain: 'taiga.example', country: 'RU' } }),
      );
      assert.equal(p.holdsProtection, false);
      const conflict = (await store.readStream(dealStream(p.dealId as string))).at(-1)!;
      assert.equal(
        (conflict.data as { conflicts: Array<{ kind: string }> }).conflicts[0]!.kind,
        'direct_deal',
      );
    });

    it('a name-only match is a possible conflict: flagged for the vendor, and neither registration loses protection', async () => {
      const a = await call(
        'registerDeal',
        registration({ customer: { name: 'ООО «Хабр»', domain: 'habr-one.example', country: 'RU' } }),
      );
      assert.equal(a.holdsProtection, true);
      // Another partner, another domain, the name as the company spells it in Latin letters.
      const b = await call(
        'registerDeal',
        registration({
          actor: user2,
          partnerId: P2,
          customer: { name: 'Habr LLC', domain: 'habr-two.example', country: 'RU' },
        }),
      );
      assert.equal(b.holdsProtection, true);
      assert.equal(b.conflicts, 1);
      const queue = await eventually('the possible conflict in the queue', async () => {
        const q = (await call('getConflictQueue', { actor: admin })) as {
          entries: Array<{
            deal: { dealId: string };
            conflicts: Array<{ evidence: string; matchedOn: string[] }>;
          }>;
        };
        return q.entries.find((e) => e.deal.dealId === b.dealId) ?? null;
      });
      assert.equal(queue!.conflicts[0]!.evidence, 'possible_same_customer');
      assert.deepEqual(queue!.conflicts[0]!.matchedOn, ['name']);
      // Two different valid INNs under one name: no conflict at all.
      const c = await call(
        'registerDeal',
        registration({ customer: { name: 'ООО «Сервис»', taxId: '7707083893', country: 'RU' } }),
      );
      const d = await call(
        'registerDeal',
        registration({
          actor: user2,
          partnerId: P2,
          customer: { name: 'ООО «Сервис»', taxId: '7713140469', country: 'RU' },
        }),
      );
      assert.deepEqual([c.holdsProtection, d.holdsProtection, d.conflicts], [true, true, 0]);
    });

    it('protection lapses without progress (scheduler, injected clock), the deal stays open; an extension can be requested and approved', async () => {
      clock = new Date('2026-04-01T09:00:00.000Z');
      const r = await call(
        'registerDeal',
        registration({ customer: { name: 'Oka', domain: 'oka.example', country: 'RU' } }),
      );
      const other = await call(
        'registerDeal',
        registration({ customer: { name: 'Volga', domain: 'volga.example', country: 'RU' } }),
      );
      assert.equal(r.protectedUntil, '2026-06-30');
      const ext = await call('requestProtectionExtension', {
        actor: user1,
        dealId: other.dealId,
        days: 30,
        reason: 'Budget in Q3',
      });
      await assert.rejects(
        call('requestProtectionExtension', { actor: user1, dealId: other.dealId, days: 300, reason: 'x' }),
        code(status.INVALID_ARGUMENT),
      );
      await call('decideProtectionExtension', {
        actor: pam1,
        dealId: other.dealId,
        requestId: ext.requestId,
        approve: true,
      });
      await projected(other.dealId as string, (d) => d.protectedUntil === '2026-07-30');
      await projected(r.dealId as string);
      clock = new Date('2026-07-01T09:00:00.000Z');
      const scheduler = new DealExpiryScheduler(app);
      const expired = await scheduler.runOnce('2026-07-01');
      assert.ok(expired.includes(r.dealId as string));
      assert.ok(!expired.includes(other.dealId as string), 'the extended registration is still protected');
      assert.deepEqual(await scheduler.runOnce('2026-07-01'), []);
      // The deal stays open without protection (issue 21 item 5: it used to close).
      const lapsed = await projected(r.dealId as string, (d) => d.protectedUntil === '');
      assert.equal((lapsed!.deal as { status: string }).status, 'open');
      // The customer is free again: another partner's registration now holds protection.
      const again = await call(
        'registerDeal',
        registration({
          actor: user2,
          partnerId: P2,
          customer: { name: 'Oka', domain: 'oka.example', country: 'RU' },
          expectedCloseDate: '2026-12-31',
        }),
      );
      assert.equal(again.holdsProtection, true);
      // The lapsed deal is still open, so it is a conflict, but it no longer protects the customer.
      assert.equal(again.conflicts, 1);
    });

    let neverTieredWon = '';
    it('a partner never tiered earns its starting tier (the program’s entry tier) on a win, never nothing', async () => {
      const r = await call(
        'registerDeal',
        registration({
          actor: user2,
          partnerId: P2,
          customer: { name: 'Onega', domain: 'onega.example', country: 'RU' },
          expectedCloseDate: '2026-12-31',
        }),
      );
      await call('approveRegistration', { actor: pam2, dealId: r.dealId });
      neverTieredWon = r.dealId as string;
      await call('winDeal', {
        actor: admin,
        dealId: r.dealId,
        wonValue: { amount: '500000.00', currency: 'RUB' },
        closedOn: clock.toISOString().slice(0, 10),
      });
      const accrued = (await store.readStream(dealStream(r.dealId as string))).at(-1)!;
      assert.equal(accrued.type, 'CommissionAccrued');
      assert.equal((accrued.data as { tier: string }).tier, 'registered');
      assert.deepEqual((accrued.data as { amount: unknown }).amount, { amount: '50000.00', currency: 'RUB' });
      // The starting tier the view recorded at the partner's registration paid (not the fallback).
      assert.equal((accrued.data as { entryTier?: boolean }).entryTier, undefined);
    });

    it('RegisterDeal retried under one requestId registers one deal and answers as the first time; another body under it is ALREADY_EXISTS', async () => {
      const customer = { name: 'ООО «Идемпотент»', domain: `idem-${P1.slice(0, 8)}.example`, country: 'RU' };
      const expectedCloseDate = '2099-06-30';
      const requestId = `retry-${randomUUID()}`;
      const send = () => call('registerDeal', registration({ customer, requestId, expectedCloseDate }));
      const answers = await Promise.all([send(), send(), send(), send(), send()]);
      answers.push(await send());
      for (const a of answers) assert.deepEqual(a, answers[0]);
      assert.equal(answers[0]!.holdsProtection, true);
      const dealId = answers[0]!.dealId as string;
      const history = await store.readStream(dealStream(dealId));
      assert.equal(history.filter((e) => e.type === 'DealRegistered').length, 1);
      assert.equal(String(history[history.length - 1]!.streamVersion), answers[0]!.version);
      await assert.rejects(
        call('registerDeal', registration({ customer, requestId, expectedCloseDate: '2099-07-31' })),
        (e: ServiceError) =>
          e.code === status.ALREADY_EXISTS &&
          /^requestId: this key was already used for another deal registration/.test(e.details) &&
          !e.details.includes(requestId),
      );
      // The key may come as `idempotency-key` metadata instead of the field.
      const viaMetadata = {
        ...customer,
        name: 'ООО «Идемпотент-2»',
        domain: `idem2-${P1.slice(0, 8)}.example`,
      };
      const key = { 'idempotency-key': `retry-${randomUUID()}` };
      const once = await call(
        'registerDeal',
        registration({ customer: viaMetadata, expectedCloseDate }),
        key,
      );
      assert.deepEqual(
        await call('registerDeal', registration({ customer: viaMetadata, expectedCloseDate }), key),
        once,
      );
      // Only one deal of P1 holds the customer: another partner's registration meets exactly one.
      const other = await call(
        'registerDeal',
        registration({ actor: user2, partnerId: P2, customer, expectedCloseDate }),
      );
      assert.equal(other.conflicts, 1);
      assert.equal(other.holdsProtection, false);
    });

    it('partners see only their own data, on every method', async () => {
      const denied = code(status.PERMISSION_DENIED);
      const onFirst = { actor: user2, dealId: first };
      for (const [method, request] of [
        ['getDeal', onFirst],
        ['approveRegistration', onFirst],
        ['rejectRegistration', { ...onFirst, reasonCode: 'other', reason: 'x' }],
        ['assignCoSeller', { ...onFirst, coSeller: 'user:x' }],
        ['changeStage', { ...onFirst, stage: 'negotiation' }],
        ['requestProtectionExtension', { ...onFirst, days: 1, reason: 'x' }],
        ['decideProtectionExtension', { ...onFirst, requestId: randomUUID(), approve: true }],
        ['recordInfluence', { ...onFirst, partnerId: P2, activity: 'demo' }],
        ['winDeal', { ...onFirst, wonValue: { amount: '1', currency: 'RUB' }, closedOn: '2026-07-01' }],
        ['loseDeal', { ...onFirst, lostReason: 'price', closedOn: '2026-07-01' }],
        ['approveCommission', { ...onFirst, commissionId: randomUUID() }],
        [
          'payCommission',
          { ...onFirst, commissionId: randomUUID(), paidOn: '2026-07-01', paymentReference: 'x' },
        ],
        [
          'correctCommission',
          { ...onFirst, correctsCommissionId: randomUUID(), direction: 'credit', amount: '1', reason: 'x' },
        ],
        ['registerDeal', registration({ actor: user2 })],
        [
          'classifyCustomer',
          { actor: user2, customer: { name: 'X', domain: 'x.example', country: 'RU' }, customerClass: 'C' },
        ],
        [
          'recordExchangeRate',
          { actor: user2, from: 'RUB', to: 'EUR', rate: '1', effectiveOn: '2026-01-01' },
        ],
        ['defineDealPolicy', { actor: user2, program: 'default', protectionDays: 365, maxExtensionDays: 0 }],
        ['listDeals', { actor: user2, partnerId: P1 }],
        ['getConflictQueue', { actor: user2 }],
        ['getApprovalQueue', { actor: user2, pamId: 'user:pam-1' }],
        ['listCommissions', { actor: user2, partnerId: P1 }],
      ] as const) {
        await assert.rejects(call(method, request), denied, `${method} must be refused`);
      }
      const mine = (await call('listDeals', { actor: user2 })) as { deals: Array<{ partnerId: string }> };
      assert.ok(mine.deals.length > 0);
      assert.ok(mine.deals.every((d) => d.partnerId === P2));
    });

    it('lists by partner, status, customer and PAM with cursor pagination; the approval queue of a PAM', async () => {
      const pages: string[] = [];
      let token = '';
      do {
        const page = (await call('listDeals', {
          actor: admin,
          partnerId: P1,
          pageSize: 2,
          pageToken: token,
        })) as {
          deals: Array<{ dealId: string }>;
          nextPageToken: string;
        };
        pages.push(...page.deals.map((d) => d.dealId));
        token = page.nextPageToken;
      } while (token);
      const all = (await call('listDeals', { actor: admin, partnerId: P1, pageSize: 100 })) as {
        deals: Array<{ dealId: string }>;
      };
      assert.deepEqual(
        pages,
        all.deals.map((d) => d.dealId),
      );
      assert.equal(new Set(pages).size, pages.length);
      const won = (await call('listDeals', { actor: admin, status: 'won' })) as {
        deals: Array<{ dealId: string }>;
      };
      assert.deepEqual(
        won.deals.map((d) => d.dealId),
        [neverTieredWon, first],
      );
      const byCustomer = (await call('listDeals', { actor: admin, customer: 'https://romashka.ru' })) as {
        deals: Array<{ dealId: string }>;
      };
      assert.deepEqual(byCustomer.deals.map((d) => d.dealId).sort(), [first, second].sort());
      const byPam = (await call('listDeals', { actor: pam2 })) as { deals: Array<{ partnerId: string }> };
      assert.ok(byPam.deals.every((d) => d.partnerId === P2));
      await assert.rejects(
        call('listDeals', { actor: admin, status: 'sleeping' }),
        code(status.INVALID_ARGUMENT),
      );
      await assert.rejects(
        call('listDeals', { actor: admin, pageToken: 'garbage' }),
        code(status.INVALID_ARGUMENT),
      );
      const queue = (await call('getApprovalQueue', { actor: pam1 })) as {
        deals: Array<{ partnerId: string; stage: string }>;
      };
      assert.ok(queue.deals.every((d) => d.partnerId === P1 || d.partnerId === P3));
      await assert.rejects(
        call('getApprovalQueue', { actor: pam1, pamId: 'user:pam-2' }),
        code(status.PERMISSION_DENIED),
      );
    });
  });
}

dealsGrpcSuite(
  'PostgreSQL',
  async () => {
    const tdb = await createTestDatabase('deals_grpc');
    const db = new PostgresDatabase(tdb.url);
    return { db, cleanup: async () => (await db.close(), await tdb.drop()) };
  },
  skipUnlessPostgres(),
);
dealsGrpcSuite(
  'PGlite',
  async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: () => db.close() };
  },
  false,
);
