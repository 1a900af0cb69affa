import type { Kafka } from 'kafkajs';
import type { BusMessage, ConsumeOptions, ConsumerHandle, EventBus, Lag } from './event-bus';
import { ensureTopics } from './kafka';
import { BatchPipeline } from './batch-pipeline';
import { fromKafkaValue } from './wire-format';

export interface KafkaEventBusOptions {
  /**
   * How long the broker holds a fetch while there is nothing new (default 100 ms). New data
   * answers a waiting fetch at once, so this is not added to the lag; it bounds how soon a
   * stop or a rebalance is noticed.
   */
  maxWaitTimeInMs?: number;
  /** Topic-partitions taken from one fetch at once, and so handled as one batch (default 64). */
  concurrency?: number;
  /**
   * Offsets are committed at most this often (default 200 ms; 0 = after every batch). A crash
   * replays at most this much, which the projections skip as duplicates.
   */
  commitIntervalMs?: number;
  /** How long a round waits for more batches when the handler is idle (default 10 ms; see BatchPipeline). */
  lingerMs?: number;
  /** Where failed offset commits are reported (they are not fatal; see BatchPipeline). */
  log?: (line: string) => void;
  /**
   * Put before every consumer group id (default none): lets two deployments (or test runs)
   * share one Kafka cluster without sharing offsets.
   */
  groupIdPrefix?: string;
}

/**
 * Consumes platform topics with kafkajs consumer groups. Offsets are committed only after
 * the batch handler resolves; a handler error stops the consumer without committing. Batches
 * of all partitions are coalesced and pipelined with the fetches (BatchPipeline).
 */
export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka' as const;
  /** stop() of every running consumer. */
  private readonly consumers = new Set<() => Promise<void>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly partitions = 3,
    private readonly options: KafkaEventBusOptions = {},
  ) {}

  async consume(options: ConsumeOptions): Promise<ConsumerHandle> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, options.topics, this.partitions);
    } finally {
      await admin.disconnect();
    }
    const groupId = `${this.options.groupIdPrefix ?? ''}${options.groupId}`;
    const consumer = this.kafka.consumer({
      groupId,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { retries: 10 },
    });
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    let stopped = false;
    // Fetching, handling and committing are pipelined and partition batches are coalesced
    // into one handler call per round (see BatchPipeline): one read-model transaction per
    // round instead of one per topic-partition, and the next fetch overlaps the handler.
    const pipeline = new BatchPipeline({
      handler: options.handleBatch,
      commit: (offsets) =>
        consumer.commitOffsets(
          offsets.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p }))),
        ),
      onError: (error) => {
        options.onError?.(error);
        void stop();
      },
      log: this.options.log,
      commitIntervalMs: this.options.commitIntervalMs ?? 200,
      lingerMs: this.options.lingerMs ?? 10,
    });
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      this.consumers.delete(stop);
      // The batch in hand finishes and is committed; queued ones are dropped (they come again).
      await pipeline.close();
      await consumer.disconnect().catch(() => undefined);
      resolveDone();
    };
    this.consumers.add(stop);
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) {
        options.onError?.(e.payload.error);
        void stop();
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition of a fetch is taken at once, so they meet in the same round.
      partitionsConsumedConcurrently: this.options.concurrency ?? 64,
      eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
        if (!isRunning() || isStale() || stopped) return;
        if (batch.messages.length === 0) return;
        const where = { topic: batch.topic, partition: batch.partition };
        let messages: BusMessage[];
        try {
          messages = batch.messages.map((m) => ({
            event: fromKafkaValue(m.value, { ...where, offset: m.offset }),
            ...where,
            offset: m.offset,
          }));
        } catch (error) {
          options.onError?.(error);
          // Not resolved nor committed: the batch is delivered again after a fix.
          void stop();
          return;
        }
        // Resolving moves only the in-memory fetch position (autoCommit is off): the group's
        // committed offset moves when the pipeline has handled the batch.
        resolveOffset(batch.lastOffset());
        await pipeline.push(messages, { ...where, next: (BigInt(batch.lastOffset()) + 1n).toString() });
      },
    });
    return {
      stop,
      done,
      lag: () => this.lag(groupId, options.topics),
    };
  }

  /** How far a consumer group is behind the end of its topics. */
  async lag(groupId: string, topics: string[]): Promise<Lag> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      let behind = 0n;
      let total = 0n;
      const committed = await admin.fetchOffsets({ groupId, topics });
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const group = committed.find((c) => c.topic === topic);
        for (const p of ends) {
          const end = BigInt(p.high);
          const low = BigInt(p.low);
          const at = BigInt(group?.partitions.find((g) => g.partition === p.partition)?.offset ?? '-1');
          total += end - low;
          behind += at < 0n ? end - low : end - at;
        }
      }
      return { behind, total };
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((stop) => stop()));
  }
}
