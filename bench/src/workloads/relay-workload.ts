import { randomUUID } from 'node:crypto';
import { topicOf } from '@prm/contracts';
import { PostgresDatabase } from '@prm/database';
import { NO_STREAM, SqlEventStore } from '@prm/event-store';
import { createKafka, defaultPartitioner, ensureTopics, OutboxRelay, toKafkaMessage } from '@prm/messaging';
import { kafkaBrokers, uniqueSuffix } from '@prm/testing';
import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import type { RelayCounts } from '../config';
import { dealRegisteredBatch } from '../events';
import { log, performance, progress, round, runConcurrently, startCpuMeter } from '../measure';
import type { BenchResult } from '../result';
import { PhaseTimer, timedQueries, timedReads } from '../timing';

/** Kafka's default limit for one record batch (message.max.bytes); the relay sends one per partition. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
const RAISED_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const TOO_LARGE = /larger than the max message size/i;

async function raiseTopicLimit(admin: Admin, topic: string): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: [
          { name: 'max.message.bytes', value: String(RAISED_MAX_MESSAGE_BYTES) },
          { name: 'retention.ms', value: '-1' },
          { name: 'retention.bytes', value: '-1' },
        ],
      },
    ],
  });
}

/** The relay is one loop (read, publish, save checkpoint): publishing is the time left over. */
function phasesOf(timer: PhaseTimer, elapsedMs: number): Record<string, unknown> {
  const phases = timer.report();
  const accounted = (phases.readAll?.ms ?? 0) + (phases.saveCheckpoint?.ms ?? 0);
  return { ...phases, publishAndRestMs: round(elapsedMs - accounted) };
}

/**
 * Appends `events` to our store on PostgreSQL (one append of `batchSize` events per fresh
 * stream), then for each relay batch size starts a fresh OutboxRelay (own checkpoint, from
 * position 0) and times it from start() until its stored checkpoint reaches the head: every
 * event acknowledged by the broker (acks = all).
 *
 * The topic is created as the platform creates it (ensureTopics, broker defaults). When the
 * broker refuses a request as too large — the relay would retry it forever — that run is
 * reported as failed, the topic's max.message.bytes is raised and the batch size is run again,
 * so the report has both the failure and the throughput.
 */
