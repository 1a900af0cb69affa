import { Kafka, logLevel, Partitioners, type Admin, type KafkaConfig } from 'kafkajs';
import { ConfigurationError } from '@prm/database';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Partitions for topics the platform creates (default 3). */
  partitions?: number;
}

/** KAFKA_BROKERS=host:port[,host:port…]; refused at start with the variable's name when malformed. */
export function kafkaSettingsFromEnv(
  clientId: string,
  env: NodeJS.ProcessEnv = process.env,
): KafkaSettings | undefined {
  const raw = env.KAFKA_BROKERS;
  if (!raw) return undefined;
  const brokers = raw.split(',').map((b) => b.trim());
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) {
      throw new ConfigurationError('KAFKA_BROKERS', `"${broker}" is not host:port (e.g. 127.0.0.1:9092)`);
    }
  }
  const partitions = env.KAFKA_PARTITIONS ? Number(env.KAFKA_PARTITIONS) : undefined;
  if (partitions !== undefined && (!Number.isInteger(partitions) || partitions < 1)) {
    throw new ConfigurationError('KAFKA_PARTITIONS', 'must be a positive integer');
  }
  return { brokers, clientId, partitions };
}

export function createKafka(settings: KafkaSettings, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5000 },
    ...extra,
  });
}

export const defaultPartitioner = Partitioners.DefaultPartitioner;

/**
 * Creates the topics that do not exist yet, keeping events forever (retention.ms=-1) so a
 * new projection or BI can replay from the start. Existing topics are left as they are.
 */
export async function ensureTopics(
  admin: Admin,
  topics: string[],
  partitions = 3,
  replicationFactor = 1,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: partitions,
      replicationFactor,
      configEntries: [
        { name: 'retention.ms', value: '-1' },
        { name: 'retention.bytes', value: '-1' },
        { name: 'cleanup.policy', value: 'delete' },
      ],
    })),
  });
}
