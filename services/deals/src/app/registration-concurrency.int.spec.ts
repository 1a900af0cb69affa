import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { InProcessEventBus } from '@prm/messaging';
import { ProjectionRunner } from '@prm/projections';
import { createTestDatabase, eventually, skipUnlessPostgres, type TestDatabase } from '@prm/testing';
import { DealsApplication, type Actor } from './deals.application';
import { partnerViewProjection } from './partner-view.projection';
import { dealStream } from './streams';
import { givenPartner } from './testing/partner-events';

/*
 * The rule under test: two partners registering the same customer at the same instant — exactly
 * one holds protection, the other records the conflict naming it. Two application instances on
 * two connection pools stand for two replicas of the deals service on one PostgreSQL.
 */
describe(
  'Concurrent registrations of one customer (real PostgreSQL, two replicas)',
  { skip: skipUnlessPostgres() },
  () => {
    let tdb: TestDatabase;
    const dbs: PostgresDatabase[] = [];
    const stores: SqlEventStore[] = [];
    const apps: DealsApplication[] = [];
    let runner: ProjectionRunner;
    const partners = [randomUUID(), randomUUID(), randomUUID()];

    before(async () => {
      tdb = await createTestDatabase('deals_concurrency');
      for (let i = 0; i < 2; i++) {
        const db = new PostgresDatabase(tdb.url, { max: 12 });
        dbs.push(db);
        const store = await SqlEventStore.create(db);
        stores.push(store);
        apps.push(await DealsApplication.create(store, db));
      }
      runner = new ProjectionRunner(
        dbs[0]!,
        new InProcessEventBus(stores[0]!, dbs[0]!),
        partnerViewProjection,
      );
      await runner.start();
      for (const partnerId of partners) await givenPartner(stores[0]!, { partnerId });
      await eventually('the partner view', async () => (await apps[1]!.partnerFacts(partners[2])) !== null);
    });
    after(async () => {
      await runner?.stop();
      for (const s of stores) await s.close();
      for (const d of dbs) await d.close();
      await tdb?.drop();
    });

    const register = (
      app: DealsApplication,
      partnerId: string,
      customer: { name: string; domain?: string; taxId?: string },
    ) => {
      const actor: Actor = { id: `user:${partnerId.slice(0, 4)}`, role: 'partner_user', partnerId };
      return app.registerDeal(
        {
          channel: 'partner',
          partnerId,
          customer: { ...customer, country: 'RU' },
          estimatedValue: { amount: '100000', currency: 'RUB' },
          expectedCloseDate: '2099-12-31',
          products: ['crm'],
          attribution: 'sourced',
        },
        actor,
      );
    };

    it('exactly one of three simultaneous registrations holds protection, for each of 40 customers raced at once', async () => {
      const customers = Array.from({ length: 40 }, (_, i) => i);
      const results = await Promise.all(
        customers.map((i) =>
          Promise.all([
            // Each partner enters the customer differently; they meet on one normalized key or another.
            register(apps[0]!, partners[0]!, {
              name: `ООО «Клиент ${i}»`,
              domain: `https://www.client-${i}.example/`,
            }),
            register(apps[1]!, partners[1]!, { name: `Klient ${i} LLC`, domain: `client-${i}.example` }),
            register(apps[i % 2]!, partners[2]!, {
              name: `client-${i}.example holding`,
              domain: `CLIENT-${i}.EXAMPLE`,
            }),
          ]),
        ),
      );
      for (const [i, trio] of results.entries()) {
        const holders = trio.filter((r) => r.holdsProtection);
        assert.equal(holders.length, 1, `customer ${i}: ${holders.length} registrations hold protection`);
        const holder = holders[0]!;
        assert.equal(holder.conflicts, 0, 'the first registration saw no earlier one');
        // Every later registration names the deals before it; the holder hears of each later one.
        const later = trio.filter((r) => r !== holder).sort((a, b) => a.conflicts - b.conflicts);
        assert.deepEqual(
          later.map((r) => r.conflicts),
          [1, 2],
        );
        const holderHistory = await stores[0]!.readStream(dealStream(holder.dealId));
        assert.equal(holderHistory.filter((e) => e.type === 'DealConflictDetected').length, 2);
        for (const r of later) {
          const conflict = (await stores[0]!.readStream(dealStream(r.dealId))).find(
            (e) => e.type === 'DealConflictDetected',
          )!;
          const evidence = (
            conflict.data as { conflicts: Array<{ firstDealId: string; matchedOn: string[] }> }
          ).conflicts;
          assert.ok(evidence.some((c) => c.firstDealId === holder.dealId && c.matchedOn.includes('domain')));
        }
      }
    });

    it('the same dealId registered twice at once is written once; the other gets ALREADY_EXISTS', async () => {
      const dealId = randomUUID();
      const actor: Actor = { id: 'user:x', role: 'partner_user', partnerId: partners[0] };
      const input = {
        dealId,
        channel: 'partner' as const,
        partnerId: partners[0]!,
        customer: { name: 'Twice', domain: 'twice.example', country: 'RU' },
        estimatedValue: { amount: '1', currency: 'RUB' },
        expectedCloseDate: '2099-12-31',
        products: ['crm'],
        attribution: 'sourced' as const,
      };
      const outcomes = await Promise.allSettled([
        apps[0]!.registerDeal(input, actor),
        apps[1]!.registerDeal(input, actor),
      ]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      const failure = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      assert.equal((failure.reason as { code: string }).code, 'ALREADY_EXISTS');
      assert.equal((await stores[0]!.readStream(dealStream(dealId))).length, 1);
    });
  },
);
