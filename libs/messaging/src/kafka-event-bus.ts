import type { Consumer, Kafka } from 'kafkajs';
import type { BusMessage, ConsumeOptions, ConsumerHandle, EventBus, Lag } from './event-bus';
import { ensureTopics } from './kafka';
import { fromKafkaValue } from './wire-format';

/**
 * Consumes platform topics with kafkajs consumer groups. Offsets are committed only after
 * the batch handler resolves; a handler error stops the consumer without committing.
 */
export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka' as const;
  private readonly consumers = new Set<Consumer>();

  constructor(
    private readonly kafka: Kafka,
    private readonly partitions = 3,
  ) {}

  async consume(options: ConsumeOptions): Promise<ConsumerHandle> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, options.topics, this.partitions);
    } finally {
      await admin.disconnect();
    }
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { retries: 10 },
    });
    this.consumers.add(consumer);
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      this.consumers.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      resolveDone();
    };
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
      eachBatch: async ({
        batch,
        resolveOffset,
        commitOffsetsIfNecessary,
        heartbeat,
        isRunning,
        isStale,
      }) => {
        if (!isRunning() || isStale() || stopped) return;
        if (batch.messages.length === 0) return;
        const where = { topic: batch.topic, partition: batch.partition };
        let messages: BusMessage[];
        try {
          messages = batch.messages.map((m) => ({
            event: fromKafkaValue(m.value, { ...where, offset: m.offset }),
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
          }));
          await options.handleBatch(messages);
        } catch (error) {
          options.onError?.(error);
          // Do not resolve or commit: stop here so the failing batch is redelivered after a fix.
          void stop();
          return;
        }
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [
                { partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
              ],
            },
          ],
        });
        await heartbeat();
      },
    });
    return {
      stop,
      done,
      lag: () => this.lag(options.groupId, options.topics),
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
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => undefined)));
    this.consumers.clear();
  }
}
