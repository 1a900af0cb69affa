/**
 * The outbox relay as its own process (distributed mode, and the crash test):
 *   DATABASE_URL=… KAFKA_BROKERS=… node libs/messaging/dist/relay-main.js
 * PRM_RELAY_CRASH_AFTER_BATCH=N kills the process with SIGKILL between publishing batch N and
 * saving its checkpoint (fault injection for tests only).
 */
import { openDatabase, ConfigurationError } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { createKafka, kafkaSettingsFromEnv } from './kafka';
import { OutboxRelay } from './outbox-relay';

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL)
    throw new ConfigurationError('DATABASE_URL', 'is required for the relay process');
  const settings = kafkaSettingsFromEnv('prm-outbox-relay');
  if (!settings) throw new ConfigurationError('KAFKA_BROKERS', 'is required for the relay process');
  const db = await openDatabase({ url: process.env.DATABASE_URL });
  const store = await SqlEventStore.create(db);
  const crash = process.env.PRM_RELAY_CRASH_AFTER_BATCH;
  const relay = new OutboxRelay(store, db, createKafka(settings), {
    name: process.env.PRM_RELAY_NAME ?? 'default',
    partitions: settings.partitions,
    batchSize: process.env.PRM_RELAY_BATCH ? Number(process.env.PRM_RELAY_BATCH) : undefined,
    crashAfterPublishingBatch: crash ? Number(crash) : undefined,
    log: (line) => console.log(line),
  });
  await relay.start();
  console.log('relay ready');
  const shutdown = async () => {
    await relay.stop();
    await store.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
