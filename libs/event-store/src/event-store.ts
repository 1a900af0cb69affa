import type { EventToAppend, RecordedEvent } from '@prm/contracts';

/**
 * What the appender expects the stream to be: its exact current version (0-based, the
 * version of its last event), `no-stream` (it must not exist), `stream-exists`, or `any`.
 */
export type ExpectedVersion = number | 'no-stream' | 'stream-exists' | 'any';

export const NO_STREAM = 'no-stream' as const;
export const STREAM_EXISTS = 'stream-exists' as const;
export const ANY = 'any' as const;

export interface AppendResult {
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  firstPosition: bigint;
  lastPosition: bigint;
}

export interface ReadStreamOptions {
  /** First stream version to return (default 0). */
  fromVersion?: number;
  /** Most events to return (default all). */
  limit?: number;
}

export interface ReadAllOptions {
  /** Return events strictly after this global position (0n = from the start). */
  after?: bigint;
  /** Most events to return (default 1000). */
  limit?: number;
}

export interface SubscribeOptions extends ReadAllOptions {
  /** How long to wait for new events between polls when nothing notifies (default 500 ms). */
  idlePollMs?: number;
  /** Called when the handler or a read fails; the subscription stops after it. */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  stop(): Promise<void>;
  /** Resolves when the subscription has stopped (by stop() or an error). */
  readonly done: Promise<void>;
  /** The last position handed to the handler successfully. */
  readonly position: bigint;
}

export type BatchHandler = (events: readonly RecordedEvent[]) => Promise<void>;

/**
 * An event with its whole envelope already serialized as JSON by the database: the fields of
 * RecordedEvent, `globalPosition` as a decimal string and `recordedAt` as an ISO 8601 UTC
 * string with milliseconds (the Kafka message value, libs/messaging wire-format). The outbox
 * relay reads these so Node neither parses the payloads nor serializes them again.
 */
export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly globalPosition: bigint;
  readonly correlationId: string;
  readonly json: string;
}

/** The event store port. Every adapter passes the same contract suite (contract-suite.ts). */
export interface EventStore {
  readonly adapter: string;
  append(stream: string, events: readonly EventToAppend[], expected: ExpectedVersion): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The current version of a stream, or null when it does not exist. */
  streamVersion(stream: string): Promise<number | null>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The position of the last committed event (0n when empty). */
  headPosition(): Promise<bigint>;
  /**
   * Tails the global log from `after`: hands every committed event to `handler` exactly once,
   * in global order, in batches; waits for new events when caught up.
   */
  subscribeToAll(handler: BatchHandler, options?: SubscribeOptions): Subscription;
  /**
   * Optional, for adapters whose database can serialize: subscribeToAll with each event's
   * envelope as JSON text (SerializedEvent), the same events in the same order.
   */
  subscribeToAllSerialized?(
    handler: (events: readonly SerializedEvent[]) => Promise<void>,
    options?: SubscribeOptions,
  ): Subscription;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** null when the stream does not exist. */
    readonly actual: number | null,
  ) {
    super(
      `stream ${streamId}: expected ${typeof expected === 'number' ? `version ${expected}` : expected}, ` +
        `but it is ${actual === null ? 'absent' : `at version ${actual}`}`,
    );
    this.name = 'WrongExpectedVersionError';
  }
}

export class DuplicateEventIdError extends Error {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(
    readonly streamId: string,
    detail: string,
  ) {
    super(`stream ${streamId}: an event with the same id is already stored (${detail})`);
    this.name = 'DuplicateEventIdError';
  }
}

export class InvalidAppendError extends Error {
  readonly code = 'INVALID_APPEND';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidAppendError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The most one append may store, the events' data as JSON added up: what a command may write
 * at once (a request that would store more is refused, naming `events`, and nothing is written).
 */
export const MAX_APPEND_BYTES = 1_048_576;

/** Checks an append's arguments before anything is written; throws InvalidAppendError naming the field. */
export function validateAppend(
  stream: string,
  events: readonly EventToAppend[],
  expected: ExpectedVersion,
): void {
  if (typeof stream !== 'string' || stream.trim() === '')
    throw new InvalidAppendError('stream', 'must be a non-empty string');
  if (stream.length > 500) throw new InvalidAppendError('stream', 'must be at most 500 characters');
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new InvalidAppendError(
        'expectedVersion',
        'must be a non-negative integer, no-stream, stream-exists or any',
      );
    }
  } else if (expected !== NO_STREAM && expected !== STREAM_EXISTS && expected !== ANY) {
    throw new InvalidAppendError('expectedVersion', `unknown value ${String(expected)}`);
  }
  if (!Array.isArray(events) || events.length === 0)
    throw new InvalidAppendError('events', 'must contain at least one event');
  events.forEach((e, i) => {
    if (!UUID.test(e.id)) throw new InvalidAppendError(`events[${i}].id`, 'must be a UUID');
    if (typeof e.type !== 'string' || e.type === '')
      throw new InvalidAppendError(`events[${i}].type`, 'must be a non-empty string');
    if (!Number.isInteger(e.schemaVersion) || e.schemaVersion < 1) {
      throw new InvalidAppendError(`events[${i}].schemaVersion`, 'must be an integer ≥ 1');
    }
    if (e.data === undefined) throw new InvalidAppendError(`events[${i}].data`, 'is required');
    if (
      !e.metadata ||
      typeof e.metadata.correlationId !== 'string' ||
      typeof e.metadata.occurredAt !== 'string'
    ) {
      throw new InvalidAppendError(`events[${i}].metadata`, 'needs correlationId and occurredAt');
    }
  });
  let bytes = 0;
  for (const e of events) bytes += Buffer.byteLength(JSON.stringify(e.data) ?? '');
  if (bytes > MAX_APPEND_BYTES)
    throw new InvalidAppendError(
      'events',
      `the request would store ${bytes} bytes of events, at most ${MAX_APPEND_BYTES}; send less at once`,
    );
}
