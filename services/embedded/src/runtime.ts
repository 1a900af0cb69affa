import { openDatabase, type Database } from '@prm/database';
import { openEventStore, type EventStore } from '@prm/event-store';
import { createKafka, InProcessEventBus, KafkaEventBus, OutboxRelay, type EventBus } from '@prm/messaging';
import { CONTEXTS } from '@prm/contracts';
import type { PlatformConfig } from './config';

/**
 * The parts every service plugs into: the database, the event store, the bus, and — when
 * Kafka is configured — the outbox relay. Embedded mode: PGlite + the in-process bus.
 */
export class PlatformRuntime {
  private constructor(
    readonly config: PlatformConfig,
    readonly db: Database,
    readonly store: EventStore,
    readonly bus: EventBus,
    readonly relay: OutboxRelay | undefined,
    readonly startedAt: Date,
  ) {}

  get mode(): 'embedded' | 'distributed' {
    return this.bus.kind === 'kafka' ? 'distributed' : 'embedded';
  }

  static async start(
    config: PlatformConfig,
    log: (line: string) => void = () => undefined,
  ): Promise<PlatformRuntime> {
    const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    const store = await openEventStore(db);
    let bus: EventBus;
    let relay: OutboxRelay | undefined;
    if (config.kafka) {
      const kafka = createKafka(config.kafka);
      bus = new KafkaEventBus(kafka, config.kafka.partitions);
      relay = new OutboxRelay(store, db, kafka, {
        contexts: [...CONTEXTS],
        partitions: config.kafka.partitions,
        log,
      });
      await relay.start();
    } else {
      bus = new InProcessEventBus(store, db);
    }
    log(`database: ${db.kind} at ${db.location}; event store: ${store.adapter}; bus: ${bus.kind}`);
    return new PlatformRuntime(config, db, store, bus, relay, new Date());
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.bus.close();
    await this.store.close();
    await this.db.close();
  }
}
