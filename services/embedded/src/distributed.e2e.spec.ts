import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PostgresDatabase } from '@prm/database';
import { DEALS_PROTO, DEALS_SERVICE, dealStream } from '@prm/deals';
import { SqlEventStore } from '@prm/event-store';
import { PROTO_ROOT, unaryClient, type UnaryClient } from '@prm/grpc';
import { MAPPING_PROTO, MAPPING_SERVICE } from '@prm/mapping';
import { createKafka } from '@prm/messaging';
import { METRICS_PROTO, METRICS_SERVICE } from '@prm/metrics';
import { PARTNERS_SERVICE, partnerStream } from '@prm/partners';
import {
  createTestDatabase,
  eventually,
  kafkaBrokers,
  repoRoot,
  skipUnlessPostgresAndKafka,
  spawnService,
  uniqueSuffix,
  type ServiceProcess,
  type TestDatabase,
} from '@prm/testing';

/*
 * Distributed mode for real: the four services as four OS processes started from their mains,
 * each on its own PostgreSQL database, Kafka between them, everything over gRPC. The deals
 * process is killed with SIGKILL in the middle of the flow and started again.
 */
const SERVICES = ['partners', 'deals', 'metrics', 'mapping'] as const;
type Service = (typeof SERVICES)[number];
const PROTOS: Record<Service, [string, string]> = {
  partners: ['prm/partners/v1/partners.proto', PARTNERS_SERVICE],
  deals: [DEALS_PROTO, DEALS_SERVICE],
  metrics: [METRICS_PROTO, METRICS_SERVICE],
  mapping: [MAPPING_PROTO, MAPPING_SERVICE],
};

type Reply = Record<string, unknown>;

