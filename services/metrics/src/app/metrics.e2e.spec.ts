import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { topicOf, type RecordedEvent } from '@prm/contracts';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { createKafka, ensureTopics, fromKafkaValue, KafkaEventBus, OutboxRelay } from '@prm/messaging';
import { ProjectionRunner } from '@prm/projections';
import {
  createTestDatabase,
  eventually,
  kafkaBrokers,
  skipUnlessPostgresAndKafka,
  uniqueSuffix,
  type TestDatabase,
} from '@prm/testing';
import type { Consumer, Kafka } from 'kafkajs';
import { EventFactory, rub } from '../domain/testing/events';
import { P, story, TEST_SCORING } from '../domain/testing/fixtures';
import { MetricsApplication } from './metrics.application';

/*
 * Through real Kafka: partner and deal events appended to the event store → outbox relay →
 * prm.<context>.events.v1 → the partner-health projection (Kafka consumer group) → read
 * models and outbox → publisher → event store → relay → prm.metrics.events.v1, where the
 * PartnerQuadrantChanged events are read back. The partner moves grow → retain as its deals
 * are won. Topics of the input contexts are unique per run (the broker is shared); the
 * metrics topic is the real one, filtered by this run's partner id.
 */
describe('partner health end to end through real Kafka', { skip: skipUnlessPostgresAndKafka() }, () => {
  let tdb: TestDatabase;
  let db: PostgresDatabase;
  let store: SqlEventStore;
  let kafka: Kafka;
  let relay: OutboxRelay;
  let runner: ProjectionRunner;
  let app: MetricsApplication;
  let consumer: Consumer;
  const suffix = uniqueSuffix();
  const contexts = { partners: `partners${suffix}`, deals: `deals${suffix}`, mapping: `mapping${suffix}` };
  const partnerId = randomUUID();
  const seen: Array<{ id: string; type: string; data: Record<string, unknown> }> = [];

  /** This run's copy of an event: its own partner id, its own input topics. */
  const mine = (e: RecordedEvent) => {
    const dot = e.streamId.indexOf('.');
    const context = contexts[e.streamId.slice(0, dot) as keyof typeof contexts];
    return {
      stream: `${context}${e.streamId.slice(dot)}`.replaceAll(P, partnerId),
      event: {
        id: randomUUID(),
        type: e.type,
        schemaVersion: 1,
        data: JSON.parse(JSON.stringify(e.data).replaceAll(P, partnerId)) as unknown,
        metadata: e.metadata,
      },
    };
  };
  const append = async (events: RecordedEvent[]) => {
    for (const e of events) {
      const { stream, event } = mine(e);
      await store.append(stream, [event], 'any');
    }
  };

  before(async () => {
    tdb = await createTestDatabase('metrics_e2e');
    db = new PostgresDatabase(tdb.url);
    store = await SqlEventStore.create(db);
    kafka = createKafka({ brokers: kafkaBrokers, clientId: `metrics-e2e-${suffix}` });
    app = await MetricsApplication.create(store, db, {
      scoring: [TEST_SCORING],
      projection: { name: `metrics-e2e-${suffix}`, contexts: Object.values(contexts) },
      publishIntervalMs: 50,
    });
    relay = new OutboxRelay(store, db, kafka, {
      name: `relay-${suffix}`,
      contexts: [...Object.values(contexts), 'metrics'],
    });
    await relay.start();
    consumer = kafka.consumer({ groupId: `metrics-e2e-check-${suffix}`, maxWaitTimeInMs: 100 });
    // On a fresh broker the topics may not exist yet, and a just-created topic's metadata takes a
    // moment to reach every listener: create them first, then subscribe with retries.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [topicOf('metrics'), ...Object.values(contexts).map(topicOf)]);
    } finally {
      await admin.disconnect();
    }
    await consumer.connect();
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.subscribe({ topic: topicOf('metrics'), fromBeginning: false });
        break;
      } catch (error) {
        if (attempt >= 20 || !(error as { retriable?: boolean }).retriable) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const event = fromKafkaValue(message.value, { topic, partition, offset: message.offset });
        const data = event.data as Record<string, unknown>;
        if (data.partnerId === partnerId) seen.push({ id: event.id, type: event.type, data });
      },
    });
    await joined;
    runner = new ProjectionRunner(db, new KafkaEventBus(kafka), app.projection);
    await runner.start();
    app.startPublisher();
  });

  after(async () => {
    // Whatever before() got to start is stopped, even when it failed half-way.
    await app?.stopPublisher();
    await runner?.stop();
    await consumer?.disconnect();
    await relay?.stop();
    await store?.close();
    await db?.close();
    await tdb?.drop();
  });

  it('moves a partner from grow to retain as its deals are won; PartnerQuadrantChanged reaches prm.metrics.events.v1', async () => {
    const f = new EventFactory();
    await append(story(f));
    await eventually(
      'the partner to be placed in grow',
      async () => {
        const q = await app.quadrant({});
        return q.points.find((p) => p.partnerId === partnerId)?.quadrant === 'grow';
      },
      60_000,
    );
    const changed = () => seen.filter((e) => e.type === 'PartnerQuadrantChanged').map((e) => e.data);
    await eventually(
      'PartnerQuadrantChanged → grow on the topic',
      async () => changed().some((d) => d.quadrant === 'grow'),
      60_000,
    );

    // Let every topic catch up (the story's last partner event must be in before the win).
    await relay.drained(30_000);
    await runner.caughtUp(60_000);
    const dealId = randomUUID();
    await append([
      f.event(
        'DealRegistered',
        {
          dealId,
          partnerId: P,
          channel: 'partner',
          customer: { name: 'Big', country: 'RU' },
          estimatedValue: rub('1'),
          expectedCloseDate: '2026-05-01',
          products: ['crm'],
          attribution: 'sourced',
          registeredAt: '2026-04-02T00:00:00.000Z',
        },
        '2026-04-02T00:00:00.000Z',
      ),
      f.event(
        'DealWon',
        {
          dealId,
          partnerId: P,
          wonValue: rub('2000000'),
          closedOn: '2026-04-05',
          attribution: 'sourced',
          cycleDays: 3,
        },
        '2026-04-05T00:00:00.000Z',
      ),
    ]);
    const toRetain = (await eventually(
      'PartnerQuadrantChanged grow → retain on the topic',
      // The move the win caused. When a whole history is appended at once, Kafka interleaves the
      // topics freely, so the path before it may hold transient moves (the final state does not).
      async () =>
        changed().find(
          (d) =>
            d.quadrant === 'retain' && d.previousQuadrant === 'grow' && d.asOf === '2026-04-05T00:00:00.000Z',
        ),
      60_000,
    ))!;
    assert.equal(toRetain.asOf, '2026-04-05T00:00:00.000Z');
    assert.equal(toRetain.potential, 50);
    assert.equal(toRetain.utilization, 69.4);
    assert.deepEqual(toRetain.thresholds, { potential: 50, utilization: 50 });
    const q = await app.quadrant({});
    assert.equal(q.points.find((p) => p.partnerId === partnerId)?.quadrant, 'retain');
    await eventually(
      'a PartnerScorecardUpdated for the partner',
      async () => seen.some((e) => e.type === 'PartnerScorecardUpdated'),
      30_000,
    );
    // Every quadrant change in the history reached the topic exactly once (the path may hold
    // transient moves when topics interleave; each is its own history row and its own event).
    const history = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM metrics_quadrant_history WHERE partner_id = $1 AND scoring_version = $2',
      [partnerId, TEST_SCORING.version],
    );
    await eventually(
      'every quadrant change on the topic',
      async () => changed().length >= Number(history[0]!.n),
      30_000,
    );
    const ids = seen.filter((e) => e.type === 'PartnerQuadrantChanged').map((e) => e.id);
    assert.equal(ids.length, Number(history[0]!.n));
    assert.equal(new Set(ids).size, ids.length);
  });
});