export async function relayThroughput(
  url: string,
  counts: RelayCounts,
  report: (result: BenchResult) => void,
): Promise<void> {
  const suffix = uniqueSuffix();
  const context = `bench${suffix}`;
  const topic = topicOf(context);
  const db = new PostgresDatabase(url, { max: 40 });
  const store = await SqlEventStore.create(db);
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: `prm-bench-${suffix}` });
  const admin = kafka.admin();
  let maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  try {
    const appends = Math.ceil(counts.events / counts.batchSize);
    const label = `relay: appending ${appends * counts.batchSize} events to ${appends} streams of ${context}`;
    log(label);
    const appendStarted = performance.now();
    await runConcurrently(
      counts.writers,
      appends,
      async () => {
        await store.append(
          `${context}.deal-${randomUUID()}`,
          dealRegisteredBatch(counts.batchSize),
          NO_STREAM,
        );
      },
      progress(label, appends),
    );
    const appendSeconds = (performance.now() - appendStarted) / 1000;
    const head = await store.headPosition();
    const events = Number(head);
    // Topic creation is set-up, not relay throughput.
    await admin.connect();
    await ensureTopics(admin, [topic], 3, 1);

    let refusedAsTooLarge = false;
    const runRelay = async (batchSize: number): Promise<BenchResult> => {
      const name = `bench-${suffix}-${batchSize}-${maxMessageBytes}`;
      let refused: string | undefined;
      // Where the relay's time goes: its reads, its checkpoint writes, and (the rest) publishing.
      const timer = new PhaseTimer();
      const timedDb = timedQueries(db, timer, (sql) =>
        /^\s*INSERT INTO outbox_relay_checkpoints/i.test(sql) ? 'saveCheckpoint' : 'otherQueries',
      );
      const relay = new OutboxRelay(timedReads(store, timer), timedDb, kafka, {
        name,
        contexts: [context],
        partitions: 3,
        batchSize,
        log: (line) => {
          log(line);
          if (TOO_LARGE.test(line)) {
            refused = line;
            refusedAsTooLarge = true;
          }
        },
      });
      log(`relay (batchSize ${batchSize}): publishing ${events} events to ${topic}`);
      const ticker = setInterval(
        () => log(`relay (batchSize ${batchSize}): ${relay.published}/${events}`),
        2000,
      );
      const deadline = Date.now() + Math.max(60_000, events / 2);
      const details = {
        relayBatchSize: batchSize,
        partitions: 3,
        acks: 'all',
        topicMaxMessageBytes: maxMessageBytes,
        streams: appends,
        seedAppendEventsPerSecond: Math.round(events / appendSeconds),
      };
      const cpu = startCpuMeter();
      const started = performance.now();
      try {
        await relay.start();
        let checkpoint = 0n;
        while (!refused && Date.now() < deadline && (checkpoint = await relay.checkpoint()) < head) {
          await new Promise((r) => setTimeout(r, 20));
        }
        const elapsed = performance.now() - started;
        if (checkpoint < head) {
          return {
            workload: 'relay',
            store: 'prm-postgres',
            count: relay.published,
            seconds: round(elapsed / 1000, 3),
            perSecond: 0,
            verified: false,
            cpu: cpu(),
            details: { ...details, published: relay.published },
            ...(refused
              ? {
                  note:
                    `the broker refused a produce request as too large (${relay.published}/${events} published); ` +
                    'the relay retries it forever',
                }
              : {
                  error: `not drained after ${round(elapsed / 1000)} s (${relay.published}/${events} published)`,
                }),
          };
        }
        return {
          workload: 'relay',
          store: 'prm-postgres',
          count: events,
          seconds: round(elapsed / 1000, 3),
          perSecond: Math.round(events / (elapsed / 1000)),
          verified: relay.published === events,
          cpu: cpu(),
          details: { ...details, published: relay.published, phases: phasesOf(timer, elapsed) },
        };
      } finally {
        clearInterval(ticker);
        await relay.stop();
      }
    };

    report(await rawKafkajs(store, kafka, admin, `${topic}-raw`));
    for (const batchSize of counts.relayBatchSizes) {
      const result = await runRelay(batchSize);
      report(result);
      if (refusedAsTooLarge && maxMessageBytes === DEFAULT_MAX_MESSAGE_BYTES) {
        log(`relay: raising max.message.bytes of ${topic} to ${RAISED_MAX_MESSAGE_BYTES} and retrying`);
        await raiseTopicLimit(admin, topic);
        maxMessageBytes = RAISED_MAX_MESSAGE_BYTES;
        report(await runRelay(batchSize));
      }
    }
  } finally {
    await admin
      .deleteTopics({ topics: [topic] })
      .catch((e: unknown) => log(`could not delete ${topic}: ${String(e)}`));
    await admin.disconnect().catch(() => undefined);
    await store.close();
    await db.close();
  }
}

/**
 * The relay's peer: the same messages (same keys, values and headers, built before timing)
 * sent by a bare kafkajs producer, 500 per sendBatch, acks = all, one request at a time — what
 * kafkajs itself costs here, with no database and no checkpoint.
 */
async function rawKafkajs(
  store: SqlEventStore,
  kafka: Kafka,
  admin: Admin,
  topic: string,
): Promise<BenchResult> {
  const messages: ReturnType<typeof toKafkaMessage>[] = [];
  for (let after = 0n; ;) {
    const page = await store.readAll({ after, limit: 5000 });
    if (page.length === 0) break;
    messages.push(...page.map(toKafkaMessage));
    after = page[page.length - 1]!.globalPosition;
  }
  await ensureTopics(admin, [topic], 3);
  const producer = kafka.producer({ createPartitioner: defaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const cpu = startCpuMeter();
    const started = performance.now();
    for (let i = 0; i < messages.length; i += 500) {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic, messages: messages.slice(i, i + 500) }],
      });
    }
    const elapsed = performance.now() - started;
    return {
      workload: 'relay',
      store: 'kafkajs-raw',
      count: messages.length,
      seconds: round(elapsed / 1000, 3),
      perSecond: Math.round(messages.length / (elapsed / 1000)),
      verified: true,
      cpu: cpu(),
      details: { messagesPerSendBatch: 500, acks: 'all', partitions: 3, headersPerMessage: 5 },
    };
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  }
}