describe(
  'Distributed mode: four services, four databases, real Kafka',
  { skip: skipUnlessPostgresAndKafka() },
  () => {
    const suffix = uniqueSuffix();
    const admin = { id: 'user:admin-dist', role: 'vendor_admin' };
    const pam = { id: `user:pam-${suffix}`, role: 'pam' };
    const databases = new Map<Service, TestDatabase>();
    const processes = new Map<Service, ServiceProcess>();
    const clients = new Map<Service, UnaryClient>();

    async function start(service: Service): Promise<void> {
      const process = spawnService(join(repoRoot(), 'services', service, 'dist', 'main.js'), {
        DATABASE_URL: databases.get(service)!.url,
        KAFKA_BROKERS: kafkaBrokers.join(','),
        KAFKA_GROUP_PREFIX: `t${suffix}.`,
        PORT: '0',
        GRPC_PORT: '0',
      });
      processes.set(service, process);
      const url = await process.url;
      await eventually(
        `${service} ready`,
        async () => (await fetch(`${url}/health/ready`)).status === 200,
        60_000,
      );
      const [proto, name] = PROTOS[service];
      clients.get(service)?.close();
      clients.set(service, unaryClient(await process.grpcAddress, proto, [PROTO_ROOT], name));
    }
    const call = (service: Service, method: string, request: object) =>
      clients.get(service)!.call(method, request) as Promise<Reply>;

    before(async () => {
      for (const service of SERVICES) databases.set(service, await createTestDatabase(`dist_${service}`));
      for (const service of SERVICES) await start(service);
    });
    after(async () => {
      for (const client of clients.values()) client.close();
      for (const [service, process] of processes) {
        const exit = await process.stop('SIGTERM');
        if (exit.code !== 0)
          console.error(`${service} exited ${exit.code}/${exit.signal}:\n${process.output()}`);
      }
      for (const db of databases.values()) await db.drop();
    });

    async function enabledPartner(name: string, website: string, taxId: string): Promise<string> {
      const { partnerId } = (await call('partners', 'registerPartner', {
        actor: admin,
        legalName: name,
        country: 'RU',
        website,
        taxId,
        type: 'integrator',
        employeeCount: 30,
        salesReps: 4,
        clientSegments: ['enterprise'],
      })) as { partnerId: string };
      for (const stage of ['contacted', 'agreement_signed', 'onboarding'])
        await call('partners', 'advanceJourney', { actor: admin, partnerId, stage });
      for (const step of ['contract', 'questionnaire', 'demo_access', 'certification'])
        await call('partners', 'completeOnboardingStep', { actor: admin, partnerId, step });
      await call('partners', 'advanceJourney', { actor: admin, partnerId, stage: 'enabled' });
      await call('partners', 'assignPam', { actor: admin, partnerId, pamId: pam.id });
      return partnerId;
    }

    /** Events of the given streams in a service's own event store. */
    async function storedEvents(service: Service, streams: string[]) {
      const db = new PostgresDatabase(databases.get(service)!.url);
      const store = await SqlEventStore.create(db);
      try {
        return (await Promise.all(streams.map((s) => store.readStream(s)))).flat();
      } finally {
        await store.close();
        await db.close();
      }
    }

    /** Messages of a topic whose key is one of the streams: event id → how often it was delivered. */
    async function topicMessages(
      topic: string,
      streams: string[],
      expected: number,
    ): Promise<Map<string, number>> {
      const kafka = createKafka({ brokers: kafkaBrokers, clientId: `dist-check-${suffix}` });
      const consumer = kafka.consumer({ groupId: `dist-check-${uniqueSuffix()}`, maxWaitTimeInMs: 100 });
      const seen = new Map<string, number>();
      const keys = new Set(streams);
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            if (!keys.has(message.key?.toString() ?? '')) return;
            const id = String(message.headers?.['prm-event-id']);
            seen.set(id, (seen.get(id) ?? 0) + 1);
          },
        });
        await eventually(
          `${expected} events of our streams on ${topic}`,
          async () => seen.size >= expected,
          60_000,
        );
        await new Promise((r) => setTimeout(r, 500)); // late duplicates, if any, are counted too
      } finally {
        await consumer.disconnect();
      }
      return seen;
    }

    it('partner → enabled → deal → conflict → approved → won → commission → quadrant → deal acceleration, deals killed -9 midway', async () => {
      const p1 = await enabledPartner(`Alpha Integration ${suffix}`, `alpha-${suffix}.example`, '7707083893');
      const p2 = await enabledPartner(`Beta Systems ${suffix}`, `beta-${suffix}.example`, '500100732259');
      await call('partners', 'changeTier', {
        actor: admin,
        partnerId: p1,
        tier: 'gold',
        effectiveFrom: '2026-01-01',
        overrideReason: 'strategic partner (distributed e2e)',
      });

      const customer = {
        name: `ООО «Заказчик ${suffix}»`,
        domain: `zakazchik-${suffix}.example`,
        country: 'RU',
      };
      const register = (partnerId: string, name: string, requestId: string) =>
        call('deals', 'registerDeal', {
          actor: { id: `user:${partnerId}`, role: 'partner_user', partnerId },
          requestId,
          channel: 'partner',
          partnerId,
          customer: { ...customer, name },
          estimatedValue: { amount: '3000000.00', currency: 'RUB' },
          expectedCloseDate: '2099-06-30',
          products: ['crm-enterprise'],
          attribution: 'sourced',
        });
      // Deals learns of the partners only from prm.partners.events.v1 (a registration of a partner
      // it does not know yet as enabled is refused; retried until its view caught up).
      const first = (await eventually(
        'deals to accept p1’s registration',
        () => register(p1, customer.name, `first-${suffix}`).catch(() => null),
        60_000,
        250,
      ))!;
      assert.equal(first.holdsProtection, true);
      const second = (await eventually(
        'deals to accept p2’s registration',
        () => register(p2, `Zakazchik ${suffix} LLC`, `second-${suffix}`).catch(() => null),
        60_000,
        250,
      ))!;
      assert.equal(second.holdsProtection, false);
      assert.equal(second.conflicts, 1);
      const dealIds = [first.dealId as string, second.dealId as string];

      // kill -9 of the deals process in the middle, then the same main on the same database.
      const killed = await processes.get('deals')!.stop('SIGKILL');
      assert.equal(killed.signal, 'SIGKILL');
      await start('deals');
      // A retried registration (same request id) is the same deal, not a second one.
      const again = await register(p1, customer.name, `first-${suffix}`);
      assert.equal(again.dealId, first.dealId);

      await call('deals', 'approveRegistration', { actor: pam, dealId: dealIds[0] });
      await call('deals', 'rejectRegistration', {
        actor: pam,
        dealId: dealIds[1],
        reasonCode: 'channel_conflict',
        reason: 'Alpha registered first.',
      });
      await call('deals', 'changeStage', { actor: pam, dealId: dealIds[0], stage: 'qualified' });
      const today = new Date().toISOString().slice(0, 10);
      await call('deals', 'winDeal', {
        actor: pam,
        dealId: dealIds[0],
        wonValue: { amount: '2800000.00', currency: 'RUB' },
        closedOn: today,
      });
      const commissions = (await eventually('the commission in the deals read model', async () => {
        const r = (await call('deals', 'listCommissions', { actor: admin, partnerId: p1 })) as {
          entries?: Array<{ dealId: string; kind: string; tier: string }>;
        };
        return (r.entries ?? []).length > 0 ? r.entries! : null;
      }))!;
      assert.equal(commissions.length, 1, 'one commission accrued, not two');
      assert.equal(commissions[0]!.tier, 'gold');

      // Partners moves both journeys from prm.deals.events.v1, each milestone once.
      await eventually('first_deal_registered for both and first_deal_won for the winner', async () => {
        const stages = async (id: string) =>
          (await storedEvents('partners', [partnerStream(id)]))
            .filter((e) => e.type === 'PartnerJourneyStageReached')
            .map((e) => (e.data as { stage: string }).stage);
        const [a, b] = [await stages(p1), await stages(p2)];
        return a.includes('first_deal_won') && b.includes('first_deal_registered');
      });
      for (const id of [p1, p2]) {
        const stages = (await storedEvents('partners', [partnerStream(id)]))
          .filter((e) => e.type === 'PartnerJourneyStageReached')
          .map((e) => (e.data as { stage: string }).stage);
        assert.equal(
          stages.filter((s) => s === 'first_deal_registered').length,
          1,
          `${id}: one first_deal_registered`,
        );
        assert.ok(stages.filter((s) => s === 'first_deal_won').length === (id === p1 ? 1 : 0));
      }

      // Metrics places both partners from the partners and deals topics.
      const quadrants = (await eventually(
        'metrics to place both partners in a quadrant',
        async () => {
          const r = (await call('metrics', 'listQuadrant', { actor: admin })) as {
            points?: Array<{ partnerId: string; quadrant: string }>;
          };
          const byId = new Map((r.points ?? []).map((p) => [p.partnerId, p.quadrant]));
          return byId.get(p1) && byId.get(p2) ? byId : null;
        },
        60_000,
      ))!;

      // Time travel re-reads the partner's streams: metrics has them in its own store (copied from Kafka).
      const asOf = new Date().toISOString();
      const past = (await eventually(
        'a scorecard as of now from metrics’ own copy of the partner’s events',
        () => call('metrics', 'getScorecard', { actor: admin, partnerId: p1, asOf }).catch(() => null),
        60_000,
        250,
      ))!;
      assert.equal(past.partnerId, p1);

      // Mapping ranks deal acceleration by the quadrants it learnt from prm.metrics.events.v1.
      await call('mapping', 'importAccountList', {
        actor: admin,
        options: { owner: 'vendor' },
        content: Buffer.from(`Name,Domain,Country,Population\nZakazchik,${customer.domain},RU,opportunity\n`),
      });
      for (const partnerId of [p1, p2]) {
        await eventually(`mapping to know ${partnerId}`, () =>
          call('mapping', 'importAccountList', {
            actor: admin,
            options: { owner: 'partner', partnerId },
            content: Buffer.from(
              `Name,Domain,Country,Population\nZakazchik,${customer.domain},RU,customer\n`,
            ),
          }).catch(() => null),
        );
        await call('mapping', 'setSharingPolicy', {
          actor: { id: `user:${partnerId}`, role: 'partner_user', partnerId },
          partnerId,
          side: 'partner',
          populations: { customer: 'accounts' },
        });
      }
      const ranked = (await eventually(
        'deal acceleration to show both partners with the quadrants metrics has now',
        async () => {
          const current = (await call('metrics', 'listQuadrant', { actor: admin })) as {
            points?: Array<{ partnerId: string; quadrant: string }>;
          };
          for (const p of current.points ?? [])
            if (p.partnerId === p1 || p.partnerId === p2) quadrants.set(p.partnerId, p.quadrant);
          const r = (await call('mapping', 'getDealAcceleration', { actor: admin, limit: 1000 })) as {
            opportunities?: Array<{ partners: Array<{ partnerId: string; quadrant: string }> }>;
          };
          const ours = (r.opportunities ?? []).find((o) => o.partners.some((p) => p.partnerId === p1));
          if (!ours) return null;
          const shown = new Map(ours.partners.map((p) => [p.partnerId, p.quadrant]));
          return shown.get(p1) === quadrants.get(p1) && shown.get(p2) === quadrants.get(p2) ? ours : null;
        },
        60_000,
        250,
      ))!;
      assert.deepEqual(ranked.partners.map((p) => p.partnerId).sort(), [p1, p2].sort());

      // Nothing lost, nothing doubled: every deal event of ours is on the topic (redeliveries of the
      // same event id are allowed, at-least-once), and no effect happened twice.
      const dealEvents = await storedEvents('deals', dealIds.map(dealStream));
      assert.equal(new Set(dealEvents.map((e) => e.id)).size, dealEvents.length);
      assert.equal(dealEvents.filter((e) => e.type === 'DealRegistered').length, 2);
      assert.equal(dealEvents.filter((e) => e.type === 'DealWon').length, 1);
      assert.equal(dealEvents.filter((e) => e.type === 'CommissionAccrued').length, 1);
      const onTopic = await topicMessages('prm.deals.events.v1', dealIds.map(dealStream), dealEvents.length);
      assert.deepEqual([...onTopic.keys()].sort(), dealEvents.map((e) => e.id).sort());
    });
  },
);
