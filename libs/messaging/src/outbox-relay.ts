import { contextOfStream, topicOf } from '@prm/contracts';
import { migrate, type Database } from '@prm/database';
import type { EventStore, SerializedEvent, Subscription } from '@prm/event-store';
import type { Kafka, PartitionMetadata, Producer } from 'kafkajs';
import { defaultPartitioner, ensureTopics } from './kafka';
import { messagingMigrations } from './migrations';
import { kafkaMessageOf, serializeEvent, type KafkaMessage } from './wire-format';

const partitioners = new Map<number, ReturnType<typeof defaultPartitioner>>();
function partitionerFor(count: number): ReturnType<typeof defaultPartitioner> {
  let p = partitioners.get(count);
  if (!p) partitioners.set(count, (p = defaultPartitioner()));
  return p;
}
const metadataByCount = new Map<number, PartitionMetadata[]>();
function metadataFor(count: number): PartitionMetadata[] {
  let m = metadataByCount.get(count);
  if (!m)
    metadataByCount.set(
      count,
      (m = Array.from({ length: count }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [],
        isr: [],
      }))),
    );
  return m;
}

/** Keys whose partition is remembered per topic at most (a stream's events mostly come together). */
const PARTITION_CACHE_KEYS = 50_000;

function messageBytes(m: KafkaMessage): number {
  let bytes = m.key.length + m.value.length + 64;
  for (const [k, v] of Object.entries(m.headers)) bytes += k.length + v.length + 8;
  return bytes;
}

/** Says what to do about errors that retrying alone will not fix. */
function describePublishError(error: unknown, events: readonly SerializedEvent[]): string {
  const type = (error as { type?: string }).type;
  if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') {
    // Requests are cut to fit 1 MiB per partition, so this is one event over the topic's limit.
    const largest = events.reduce(
      (a, e) => {
        const size = messageBytes(kafkaMessageOf(e));
        return size > a.size ? { size, event: e } : a;
      },
      { size: 0, event: events[0]! },
    );
    return (
      `the broker refused a message as too large: the largest in this round is ${largest.event.type} at position ` +
      `${largest.event.globalPosition} (${largest.size} bytes); raise the topic's max.message.bytes ` +
      `(kafka-configs --alter --entity-type topics --add-config max.message.bytes=…) and the relay continues`
    );
  }
  return (error as Error).message;
}

