import type { OnApplicationShutdown } from '@nestjs/common';
import { openDatabase, type Database } from '@prm/database';
import { openEventStore, type EventStore } from '@prm/event-store';
import {
  createKafka,
  InProcessEventBus,
  KafkaEventBus,
  type EventBus,
  type KafkaSettings,
  type OutboxRelay,
} from '@prm/messaging';
import type { Kafka } from 'kafkajs';

export interface RuntimeOptions {
  /** PostgreSQL URL (distributed) or undefined for PGlite in dataDir (embedded). */
  databaseUrl?: string;
  /** PGlite's data directory when databaseUrl is unset. */
  dataDir?: string;
  /** Kafka between the services; unset: the in-process bus over the one event store. */
  kafka?: KafkaSettings;
  /** Put before every Kafka consumer group id (tests and deployments sharing one cluster). */
  consumerGroupPrefix?: string;
  log?: (line: string) => void;
}

/** Something started at bootstrap that readiness waits for (a projection runner, a consumer). */
export interface ReadinessSource {
  readonly name: string;
  readonly started: boolean;
}

/**
 * The parts every context module plugs into: the database, the event store, the bus (Kafka in
 * distributed mode, in-process in embedded mode) and the Kafka client for the contexts' outbox
 * relays. One per Nest application; closed last, after every module has stopped its workers.
 */
export class PlatformRuntime implements OnApplicationShutdown {
  /** Each context's outbox relay, by context (distributed mode only). */
  readonly relays = new Map<string, OutboxRelay>();
  /** What /health/ready waits for. */
  readonly readiness: ReadinessSource[] = [];
  readonly log: (line: string) => void;
  private closed = false;

  private constructor(
    readonly options: RuntimeOptions,
    readonly db: Database,
    readonly store: EventStore,
    readonly bus: EventBus,
    readonly kafka: Kafka | undefined,
    readonly startedAt: Date,
  ) {
    this.log = options.log ?? (() => undefined);
  }

  get mode(): 'embedded' | 'distributed' {
    return this.bus.kind === 'kafka' ? 'distributed' : 'embedded';
  }

  /** Partitions of the topics the platform creates. */
  get partitions(): number | undefined {
    return this.options.kafka?.partitions;
  }

  static async open(options: RuntimeOptions): Promise<PlatformRuntime> {
    const log = options.log ?? (() => undefined);
    const db = await openDatabase({ url: options.databaseUrl, dataDir: options.dataDir });
    try {
      const store = await openEventStore(db);
      let bus: EventBus;
      let kafka: Kafka | undefined;
      if (options.kafka) {
        kafka = createKafka(options.kafka);
        bus = new KafkaEventBus(kafka, options.kafka.partitions, {
          groupIdPrefix: options.consumerGroupPrefix,
          log,
        });
      } else {
        bus = new InProcessEventBus(store, db);
      }
      log(`database: ${db.kind} at ${db.location}; event store: ${store.adapter}; bus: ${bus.kind}`);
      return new PlatformRuntime(options, db, store, bus, kafka, new Date());
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
  }

  /** Ready to serve: every registered worker has started. */
  get allStarted(): boolean {
    return this.readiness.every((r) => r.started);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.bus.close();
    await this.store.close();
    await this.db.close();
  }

  /** Nest: the last phase of shutdown, after every module stopped its workers (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
