import { EventEmitter } from 'node:events';
import type { EventToAppend, RecordedEvent } from '@prm/contracts';
import {
  excludeSystemEvents,
  jsonEvent,
  KurrentDBClient,
  WrongExpectedVersionError as KurrentWrongVersion,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import {
  validateAppend,
  WrongExpectedVersionError,
  type AppendResult,
  type BatchHandler,
  type EventStore,
  type ExpectedVersion,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeOptions,
  type Subscription,
} from './event-store';
import { tailLog } from './tail';

type Metadata = RecordedEvent['metadata'] & { schemaVersion?: number };

function toStreamState(expected: ExpectedVersion): AppendStreamState {
  if (expected === 'no-stream') return 'no_stream';
  if (expected === 'stream-exists') return 'stream_exists';
  if (expected === 'any') return 'any';
  return BigInt(expected);
}

function fromKurrent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const e = resolved.event;
  if (!e || !e.isJson) return undefined;
  const { schemaVersion, ...metadata } = (e.metadata ?? {}) as Metadata;
  return {
    id: e.id,
    type: e.type,
    schemaVersion: schemaVersion ?? 1,
    data: e.data,
    metadata: metadata as RecordedEvent['metadata'],
    streamId: e.streamId,
    streamVersion: Number(e.revision),
    globalPosition: e.position?.commit ?? 0n,
    recordedAt: e.created,
  };
}

/**
 * KurrentDB (EventStoreDB) adapter. The global position is KurrentDB's commit position, so
 * positions are increasing but not dense. Runs the shared contract suite when KURRENTDB_URL
 * is set (e.g. `kurrentdb://127.0.0.1:2113?tls=false`).
 */
export class KurrentDbEventStore implements EventStore {
  readonly adapter = 'kurrentdb';
  private readonly client: KurrentDBClient;
  private readonly appended = new EventEmitter();

  constructor(connectionString: string) {
    this.client = KurrentDBClient.connectionString(connectionString);
  }

  async append(
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    validateAppend(stream, events, expected);
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((e) =>
          jsonEvent({
            id: e.id,
            type: e.type,
            data: e.data as Record<string, unknown>,
            metadata: { ...e.metadata, schemaVersion: e.schemaVersion },
          }),
        ),
        { streamState: toStreamState(expected) },
      );
      this.appended.emit('appended');
      const position = result.position?.commit ?? 0n;
      return {
        nextExpectedVersion: Number(result.nextExpectedRevision),
        firstPosition: position,
        lastPosition: position,
      };
    } catch (error) {
      if (error instanceof KurrentWrongVersion) {
        const actual = error.actualState;
        throw new WrongExpectedVersionError(
          stream,
          expected,
          typeof actual === 'bigint' ? Number(actual) : null,
        );
      }
      throw error;
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        fromRevision: BigInt(options.fromVersion ?? 0),
        maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
      })) {
        const event = fromKurrent(resolved);
        if (event) out.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  async streamVersion(stream: string): Promise<number | null> {
    try {
      for await (const resolved of this.client.readStream(stream, {
        fromRevision: 'end',
        direction: 'backwards',
        maxCount: 1,
      })) {
        if (resolved.event) return Number(resolved.event.revision);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
    return null;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    const limit = options.limit ?? 1000;
    const out: RecordedEvent[] = [];
    for await (const resolved of this.client.readAll({
      fromPosition: after === 0n ? 'start' : { commit: after, prepare: after },
      maxCount: limit + 1,
      filter: excludeSystemEvents(),
    })) {
      const event = fromKurrent(resolved);
      if (!event || event.globalPosition <= after) continue;
      out.push(event);
      if (out.length === limit) break;
    }
    return out;
  }

  async headPosition(): Promise<bigint> {
    for await (const resolved of this.client.readAll({
      fromPosition: 'end',
      direction: 'backwards',
      maxCount: 1,
      filter: excludeSystemEvents(),
    })) {
      return resolved.event?.position?.commit ?? 0n;
    }
    return 0n;
  }

  subscribeToAll(handler: BatchHandler, options: SubscribeOptions = {}): Subscription {
    return tailLog(this, this.appended, handler, options);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