export interface OutboxRelayOptions {
  /** Checkpoint name (default 'default'); one relay per event store. */
  name?: string;
  /**
   * The contexts this relay publishes (their topics are created up front): a service's relay
   * publishes only its own context's events, even from an event store shared with others
   * (embedded mode with Kafka). Absent: every event, topics created on first sight.
   */
  contexts?: string[];
  partitions?: number;
  replicationFactor?: number;
  /** Events read and published per round (default 2000). */
  batchSize?: number;
  /** Bytes for one partition in one produce request at most (default 768 KiB; see publish()). */
  maxPartitionBytes?: number;
  log?: (line: string) => void;
  /**
   * The checkpoint is saved at most this often (default 200 ms; 0 = after every round). A crash
   * publishes again what was acknowledged since (consumers skip duplicates).
   */
  checkpointIntervalMs?: number;
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
  /** Partition count per topic, learnt when the relay first sees the topic. */
  private readonly partitionCounts = new Map<string, number>();
  private readonly partitionCache = new Map<string, Map<string, number>>();
  private batches = 0;
  /** The last acknowledged round's position (and events since the last saved checkpoint), not saved yet. */
  private pending?: { position: bigint; count: number };
  private lastCheckpointAt = 0;
  private checkpointTimer?: NodeJS.Timeout;
  private checkpointing: Promise<void> = Promise.resolve();
  private readonly name: string;
  private readonly log: (line: string) => void;
  private readonly only?: ReadonlySet<string>;
  published = 0;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database,
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.name = options.name ?? 'default';
    this.log = options.log ?? (() => undefined);
    if (options.contexts?.length) this.only = new Set(options.contexts);
  }

  async start(): Promise<void> {
    await migrate(this.db, 'messaging', messagingMigrations);
    const after = await this.checkpoint();
    this.log(`outbox relay ${this.name}: starting after position ${after}`);
    const options = {
      after,
      limit: this.options.batchSize ?? 2000,
      idlePollMs: 200,
      onError: (error: unknown) => this.log(`outbox relay ${this.name} stopped: ${String(error)}`),
    };
    const publish = (events: readonly SerializedEvent[]) => this.publishUntilAcknowledged(events);
    // Where the database serializes the envelopes, Node neither parses nor stringifies payloads.
    this.subscription = this.store.subscribeToAllSerialized
      ? this.store.subscribeToAllSerialized(publish, options)
      : this.store.subscribeToAll((events) => publish(events.map(serializeEvent)), options);
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

  private async publishUntilAcknowledged(round: readonly SerializedEvent[]): Promise<void> {
    if (round.length === 0) return;
    const only = this.only;
    // Other contexts' events (a shared store) are passed over; the checkpoint still moves past them.
    const events = only ? round.filter((e) => only.has(contextOfStream(e.streamId))) : round;
    for (let attempt = 1; events.length > 0; attempt++) {
      try {
        await this.publish(events);
        break;
      } catch (error) {
        if (this.stopping) throw error;
        const wait = Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
        this.log(
          `outbox relay ${this.name}: publish failed (${describePublishError(error, events)}); retrying in ${wait} ms`,
        );
        await this.resetProducer();
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    this.batches++;
    if (this.options.crashAfterPublishingBatch === this.batches) process.kill(process.pid, 'SIGKILL');
    this.published += events.length;
    this.pending = {
      position: round[round.length - 1]!.globalPosition,
      count: (this.pending?.count ?? 0) + events.length,
    };
    // The checkpoint is written at most every checkpointIntervalMs (a commit per round would
    // cost the database more than the publishing). After a crash the relay publishes again
    // from the last checkpoint: at-least-once, as before, at most one interval more.
    const wait = this.lastCheckpointAt + (this.options.checkpointIntervalMs ?? 200) - Date.now();
    if (wait <= 0) await this.saveCheckpoint();
    else
      this.checkpointTimer ??= setTimeout(() => {
        this.checkpointTimer = undefined;
        void this.saveCheckpoint().catch((error: unknown) =>
          this.log(
            `outbox relay ${this.name}: checkpoint not saved (${String(error)}); retried with the next round`,
          ),
        );
      }, wait);
  }

  /** Writes the position of the last acknowledged round, if not written yet (serialized). */
  private saveCheckpoint(): Promise<void> {
    const run = async () => {
      const pending = this.pending;
      if (!pending) return;
      this.pending = undefined;
      this.lastCheckpointAt = Date.now();
      try {
        await this.db.query(
          `INSERT INTO outbox_relay_checkpoints (relay, position, published) VALUES ($1, $2, $3)
           ON CONFLICT (relay) DO UPDATE SET position = GREATEST(outbox_relay_checkpoints.position, EXCLUDED.position),
             published = outbox_relay_checkpoints.published + $3, updated_at = now()`,
          [this.name, pending.position.toString(), pending.count],
        );
      } catch (error) {
        // Not saved: merge back (a later round may have come meanwhile), so the next write covers it.
        const later = this.pending as { position: bigint; count: number } | undefined;
        this.pending = {
          position: later && later.position > pending.position ? later.position : pending.position,
          count: pending.count + (later?.count ?? 0),
        };
        throw error;
      }
    };
    this.checkpointing = this.checkpointing.then(run, run);
    return this.checkpointing;
  }

  /**
   * Sends a round in as few produce requests as Kafka accepts: each partition's share of a
   * request stays under maxPartitionBytes (the broker refuses a record batch over the topic's
   * max.message.bytes, 1 MiB by default). Partitions are computed here with kafkajs's default
   * partitioner (murmur2 of the key, as the Java client), so per-stream order is unchanged.
   */
  private async publish(events: readonly SerializedEvent[]): Promise<void> {
    const producer = await this.connectedProducer();
    const maxPartitionBytes = this.options.maxPartitionBytes ?? 768 * 1024;
    const messages = events.map((event) => ({
      topic: topicOf(contextOfStream(event.streamId)),
      message: kafkaMessageOf(event),
    }));
    const newTopics = [...new Set(messages.map((m) => m.topic))].filter((t) => !this.partitionCounts.has(t));
    if (newTopics.length > 0) await this.createTopics(newTopics);
    let request = new Map<string, Array<KafkaMessage & { partition: number }>>();
    const partitionBytes = new Map<string, number>();
    const send = async () => {
      if (request.size === 0) return;
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...request].map(([topic, batch]) => ({ topic, messages: batch })),
      });
      request = new Map();
      partitionBytes.clear();
    };
    for (const { topic, message } of messages) {
      const partition = this.partitionOf(topic, message.key);
      const slot = `${topic}/${partition}`;
      const bytes = messageBytes(message);
      if ((partitionBytes.get(slot) ?? 0) + bytes > maxPartitionBytes) await send();
      partitionBytes.set(slot, (partitionBytes.get(slot) ?? 0) + bytes);
      let batch = request.get(topic);
      if (!batch) request.set(topic, (batch = []));
      batch.push({ ...message, partition });
    }
    await send();
  }

  /**
   * murmur2 of the key (kafkajs's default partitioner) was 5 % of the relay's CPU in a profile:
   * a stream's events usually come in the same round, so the partition is remembered per key.
   */
  private partitionOf(topic: string, key: string): number {
    let cache = this.partitionCache.get(topic);
    if (!cache) this.partitionCache.set(topic, (cache = new Map()));
    let partition = cache.get(key);
    if (partition === undefined) {
      const count = this.partitionCounts.get(topic)!;
      partition = partitionerFor(count)({
        topic,
        partitionMetadata: metadataFor(count),
        message: { key, value: null },
      });
      if (cache.size >= PARTITION_CACHE_KEYS) cache.clear();
      cache.set(key, partition);
    }
    return partition;
  }

  private async createTopics(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, topics, this.options.partitions ?? 3, this.options.replicationFactor ?? 1);
      const metadata = await admin.fetchTopicMetadata({ topics });
      for (const t of metadata.topics) {
        this.partitionCounts.set(t.name, t.partitions.length);
        this.partitionCache.delete(t.name);
      }
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
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    await this.saveCheckpoint().catch((error: unknown) =>
      this.log(
        `outbox relay ${this.name}: last checkpoint not saved (${String(error)}); those events are published again`,
      ),
    );
    await this.resetProducer();
  }
}
