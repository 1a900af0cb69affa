import { contextOfStream, topicOf } from '@prm/contracts';
import { migrate, type Database } from '@prm/database';
import type { EventStore, Subscription } from '@prm/event-store';
import type { ConsumeOptions, ConsumerHandle, EventBus, Lag } from './event-bus';
import { messagingMigrations } from './migrations';

/** How often a consumer's offset moves past events that are not for it (in-process bus). */
const IDLE_COMMIT_EVERY_MS = 5000;

/**
 * Embedded mode's bus: consumers tail the event store itself, filtered to their topics, and
 * commit their position per group in bus_offsets after each handled batch (past events that
 * are not for them, at most every IDLE_COMMIT_EVERY_MS) — the same
 * at-least-once contract as Kafka consumer groups, with no broker.
 */
export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly subscriptions = new Set<Subscription>();
  private migrated?: Promise<unknown>;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database,
  ) {}

  async consume(options: ConsumeOptions): Promise<ConsumerHandle> {
    this.migrated ??= migrate(this.db, 'messaging', messagingMigrations);
    await this.migrated;
    const rows = await this.db.query<{ position: string }>(
      'SELECT position FROM bus_offsets WHERE group_id = $1',
      [options.groupId],
    );
    const after =
      rows.length > 0
        ? BigInt(rows[0]!.position)
        : options.fromBeginning
          ? 0n
          : await this.store.headPosition();
    const topics = new Set(options.topics);
    let lastCommit = performance.now();
    const subscription = this.store.subscribeToAll(
      async (events) => {
        const messages = events
          .map((event) => ({
            event,
            topic: topicOf(contextOfStream(event.streamId)),
            partition: 0,
            offset: event.globalPosition.toString(),
          }))
          .filter((m) => topics.has(m.topic));
        const now = performance.now();
        // A batch with nothing for this group moves its offset only now and then: re-reading
        // those events after a restart delivers nothing, so the write would only cost (one
        // per consumer per append in embedded mode). A handled batch is committed at once.
        if (messages.length === 0 && now - lastCommit < IDLE_COMMIT_EVERY_MS) return;
        if (messages.length > 0) await options.handleBatch(messages);
        lastCommit = now;
        await this.db.query(
          `INSERT INTO bus_offsets (group_id, position) VALUES ($1, $2)
           ON CONFLICT (group_id) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
          [options.groupId, events[events.length - 1]!.globalPosition.toString()],
        );
      },
      {
        after,
        limit: 1000,
        idlePollMs: 250,
        onError: (error) => {
          options.onError?.(error);
        },
      },
    );
    this.subscriptions.add(subscription);
    const done = subscription.done.then(() => {
      this.subscriptions.delete(subscription);
    });
    return {
      stop: async () => {
        await subscription.stop();
      },
      done,
      lag: async (): Promise<Lag> => {
        const head = await this.store.headPosition();
        return { behind: head - subscription.position, total: head };
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }
}
