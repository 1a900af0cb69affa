import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { InProcessEventBus } from '@prm/messaging';
import { ProjectionRunner } from '@prm/projections';
import { createTestDatabase, eventually, skipUnlessPostgres } from '@prm/testing';
import { DormancyScheduler } from './dormancy.scheduler';
import { partnerSummaryProjection } from './partner-summary.projection';
import { PartnersApplication, type Actor } from './partners.application';
import { PartnersQueries } from './partners.queries';
import { pamStream, partnerStream } from './streams';

/* Issue 21 items 2, 9, 11, 16 through the application: the facts the pure rules decide with. */

const admin: Actor = { id: 'user:admin-1', role: 'vendor_admin' };
let inn = 0;
const INNS = ['7707083893', '7736050003', '7702070139', '7728168971'];

function profile(n: number) {
  inn++;
  return {
    legalName: `Partner ${n}`,
    country: 'RU',
    website: `partner-${n}-${randomUUID().slice(0, 6)}.example`,
    taxId: INNS[(inn - 1) % INNS.length]!,
    type: 'integrator',
    employeeCount: 50,
    salesReps: 5,
    specializations: [],
    clientSegments: [],
    industries: [],
  };
}

function signalsSuite(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  skip: string | false,
) {
  describe(`partner signals on ${name}`, { skip }, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let store: SqlEventStore;
    let runner: ProjectionRunner;
    let app: PartnersApplication;
    let queries: PartnersQueries;
    const T0 = new Date('2026-01-01T09:00:00.000Z');
    const clock = T0;
    const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);
    const ids: string[] = [];

    const summary = (id: string) =>
      db.query<{ stage: string; pam_id: string | null; version: string }>(
        'SELECT stage, pam_id, version::text FROM partners_partner_summary WHERE partner_id = $1',
        [id],
      );
    const projected = (id: string, check: (row: { stage: string; pam_id: string | null }) => boolean) =>
      eventually(`partner ${id} projected`, async () => {
        const [row] = await summary(id);
        return row && check(row) ? row : null;
      });
    const pamEvents = async (pamId: string) =>
      (await store.readStream(pamStream(pamId))).map((e) => ({ type: e.type, ...(e.data as object) }));

    before(async () => {
      ({ db, cleanup } = await open());
      store = await SqlEventStore.create(db);
      app = await PartnersApplication.create(store, db, {
        pamCapacity: 2,
        reportingCurrency: 'RUB',
        dormantAfterDays: 60,
        now: () => clock,
      });
      queries = new PartnersQueries(db);
      runner = new ProjectionRunner(db, new InProcessEventBus(store, db), partnerSummaryProjection);
      await runner.start();
      // Four partners (INNs are unique across partners, so only four).
      for (let n = 0; n < 4; n++) {
        const { partnerId } = await app.registerPartner(profile(n), admin);
        ids.push(partnerId);
        await projected(partnerId, () => true);
      }
    });
    after(async () => {
      await runner.stop();
      await store.close();
      await cleanup();
    });

    it('item 16 and 11: a PAM’s own capacity, and the warning re-evaluated on churn and reassignment, churned partners never counted', async () => {
      const [a, b, c] = ids as [string, string, string];
      await app.assignPam(a, 'user:pam-x', admin);
      await projected(a, (r) => r.pam_id === 'user:pam-x');
      const second = await app.assignPam(b, 'user:pam-x', admin);
      assert.equal(second.overCapacity, false); // 2 of the default 2
      await projected(b, (r) => r.pam_id === 'user:pam-x');

      const set = await app.setPamCapacity('user:pam-x', { capacity: 1, reason: 'part-time' }, admin);
      assert.deepEqual(
        { capacity: set.capacity, partners: set.partnerCount, over: set.overCapacity },
        { capacity: 1, partners: 2, over: true },
      );
      await eventually('the capacity in the workload view', async () => {
        const pam = (await queries.pamWorkload(app.pamCapacity)).find((p) => p.pamId === 'user:pam-x');
        return pam?.capacity === 1 ? pam : null;
      });
      let pam = (await queries.pamWorkload(app.pamCapacity)).find((p) => p.pamId === 'user:pam-x')!;
      assert.deepEqual([pam.partners, pam.capacity, pam.overCapacity], [2, 1, true]);

      await app.run(
        b,
        { type: 'ChurnPartner', data: { reason: 'inactive', at: clock.toISOString() } },
        admin,
      );
      await projected(b, (r) => r.stage === 'churned');
      pam = (await queries.pamWorkload(app.pamCapacity)).find((p) => p.pamId === 'user:pam-x')!;
      assert.deepEqual([pam.partners, pam.overCapacity], [1, false]);

      // The assignment counts what the workload view counts: the churned partner is not counted.
      const third = await app.assignPam(c, 'user:pam-x', admin);
      assert.deepEqual([third.pamPartnerCount, third.capacity, third.overCapacity], [2, 1, true]);
      await projected(c, (r) => r.pam_id === 'user:pam-x');
      await app.assignPam(c, 'user:pam-y', admin);

      assert.deepEqual(
        (await pamEvents('user:pam-x')).map((e) => [
          e.type,
          (e as { cause?: string }).cause ?? '',
          (e as { overCapacity?: boolean }).overCapacity ?? '',
        ]),
        [
          ['PamCapacitySet', '', ''],
          ['PamLoadReviewed', 'capacity_changed', true],
          ['PamLoadReviewed', 'churned', false],
          ['PamLoadReviewed', 'assigned', true],
          ['PamLoadReviewed', 'reassigned_away', false],
        ],
      );
      await assert.rejects(
        app.setPamCapacity('user:pam-x', { capacity: 5 }, { id: 'user:pam-x', role: 'pam' }),
        /only a vendor_admin sets a PAM’s capacity/,
      );
    });

    it('item 2: tier revenue comes from the partner’s won deals, a requirement in EUR converted at the recorded rate', async () => {
      const d = ids[3]!;
      await app.defineProgram(
        {
          program: 'euro',
          name: 'Euro program',
          tiers: [
            { tier: 'registered', discountPercent: 10, requirements: {} },
            {
              tier: 'gold',
              discountPercent: 30,
              requirements: { trailing12MonthRevenue: { amount: '7000', currency: 'EUR' } },
            },
          ],
          onboardingChecklist: [],
        },
        admin,
      );
      const meta = { occurredAt: clock.toISOString() };
      await app.recordDealFact({
        type: 'ExchangeRateRecorded',
        data: { from: 'EUR', to: 'RUB', rate: '100', effectiveOn: '2025-01-01' },
        metadata: meta,
      });
      await assert.rejects(
        app.changeTier(d, { program: 'euro', tier: 'gold', effectiveFrom: '2026-01-01' }, admin),
        /trailing12MonthRevenue 0.00 RUB \(required 700000.00 RUB \(7000.00 EUR at 100.00\)\)/,
      );
      const win = (dealId: string, amount: string, currency: string, closedOn: string) =>
        app.recordDealFact({
          type: 'DealWon',
          data: {
            dealId,
            partnerId: d,
            wonValue: { amount, currency },
            closedOn,
            attribution: 'sourced',
            cycleDays: 10,
          },
          metadata: meta,
        });
      await win('deal-1', '600000', 'RUB', '2025-06-01');
      await win('deal-1', '600000', 'RUB', '2025-06-01'); // redelivered
      await win('deal-2', '1000', 'EUR', '2025-12-01');
      await win('deal-old', '9000000', 'RUB', '2024-12-31'); // more than 12 months ago
      const { events } = await app.changeTier(
        d,
        { program: 'euro', tier: 'gold', effectiveFrom: '2026-01-01' },
        admin,
      );
      assert.deepEqual(
        events.map((e) => e.type),
        ['PartnerTierChanged'],
      );
    });

    it('item 10: a partner user’s own numbers are shown as proposed beside the confirmed ones until the vendor confirms them', async () => {
      const d = ids[3]!;
      const me: Actor = { id: 'partner-user:ivan', role: 'partner_user', partnerId: d };
      const { events } = await app.updatePartnerProfile(d, { employeeCount: 900, salesReps: 40 }, me);
      assert.deepEqual(
        events.map((e) => e.type),
        ['PartnerProfileChangeProposed'],
      );
      const read = () =>
        db.query<{ employee_count: number; sales_reps: number; proposed: Record<string, unknown> | null }>(
          'SELECT employee_count, sales_reps, proposed FROM partners_partner_summary WHERE partner_id = $1',
          [d],
        );
      const pending = (await eventually('the proposal projected', async () => {
        const [row] = await read();
        return row?.proposed ? row : null;
      }))!;
      assert.deepEqual(
        [
          pending.employee_count,
          pending.sales_reps,
          pending.proposed!.employeeCount,
          pending.proposed!.salesReps,
        ],
        [50, 5, 900, 40],
      );
      await assert.rejects(app.confirmPartnerProfile(d, me), /only the vendor/);
      await app.confirmPartnerProfile(d, admin);
      const confirmed = (await eventually('the confirmation projected', async () => {
        const [row] = await read();
        return row && row.proposed === null ? row : null;
      }))!;
      assert.deepEqual([confirmed.employee_count, confirmed.sales_reps], [900, 40]);
    });

    it('item 9: the scheduler makes an active partner without registrations, wins or trainings dormant; the stalled view shows active and dormant partners by that rule', async () => {
      const a = ids[0]!;
      for (const stage of ['contacted', 'agreement_signed', 'onboarding'])
        await app.advanceJourney(a, stage, admin);
      for (const step of ['contract', 'questionnaire', 'demo_access', 'certification'])
        await app.completeOnboardingStep(a, step, admin);
      await app.advanceJourney(a, 'enabled', admin);
      const at = clock.toISOString();
      await app.run(a, { type: 'RecordFirstDealRegistered', data: { dealId: 'deal-a', at } }, admin);
      await app.run(a, { type: 'RecordFirstDealWon', data: { dealId: 'deal-a', at } }, admin);
      await app.advanceJourney(a, 'active', admin);
      await projected(a, (r) => r.stage === 'active');
      await app.recordDealFact({
        type: 'DealRegistered',
        data: { dealId: 'deal-b', partnerId: a },
        metadata: { occurredAt: day(20).toISOString() },
      });

      const scheduler = new DormancyScheduler(app, db);
      assert.deepEqual(await scheduler.runOnce(day(79)), []); // 59 days after the registration
      let stalled = await queries.stalledPartners(30, day(79));
      const row = stalled.find((p) => p.partner_id === a)!;
      assert.deepEqual(
        [row.stalledBy, row.lastActivityKind, row.daysInStage],
        ['activity', 'deal_registered', 59],
      );

      assert.deepEqual(await scheduler.runOnce(day(80)), [a]);
      const last = (await store.readStream(partnerStream(a))).slice(-2);
      assert.deepEqual(
        last.map((e) => e.type),
        ['PartnerDormancyDetected', 'PartnerJourneyStageReached'],
      );
      assert.equal((last[0]!.data as { lastActivityKind: string }).lastActivityKind, 'deal_registered');
      await projected(a, (r) => r.stage === 'dormant');
      assert.deepEqual(await scheduler.runOnce(day(81)), []); // once
      stalled = await queries.stalledPartners(30, day(81));
      assert.equal(stalled.find((p) => p.partner_id === a)?.stalledBy, 'activity');
      // a partner not yet active is still held to journey progress
      assert.equal(stalled.find((p) => p.partner_id === ids[3])?.stalledBy, 'journey');
    });
  });
}

signalsSuite(
  'PostgreSQL',
  async () => {
    const tdb = await createTestDatabase('partner_signals');
    const db = new PostgresDatabase(tdb.url);
    return { db, cleanup: async () => (await db.close(), await tdb.drop()) };
  },
  skipUnlessPostgres(),
);
signalsSuite(
  'PGlite',
  async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: () => db.close() };
  },
  false,
);
