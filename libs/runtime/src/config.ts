import { ConfigurationError } from '@prm/database';
import type { KafkaSettings } from '@prm/messaging';
import { z } from 'zod';

/**
 * The environment variables every service reads, as zod schema pieces (each service's schema
 * is `serviceEnv.extend({...its own})`). Every piece takes the raw string (or undefined) and
 * says in words what it wants, so the message names the variable and the reason.
 */
const unset = (raw: string | undefined) => raw === undefined || raw === '';

export const portVar = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (unset(raw)) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0 || value > 65535) {
        ctx.addIssue({ code: 'custom', message: `"${raw}" is not a TCP port (0–65535)` });
        return z.NEVER;
      }
      return value;
    });

export const integerVar = (fallback: number, min: number, max: number, what: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (unset(raw)) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `"${raw}" is not ${what}` });
        return z.NEVER;
      }
      return value;
    });

export const postgresUrlVar = z
  .string({ error: "is required: the service's own PostgreSQL database (postgres://user:pass@host:port/db)" })
  .min(1, "is required: the service's own PostgreSQL database (postgres://user:pass@host:port/db)")
  .refine((raw) => {
    try {
      return ['postgres:', 'postgresql:'].includes(new URL(raw).protocol);
    } catch {
      return false;
    }
  }, 'is not a postgres:// URL');

export const currencyVar = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (unset(raw)) return undefined;
    const code = raw!.trim().toUpperCase();
    if (!Intl.supportedValuesOf('currency').includes(code)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${raw}" is not an ISO 4217 currency code (e.g. RUB, EUR, USD)`,
      });
      return z.NEVER;
    }
    return code;
  });

export const secretVar = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (unset(raw)) return undefined;
    if (Buffer.byteLength(raw!) < 16) {
      ctx.addIssue({ code: 'custom', message: 'must be at least 16 bytes (e.g. `openssl rand -hex 32`)' });
      return z.NEVER;
    }
    return raw;
  });

/** What every service of distributed mode needs: its own database, Kafka, its ports. */
export const serviceEnv = z.object({
  DATABASE_URL: postgresUrlVar,
  KAFKA_BROKERS: z
    .string({ error: 'is required: the Kafka brokers (host:port[,host:port…])' })
    .min(1, 'is required: the Kafka brokers (host:port[,host:port…])')
    .transform((raw, ctx) => {
      const brokers = raw.split(',').map((b) => b.trim());
      const bad = brokers.find((b) => !/^[^\s:]+:\d{1,5}$/.test(b));
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `"${bad}" is not host:port (e.g. 127.0.0.1:9092)` });
        return z.NEVER;
      }
      return brokers;
    }),
  /** Partitions of the topics the service creates (default 3). */
  KAFKA_PARTITIONS: integerVar(3, 1, 10_000, 'a positive number of partitions'),
  /** Put before the service's consumer group ids (two deployments sharing one cluster). */
  KAFKA_GROUP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-"')
    .optional(),
  HOST: z.string().optional(),
  PRM_OPERATOR_TOKEN: secretVar,
});

/** The parsed common part of a service's configuration. */
export interface ServiceConfig {
  databaseUrl: string;
  kafka: KafkaSettings;
  consumerGroupPrefix?: string;
  host: string;
  httpPort: number;
  grpcPort: number;
  operatorToken?: string;
}

/**
 * Parses the environment with a service's schema. The first bad or missing variable throws
 * ConfigurationError naming it and the reason (the main prints it and exits with code 2).
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigurationError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  return result.data;
}

/** The common part of a service's configuration, from its parsed variables. */
export function serviceConfigOf(
  service: string,
  env: z.output<typeof serviceEnv> & { PORT: number; GRPC_PORT: number },
): ServiceConfig {
  return {
    databaseUrl: env.DATABASE_URL,
    kafka: { brokers: env.KAFKA_BROKERS, clientId: `prm-${service}`, partitions: env.KAFKA_PARTITIONS },
    consumerGroupPrefix: env.KAFKA_GROUP_PREFIX || undefined,
    host: env.HOST || '127.0.0.1',
    httpPort: env.PORT,
    grpcPort: env.GRPC_PORT,
    operatorToken: env.PRM_OPERATOR_TOKEN,
  };
}
