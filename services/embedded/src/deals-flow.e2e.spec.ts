import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DataOf } from '@prm/contracts';
import { PostgresDatabase } from '@prm/database';
import {
  DealsApplication,
  dealReadModelProjection,
  dealStream,
  partnerViewProjection,
  type Actor as DealsActor,
} from '@prm/deals';
import { SqlEventStore } from '@prm/event-store';
import { createKafka, KafkaEventBus, OutboxRelay } from '@prm/messaging';
import {
  DealMilestonesConsumer,
  partnerSummaryProjection,
  PartnersApplication,
  partnerStream,
} from '@prm/partners';
import { ProjectionRunner } from '@prm/projections';
import {
  createTestDatabase,
  eventually,
  kafkaBrokers,
  skipUnlessPostgresAndKafka,
  uniqueSuffix,
  type TestDatabase,
} from '@prm/testing';

/*
 * Two services, two databases, real Kafka between them: the partners service publishes
 * prm.partners.events.v1 (its outbox relay), the deals service builds its partner view from it
 * and publishes prm.deals.events.v1, which the partners service consumes to move the journey.
 */
describe(
  'Partner → enabled → deal → conflict → approved → won → commission, through real Kafka',
  { skip: skipUnlessPostgresAndKafka() },
  () => {
    const admin = { id: 'user:admin-e2e', role: 'vendor_admin' as const };
    const pam: DealsActor = { id: 'user:pam-e2e', role: 'pam' };
    const suffix = uniqueSuffix();
    const kafka = createKafka({ brokers: kafkaBrokers, clientId: `deals-flow-${suffix}` });
    const stops: Array<() => Promise<void>> = [];
    let partnersDb: TestDatabase;
    let dealsDb: TestDatabase;
    let partners: PartnersApplication;
    let deals: DealsApplication;
    let partnersStore: SqlEventStore;
    let dealsStore: SqlEventStore;

    before(async () => {
      partnersDb = await createTestDatabase('flow_partners');
      dealsDb = await createTestDatabase('flow_deals');
      const pdb = new PostgresDatabase(partnersDb.url);
      const ddb = new PostgresDatabase(dealsDb.url);
      stops.push(
        () => pdb.close(),
        () => ddb.close(),
      );
      partnersStore = await SqlEventStore.create(pdb);
      dealsStore = await SqlEventStore.create(ddb);
      stops.push(
        () => partnersStore.close(),
        () => dealsStore.close(),
      );
      partners = await PartnersApplication.create(partnersStore, pdb);
      deals = await DealsApplication.create(dealsStore, ddb);
      const relays = [
        new OutboxRelay(partnersStore, pdb, kafka, { name: `partners-${suffix}`, contexts: ['partners'] }),
        new OutboxRelay(dealsStore, ddb, kafka, { name: `deals-${suffix}`, contexts: ['deals'] }),
      ];
      for (const relay of relays) {
        await relay.start();
        stops.push(() => relay.stop());
      }
      const bus = new KafkaEventBus(kafka);
      stops.push(() => bus.close());
      for (const [db, projection] of [
        [pdb, partnerSummaryProjection],
        [ddb, partnerViewProjection],
        [ddb, dealReadModelProjection],
      ] as const) {
        const runner = new ProjectionRunner(db, bus, projection);
        await runner.start();
        stops.push(() => runner.stop());
      }
      const milestones = new DealMilestonesConsumer(partners, bus);
      await milestones.start();
      stops.push(() => milestones.stop());
    });
    after(async () => {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await partnersDb?.drop();
      await dealsDb?.drop();
    });

    async function enabledPartner(name: string, website: string, taxId: string): Promise<string> {
      const { partnerId } = await partners.registerPartner(
        {
          legalName: name,
          country: 'RU',
          website,
          taxId,
          type: 'integrator',
          employeeCount: 30,
          salesReps: 4,
          specializations: [],
          clientSegments: ['enterprise'],
          industries: [],
        },
        admin,
      );
      for (const stage of ['contacted', 'agreement_signed', 'onboarding'])
        await partners.advanceJourney(partnerId, stage, admin);
      for (const step of ['contract', 'questionnaire', 'demo_access', 'certification'])
        await partners.completeOnboardingStep(partnerId, step, admin);
      await partners.advanceJourney(partnerId, 'enabled', admin);
      await partners.assignPam(partnerId, pam.id, admin);
      return partnerId;
    }

    it('runs the whole flow', async () => {
      const p1 = await enabledPartner(`Alpha Integration ${suffix}`, `alpha-${suffix}.example`, '7707083893');
      const p2 = await enabledPartner(`Beta Systems ${suffix}`, `beta-${suffix}.example`, '500100732259');
      const tier = await partners.changeTier(
        p1,
        { tier: 'gold', effectiveFrom: '2026-01-01', overrideReason: 'strategic partner (e2e)' },
        admin,
      );
      const discount = (
        tier.events.find((e) => e.type === 'PartnerTierChanged')!.data as { discountPercent: number }
      ).discountPercent;

      // The deals service learns of the partners only through Kafka.
      await eventually('deals to know both partners are enabled', async () => {
        const [a, b] = [await deals.partnerFacts(p1), await deals.partnerFacts(p2)];
        return a?.stage === 'enabled' && b?.stage === 'enabled' && a.pamId === pam.id;
      });
      await eventually('deals to know p1’s tier', async () =>
        (await deals.tierHistory(p1)).some((t) => t.tier === 'gold'),
      );

      const customer = {
        name: `ООО «Заказчик ${suffix}»`,
        domain: `zakazchik-${suffix}.example`,
        country: 'RU',
      };
      const input = (partnerId: string) => ({
        channel: 'partner' as const,
        partnerId,
        customer,
        estimatedValue: { amount: '3000000.00', currency: 'RUB' },
        expectedCloseDate: '2099-06-30',
        products: ['crm-enterprise'],
        attribution: 'sourced' as const,
      });
      const first = await deals.registerDeal(input(p1), {
        id: 'user:alpha',
        role: 'partner_user',
        partnerId: p1,
      });
      assert.equal(first.holdsProtection, true);
      const second = await deals.registerDeal(
        { ...input(p2), customer: { ...customer, name: `Zakazchik ${suffix} LLC` } },
        { id: 'user:beta', role: 'partner_user', partnerId: p2 },
      );
      assert.equal(second.holdsProtection, false);
      assert.equal(second.conflicts, 1);

      // The partners service moves both journeys on their first registration (deals → Kafka → partners).
      await eventually('first_deal_registered for both partners', async () => {
        const stages = await Promise.all(
          [p1, p2].map(async (id) =>
            (await partnersStore.readStream(partnerStream(id))).map(
              (e) => e.type === 'PartnerJourneyStageReached' && (e.data as { stage: string }).stage,
            ),
          ),
        );
        return stages.every((s) => s.includes('first_deal_registered'));
      });

      await deals.approveRegistration(first.dealId, {}, pam);
      await deals.rejectRegistration(
        second.dealId,
        { reasonCode: 'channel_conflict', reason: 'Alpha registered first.' },
        pam,
      );
      await deals.changeStage(first.dealId, { stage: 'qualified' }, pam);
      const today = new Date().toISOString().slice(0, 10);
      const won = await deals.winDeal(
        first.dealId,
        { wonValue: { amount: '2800000.00', currency: 'RUB' }, closedOn: today },
        pam,
      );
      assert.deepEqual(
        won.events.map((e) => e.type),
        ['DealWon', 'CommissionAccrued'],
      );
      const accrued = (await dealsStore.readStream(dealStream(first.dealId))).at(-1)!
        .data as DataOf<'CommissionAccrued'>;
      assert.equal(accrued.tier, 'gold');
      assert.equal(accrued.ratePercent, discount);
      const expected = (BigInt(280000000) * BigInt(Math.round(discount * 100))) / 10000n; // in cents
      assert.equal(accrued.amount.amount, `${expected / 100n}.${String(expected % 100n).padStart(2, '0')}`);

      await eventually('first_deal_won for the winner only', async () => {
        const stages = (await partnersStore.readStream(partnerStream(p1))).map(
          (e) => e.type === 'PartnerJourneyStageReached' && (e.data as { stage: string }).stage,
        );
        return stages.includes('first_deal_won');
      });
      const loser = (await partnersStore.readStream(partnerStream(p2))).map(
        (e) => e.type === 'PartnerJourneyStageReached' && (e.data as { stage: string }).stage,
      );
      assert.ok(!loser.includes('first_deal_won'));
      await eventually('the commission in the deals read model', async () => {
        const rows = await deals.db.query<{ amount: string }>(
          'SELECT amount::text FROM deals_commission WHERE deal_id = $1',
          [first.dealId],
        );
        return rows[0]?.amount === accrued.amount.amount;
      });
    });
  },
);
