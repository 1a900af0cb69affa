import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { createKafka, KafkaEventBus, OutboxRelay } from '@prm/messaging';
import {
  createTestDatabase,
  eventually,
  kafkaBrokers,
  repoRoot,
  runInfraScript,
  skipUnlessPostgresAndKafka,
  testEvent,
  uniqueSuffix,
  type TestDatabase,
} from '@prm/testing';
import type { Kafka } from 'kafkajs';
import { ProjectionHaltedError } from './projection';
import { ProjectionRunner } from './projection-runner';
import { counterProjection } from './testing/counter-projection';

const event = (type = 'TestHappened', i = 0) => testEvent(type, { i });

/** Appends `total` events over `streams` streams, in appends of 10, 8 at a time. */
async function appendMany(
  store: SqlEventStore,
  context: string,
  total: number,
  streams = 100,
): Promise<string[]> {
  const ids: string[] = [];
  const perStream = Math.ceil(total / streams);
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      for (let done = 0; done < perStream; done += 10) {
        const batch = Array.from({ length: Math.min(10, perStream - done) }, (_, i) =>
          event('TestHappened', done + i),
        );
        await store.append(`${context}.thing-${s}`, batch, done === 0 ? 'no-stream' : done - 1);
        ids.push(...batch.map((e) => e.id));
      }
    }),
  );
  return ids;
}

async function effectCounts(db: PostgresDatabase): Promise<{ rows: number; duplicates: number }> {
  const r = await db.query<{ rows: string; duplicates: string }>(
    'SELECT count(*)::text AS rows, count(*) FILTER (WHERE applied <> 1)::text AS duplicates FROM test_effects',
  );
  return { rows: Number(r[0]!.rows), duplicates: Number(r[0]!.duplicates) };
}

