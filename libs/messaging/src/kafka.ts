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

/** The name of ensureTopics' own retriable error: some partition has no leader yet. */
const LEADERLESS = 'TopicsWithoutLeader';

/**
 * Creates the topics that do not exist yet, keeping events forever (retention.ms=-1) so a
 * new projection or BI can replay from the start. Existing topics are left as they are.
 *
 * Resolves when every partition of the topics has a leader. A broker that was just started
 * answers requests while it is still loading its partitions and says meanwhile that it does
 * not host them (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE): such retriable errors
 * are retried until timeoutMs, so a service started together with its broker waits for it
 * instead of failing at start.
 */
export async function ensureTopics(
  admin: Admin,
  topics: string[],
  partitions = 3,
  replicationFactor = 1,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length > 0)
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
      const metadata = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.topics.flatMap((t) =>
        t.partitions.filter((p) => p.leader < 0).map((p) => `${t.name}/${p.partitionId}`),
      );
      if (leaderless.length > 0)
        throw Object.assign(new Error(`no leader yet for ${leaderless.join(', ')}`), {
          name: LEADERLESS,
          retriable: true,
        });
      return;
    } catch (error) {
      if (!isRetriable(error) || Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, Math.min(1000, 100 * attempt)));
    }
  }
}

/**
 * A broker's answer that it may stop giving by itself (it is loading its partitions, a leader
 * is being elected). An unreachable broker is not one of them: that fails as before, after
 * kafkajs's own retries, with its connection error.
 */
function isRetriable(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const { name, retriable } = e as { name?: string; retriable?: boolean };
    if (retriable === true && (name === 'KafkaJSProtocolError' || name === LEADERLESS)) return true;
  }
  return false;
}
