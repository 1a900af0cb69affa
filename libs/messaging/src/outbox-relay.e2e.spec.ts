import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { KafkaHeaders, topicOf } from '@prm/contracts';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import {
  createTestDatabase,
  eventually,
  kafkaBrokers,
  skipUnlessPostgresAndKafka,
  testEvent,
  uniqueSuffix,
  type TestDatabase,
} from '@prm/testing';
import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { createKafka } from './kafka';
import { OutboxRelay } from './outbox-relay';
import { fromKafkaValue } from './wire-format';

describe('Outbox relay to a real Kafka', { skip: skipUnlessPostgresAndKafka() }, () => {
  let tdb: TestDatabase;
  let db: PostgresDatabase;
  let store: SqlEventStore;
  let kafka: Kafka;
  before(async () => {
    tdb = await createTestDatabase('relay');
    db = new PostgresDatabase(tdb.url);
    store = await SqlEventStore.create(db);
    kafka = createKafka({ brokers: kafkaBrokers, clientId: 'relay-e2e' });
  });
  after(async () => {
    await store.close();
    await db.close();
    await tdb.drop();
  });

  it('a relay given its contexts publishes only their events from a shared store, its checkpoint passing the others', async () => {
    const [a, b] = [`ta${uniqueSuffix()}`, `tb${uniqueSuffix()}`];
    const ofA = Array.from({ length: 6 }, (_, i) => testEvent('TestHappened', { i }));
    const ofB = Array.from({ length: 4 }, (_, i) => testEvent('TestHappened', { i }));
    for (let i = 0; i < 6; i++) {
      await store.append(`${a}.thing-${i % 2}`, [ofA[i]!], i < 2 ? 'no-stream' : 'stream-exists');
      if (i < 4) await store.append(`${b}.thing-${i % 2}`, [ofB[i]!], i < 2 ? 'no-stream' : 'stream-exists');
    }
    const relays = [a, b].map(
      (context) => new OutboxRelay(store, db, kafka, { name: `only-${context}`, contexts: [context] }),
    );
    for (const relay of relays) await relay.start();
    for (const relay of relays) await relay.drained(30_000);
    for (const relay of relays) await relay.stop();
    const head = await store.headPosition();
    for (const relay of relays) assert.equal(await relay.checkpoint(), head);
    assert.equal(relays[0]!.published, 6, 'relay a published a’s events only');
    assert.equal(relays[1]!.published, 4, 'relay b published b’s events only');

    for (const [context, written] of [
      [a, ofA],
      [b, ofB],
    ] as const) {
      const consumer = kafka.consumer({ groupId: `check-${context}`, maxWaitTimeInMs: 100 });
      const ids: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: topicOf(context), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message, partition }) => {
          ids.push(
            fromKafkaValue(message.value, { topic: topicOf(context), partition, offset: message.offset }).id,
          );
        },
      });
      await eventually(
        `${written.length} messages on ${topicOf(context)}`,
        async () => ids.length >= written.length,
        30_000,
      );
      await new Promise((r) => setTimeout(r, 300));
      await consumer.disconnect();
      assert.deepEqual(ids.sort(), written.map((e) => e.id).sort(), `only ${context}'s events, once each`);
    }
  });

  it('publishes every event to prm.<context>.events.v1 keyed by stream with the envelope headers, retention forever', async () => {
    const context = `t${uniqueSuffix()}`;
    const topic = topicOf(context);
    const correlationId = randomUUID();
    const written = Array.from({ length: 25 }, (_, i) => testEvent('TestHappened', { i }, { correlationId }));
    for (let s = 0; s < 5; s++)
      await store.append(`${context}.thing-${s}`, written.slice(s * 5, s * 5 + 5), 'no-stream');

    const relay = new OutboxRelay(store, db, kafka, { partitions: 4, contexts: [context] });
    await relay.start();
    await relay.drained(30_000);
    await relay.stop();
    assert.equal(await relay.checkpoint(), await store.headPosition());

    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(metadata.topics[0]!.partitions.length, 4);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    });
    assert.equal(configs.resources[0]!.configEntries[0]!.configValue, '-1');
    await admin.disconnect();

    const consumer = kafka.consumer({ groupId: `check-${context}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: Array<{
      key: string;
      headers: Record<string, string>;
      id: string;
      partition: number;
      streamVersion: number;
    }> = [];
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        const event = fromKafkaValue(message.value, { topic, partition, offset: message.offset });
        received.push({
          key: message.key!.toString(),
          headers,
          id: event.id,
          partition,
          streamVersion: event.streamVersion,
        });
      },
    });
    await eventually('25 messages consumed', async () => received.length >= 25, 30_000);
    await consumer.disconnect();

    assert.deepEqual(new Set(received.map((r) => r.id)), new Set(written.map((w) => w.id)));
    for (const r of received) {
      assert.match(r.key, new RegExp(`^${context}\\.thing-\\d$`));
      assert.equal(r.headers[KafkaHeaders.type], 'TestHappened');
      assert.equal(r.headers[KafkaHeaders.schemaVersion], '1');
      assert.equal(r.headers[KafkaHeaders.eventId], r.id);
      assert.equal(r.headers[KafkaHeaders.correlationId], correlationId);
      assert.match(r.headers[KafkaHeaders.globalPosition]!, /^\d+$/);
    }
    // One stream lives on one partition, in stream order.
    for (let s = 0; s < 5; s++) {
      const ofStream = received.filter((r) => r.key === `${context}.thing-${s}`);
      assert.equal(new Set(ofStream.map((r) => r.partition)).size, 1);
      assert.deepEqual(
        ofStream.map((r) => r.streamVersion),
        [0, 1, 2, 3, 4],
      );
    }
  });

  it("splits a round whose share for one partition is over Kafka's 1 MiB limit instead of retrying it forever", async () => {
    const context = `t${uniqueSuffix()}`;
    const start = await store.headPosition();
    const padding = 'x'.repeat(1000);
    // 3,000 events of ~1.3 KB in one stream: ~4 MB bound for a single partition.
    for (let part = 0; part < 3; part++) {
      const events = Array.from({ length: 1000 }, (_, i) => testEvent('BigHappened', { i, padding }));
      await store.append(`${context}.big-1`, events, part === 0 ? 'no-stream' : part * 1000 - 1);
    }
    const name = `big-${context}`;
    await db.query('INSERT INTO outbox_relay_checkpoints (relay, position) VALUES ($1, $2)', [
      name,
      start.toString(),
    ]);
    const relay = new OutboxRelay(store, db, kafka, { name, contexts: [context], batchSize: 3000 });
    await relay.start();
    try {
      await relay.drained(60_000);
    } finally {
      await relay.stop();
    }
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topicOf(context));
    await admin.disconnect();
    assert.equal(
      offsets.reduce((n, p) => n + Number(p.high), 0),
      3000,
    );
  });
});
