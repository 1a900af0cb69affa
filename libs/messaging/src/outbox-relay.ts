import { contextOfStream, topicOf, type RecordedEvent } from '@prm/contracts';
import { migrate, type Database } from '@prm/database';
import type { EventStore, Subscription } from '@prm/event-store';
import type { Kafka, Producer } from 'kafkajs';
import { defaultPartitioner, ensureTopics } from './kafka';
import { messagingMigrations } from './migrations';
import { toKafkaMessage } from './wire-format';

export interface OutboxRelayOptions {
  /** Checkpoint name (default 'default'); one relay per event store. */
  name?: string;
  /** Contexts whose topics are created up front; others are created on first sight. */
  contexts?: string[];
  partitions?: number;
  replicationFactor?: number;
  /** Events read and published per round (default 2000). */
  batchSize?: number;
  log?: (line: string) => void;
  /**
   * Fault injection for the crash test: SIGKILL this process after publishing the N-th batch
   * and before saving its checkpoint.
   */
  crashAfterPublishingBatch?: number;
}

/**
 * The events table is the outbox. The relay tails readAll, publishes each event to
 * prm.<context>.events.v1 (key = stream id, so one aggregate's events stay in order), and
 * moves its stored checkpoint only after the broker acknowledged (acks = all): at-least-once.
 * While Kafka is down it retries with backoff; appends keep succeeding and nothing is lost.
 */
export class OutboxRelay {
  private producer?: Producer;
  private subscription?: Subscription;
  private stopping = false;
  private readonly knownTopics = new Set<string>();
  private batches = 0;
  private readonly name: string;
  private readonly log: (line: string) => void;
  published = 0;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database,
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.name = options.name ?? 'default';
    this.log = options.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    await migrate(this.db, 'messaging', messagingMigrations);
    const after = await this.checkpoint();
    this.log(`outbox relay ${this.name}: starting after position ${after}`);
    this.subscription = this.store.subscribeToAll((events) => this.publishUntilAcknowledged(events), {
      after,
      limit: this.options.batchSize ?? 2000,
      idlePollMs: 200,
      onError: (error) => this.log(`outbox relay ${this.name} stopped: ${String(error)}`),
    });
  }

  /** Resolves when the relay has published everything up to the store's current head. */
  async drained(timeoutMs = 60_000): Promise<void> {
    const head = await this.store.headPosition();
    const deadline = Date.now() + timeoutMs;
    while ((await this.checkpoint()) < head) {
      if (Date.now() > deadline)
        throw new Error(`outbox relay ${this.name}: not drained to ${head} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async checkpoint(): Promise<bigint> {
    const rows = await this.db.query<{ position: string }>(
      'SELECT position FROM outbox_relay_checkpoints WHERE relay = $1',
      [this.name],
    );
    return rows.length === 0 ? 0n : BigInt(rows[0]!.position);
  }

  private async publishUntilAcknowledged(events: readonly RecordedEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.publish(events);
        break;
      } catch (error) {
        if (this.stopping) throw error;
        const wait = Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
        this.log(
          `outbox relay ${this.name}: publish failed (${(error as Error).message}); retrying in ${wait} ms`,
        );
        await this.resetProducer();
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    this.batches++;
    if (this.options.crashAfterPublishingBatch === this.batches) process.kill(process.pid, 'SIGKILL');
    const last = events[events.length - 1]!.globalPosition;
    await this.db.query(
      `INSERT INTO outbox_relay_checkpoints (relay, position, published) VALUES ($1, $2, $3)
       ON CONFLICT (relay) DO UPDATE SET position = EXCLUDED.position,
         published = outbox_relay_checkpoints.published + $3, updated_at = now()`,
      [this.name, last.toString(), events.length],
    );
    this.published += events.length;
  }

  private async publish(events: readonly RecordedEvent[]): Promise<void> {
    const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
    for (const event of events) {
      const topic = topicOf(contextOfStream(event.streamId));
      let messages = byTopic.get(topic);
      if (!messages) byTopic.set(topic, (messages = []));
      messages.push(toKafkaMessage(event));
    }
    const producer = await this.connectedProducer();
    const newTopics = [...byTopic.keys()].filter((t) => !this.knownTopics.has(t));
    if (newTopics.length > 0) await this.createTopics(newTopics);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  private async createTopics(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, topics, this.options.partitions ?? 3, this.options.replicationFactor ?? 1);
      for (const t of topics) this.knownTopics.add(t);
    } finally {
      await admin.disconnect();
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        createPartitioner: defaultPartitioner,
        allowAutoTopicCreation: false,
        maxInFlightRequests: 5,
      });
      await producer.connect();
      this.producer = producer;
      if (this.options.contexts?.length) await this.createTopics(this.options.contexts.map(topicOf));
    }
    return this.producer;
  }

  private async resetProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
    await this.resetProducer();
  }
}
