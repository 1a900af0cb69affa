import { resolve } from 'node:path';
import { ConfigurationError } from '@prm/database';
import { kafkaSettingsFromEnv, type KafkaSettings } from '@prm/messaging';

export interface PlatformConfig {
  /** PostgreSQL URL (distributed) or undefined for PGlite in dataDir (embedded). */
  databaseUrl?: string;
  dataDir: string;
  httpHost: string;
  httpPort: number;
  /** gRPC for internal callers (partners today; each service adds its package). */
  grpcPort: number;
  kafka?: KafkaSettings;
  seedDemoData: boolean;
  /** Partners a PAM runs well; above it assignments raise PamOverCapacity. */
  pamCapacity: number;
  /** ISO 4217; commissions are also recorded in it, converted at the close date's rate. */
  reportingCurrency?: string;
  /** Days without a deal registration, win or training after which an active partner is dormant. */
  dormantAfterDays: number;
  /**
   * The per-deployment secret for account-mapping keyed hashes (privacy mode). Embedded mode
   * creates one in the data directory when unset; distributed mode must set it to use privacy mode.
   */
  mappingHmacSecret?: string;
  /**
   * Bearer token of GET /health/details (database adapter, event-store head, relay lag);
   * unset: the details endpoint is off. /health, /health/live and /health/ready show no internals.
   */
  operatorToken?: string;
  /** A gRPC client stream (account-list upload) idle this long fails and commits nothing; 0 = never. */
  uploadIdleTimeoutMs: number;
}

/** An integer variable in [min, max], or the fallback when unset; refused with its name otherwise. */
function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  what: string,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigurationError(name, `"${raw}" is not ${what}`);
  return value;
}

const port = (env: NodeJS.ProcessEnv, name: string, fallback: number) =>
  integer(env, name, fallback, 0, 65535, 'a TCP port (0–65535)');

function currency(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const code = raw.trim().toUpperCase();
  if (!Intl.supportedValuesOf('currency').includes(code))
    throw new ConfigurationError(name, `"${raw}" is not an ISO 4217 currency code (e.g. RUB, EUR, USD)`);
  return code;
}

function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (Buffer.byteLength(raw) < 16)
    throw new ConfigurationError(name, 'must be at least 16 bytes (e.g. `openssl rand -hex 32`)');
  return raw;
}

/** Reads and checks the environment once at start; a bad variable stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const seed = env.PRM_SEED_DEMO ?? 'true';
  if (!['true', 'false', '1', '0'].includes(seed))
    throw new ConfigurationError('PRM_SEED_DEMO', 'must be true or false');
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.PRM_DATA_DIR ?? 'data'),
    httpHost: env.HOST ?? '127.0.0.1',
    httpPort: port(env, 'PORT', 3000),
    grpcPort: port(env, 'GRPC_PORT', 50051),
    kafka: kafkaSettingsFromEnv('prm-platform', env),
    seedDemoData: seed === 'true' || seed === '1',
    pamCapacity: integer(env, 'PRM_PAM_CAPACITY', 10, 1, 10_000, 'a positive integer'),
    reportingCurrency: currency(env, 'PRM_REPORTING_CURRENCY'),
    dormantAfterDays: integer(env, 'PRM_DORMANT_AFTER_DAYS', 90, 1, 3650, 'a positive whole number of days'),
    mappingHmacSecret: secret(env, 'PRM_MAPPING_HMAC_SECRET'),
    operatorToken: secret(env, 'PRM_OPERATOR_TOKEN'),
    uploadIdleTimeoutMs: integer(
      env,
      'PRM_UPLOAD_IDLE_TIMEOUT_MS',
      30_000,
      0,
      3_600_000,
      'a number of milliseconds (0–3600000)',
    ),
  };
}
