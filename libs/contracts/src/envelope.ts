/**
 * The event envelope shared by every context. Published events are contracts: add fields,
 * never change or remove them; bump `schemaVersion` (and upcast on read) when you must.
 */
export interface EventMetadata {
  /** Ties together everything caused by one request. */
  correlationId: string;
  /** The event or command id that caused this event; null for a user's command. */
  causationId: string | null;
  /** Who did it: `user:<id>`, `partner-user:<id>`, `service:<name>`, `system:<job>`. */
  actor: string;
  /** When it happened in the domain (ISO-8601 UTC), passed in by the caller, never read from a clock in domain code. */
  occurredAt: string;
  [extra: string]: unknown;
}

/** An event about to be appended. */
export interface EventToAppend<Type extends string = string, Data = unknown> {
  /** UUID; appending the same id twice is refused by the store. */
  id: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
}

/** An event as stored: envelope plus its place in its stream and in the global log. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends EventToAppend<
  Type,
  Data
> {
  streamId: string;
  /** 0-based, gap-free within the stream. */
  streamVersion: number;
  /** Position in the global log: strictly increasing in commit order. */
  globalPosition: bigint;
  recordedAt: Date;
}

/** Bounded contexts; each has one Kafka topic. */
export const CONTEXTS = ['partners', 'deals', 'metrics', 'mapping', 'notifications'] as const;
export type Context = (typeof CONTEXTS)[number];

/** `prm.<context>.events.v1` */
export function topicOf(context: string): string {
  return `prm.${context}.events.v1`;
}

/**
 * Stream ids are `<context>.<category>-<id>`, e.g. `partners.partner-7f3c…`. The context
 * prefix routes the stream's events to its topic without a lookup table.
 */
export function streamId(context: string, category: string, id: string): string {
  return `${context}.${category}-${id}`;
}

export function contextOfStream(stream: string): string {
  const dot = stream.indexOf('.');
  if (dot <= 0) throw new Error(`stream id "${stream}" has no "<context>." prefix`);
  return stream.slice(0, dot);
}

/** Kafka header names set by the outbox relay on every message. */
export const KafkaHeaders = {
  type: 'prm-event-type',
  schemaVersion: 'prm-schema-version',
  eventId: 'prm-event-id',
  globalPosition: 'prm-global-position',
  correlationId: 'prm-correlation-id',
} as const;