describe('Reliability against real PostgreSQL and Kafka', { skip: skipUnlessPostgresAndKafka() }, () => {
  let tdb: TestDatabase;
  let db: PostgresDatabase;
  let store: SqlEventStore;
  let kafka: Kafka;
  before(async () => {
    tdb = await createTestDatabase('reliability');
    db = new PostgresDatabase(tdb.url, { max: 20 });
    store = await SqlEventStore.create(db);
    kafka = createKafka({ brokers: kafkaBrokers, clientId: 'reliability-e2e' });
  });
  after(async () => {
    await store.close();
    await db.close();
    await tdb.drop();
  });

  it('Kafka stopped while 10,000 events are appended: every append succeeds, the relay delivers all after restart, each effect once', async () => {
    const context = `t${uniqueSuffix()}`;
    const relay = new OutboxRelay(store, db, kafka, { name: `relay-${context}`, contexts: [context] });
    await relay.start(); // creates the topic while Kafka is up
    await db.query('TRUNCATE test_effects').catch(() => undefined);
    runInfraScript('kafka/stop.sh');
    let ids: string[];
    try {
      ids = await appendMany(store, context, 10_000);
      assert.equal(ids.length, 10_000);
      assert.equal(await relay.checkpoint(), 0n, 'nothing can have been acknowledged while Kafka is down');
    } finally {
      runInfraScript('kafka/start.sh');
    }
    await relay.drained(120_000);
    await relay.stop();

    const bus = new KafkaEventBus(kafka);
    const runner = new ProjectionRunner(db, bus, counterProjection(`outage-${context}`, [context]));
    await runner.start();
    await runner.caughtUp(120_000);
    const counts = await effectCounts(db);
    const rows = await db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM test_effects WHERE event_id = ANY($1::uuid[])',
      [ids],
    );
    assert.equal(Number(rows[0]!.n), 10_000);
    assert.equal(counts.duplicates, 0);

    // Rebuild from zero over Kafka: a new consumer group replays the topic into emptied tables.
    const before = await db.query('SELECT event_id, applied FROM test_effects ORDER BY event_id');
    const progress: bigint[] = [];
    await runner.rebuild((p) => progress.push(p.done), 120_000);
    assert.deepEqual(await db.query('SELECT event_id, applied FROM test_effects ORDER BY event_id'), before);
    assert.equal((await runner.status()).generation, 2);
    assert.ok(progress.length > 0 && progress[progress.length - 1]! >= 10_000n);
    await runner.stop();
    await bus.close();
  });

  it('the relay killed with SIGKILL between publish and checkpoint: after restart consumers still see each effect once', async () => {
    const context = `t${uniqueSuffix()}`;
    const relayName = `relay-${context}`;
    // Only this test's events: start the relay at the current head.
    await db.query(
      'INSERT INTO outbox_relay_checkpoints (relay, position) SELECT $1, position FROM es_head',
      [relayName],
    );
    const ids = await appendMany(store, context, 3_000, 30);
    const relayMain = join(repoRoot(), 'libs/messaging/dist/relay-main.js');
    const env = {
      ...process.env,
      DATABASE_URL: tdb.url,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      PRM_RELAY_NAME: relayName,
      PRM_RELAY_BATCH: '500',
    };
    const first = spawn(process.execPath, [relayMain], {
      env: { ...env, PRM_RELAY_CRASH_AFTER_BATCH: '3' },
      stdio: 'inherit',
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      first.on('exit', (code, signal) => resolve({ code, signal })),
    );
    assert.equal(exit.signal, 'SIGKILL', 'the relay died by SIGKILL');
    const checkpointAfterCrash = BigInt(
      (
        await db.query<{ position: string }>(
          'SELECT position FROM outbox_relay_checkpoints WHERE relay = $1',
          [relayName],
        )
      )[0]!.position,
    );
    const second = spawn(process.execPath, [relayMain], { env, stdio: 'inherit' });
    try {
      const head = await store.headPosition();
      await eventually(
        'the restarted relay to publish up to the head',
        async () =>
          BigInt(
            (
              await db.query<{ position: string }>(
                'SELECT position FROM outbox_relay_checkpoints WHERE relay = $1',
                [relayName],
              )
            )[0]!.position,
          ) >= head,
        60_000,
      );
    } finally {
      second.kill('SIGTERM');
    }

    const bus = new KafkaEventBus(kafka);
    const runner = new ProjectionRunner(db, bus, counterProjection(`crash-${context}`, [context]));
    await runner.start();
    await runner.caughtUp(60_000);
    const rows = await db.query<{ n: string; dup: string }>(
      `SELECT count(*)::text AS n, count(*) FILTER (WHERE applied <> 1)::text AS dup FROM test_effects WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    assert.equal(Number(rows[0]!.n), 3_000);
    assert.equal(Number(rows[0]!.dup), 0);
    // The third batch was published but not checkpointed, so Kafka holds it twice: the runner skipped the copies.
    const status = await runner.status();
    assert.ok(
      status.skippedDuplicates >= 500,
      `expected ≥ 500 redelivered duplicates skipped, saw ${status.skippedDuplicates} (checkpoint after crash ${checkpointAfterCrash})`,
    );
    await runner.stop();
    await bus.close();
  });

  it('a poison event halts a Kafka-fed projection naming it, and is not acknowledged: the fixed projection applies it', async () => {
    const context = `t${uniqueSuffix()}`;
    const relay = new OutboxRelay(store, db, kafka, { name: `relay-${context}`, contexts: [context] });
    await db.query(
      'INSERT INTO outbox_relay_checkpoints (relay, position) SELECT $1, position FROM es_head',
      [`relay-${context}`],
    );
    await relay.start();
    const good = event();
    const bad = event('Poison');
    await store.append(`${context}.thing-1`, [good, bad, event()], 'no-stream');
    await relay.drained(30_000);
    let poisoned = true;
    const projection = counterProjection(`poison-${context}`, [context], { poisoned: () => poisoned });
    const bus = new KafkaEventBus(kafka);
    const runner = new ProjectionRunner(db, bus, projection);
    await runner.start();
    await assert.rejects(runner.caughtUp(60_000), (error: unknown) => {
      assert.ok(error instanceof ProjectionHaltedError);
      assert.equal(error.event.type, 'Poison');
      assert.equal(error.event.streamId, `${context}.thing-1`);
      assert.equal(error.event.streamVersion, 1);
      return true;
    });
    const halted = await runner.status();
    assert.equal(halted.state, 'halted');
    const lag = await bus.lag(`prm.projection.poison-${context}.g1`, [`prm.${context}.events.v1`]);
    assert.equal(lag.behind, 3n, 'no offset was committed past the poison event');
    await runner.stop();

    poisoned = false;
    const fixed = new ProjectionRunner(db, bus, projection);
    await fixed.start();
    await fixed.caughtUp(60_000);
    const rows = await db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM test_effects WHERE stream_id = $1 AND applied = 1',
      [`${context}.thing-1`],
    );
    assert.equal(rows[0]!.n, '3');
    await fixed.stop();
    await bus.close();
    await relay.stop();
  });
});
