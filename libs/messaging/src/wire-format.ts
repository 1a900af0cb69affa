import { KafkaHeaders, type RecordedEvent } from '@prm/contracts';
import type { SerializedEvent } from '@prm/event-store';

/** The Kafka message value: the whole envelope as JSON (schemas in libs/contracts/schemas). */
export interface WireEvent {
  id: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  streamVersion: number;
  globalPosition: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  recordedAt: string;
}

/** The event with its envelope serialized as the message value (what the database gives the relay). */
export function serializeEvent(event: RecordedEvent): SerializedEvent {
  const wire: WireEvent = {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition.toString(),
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  };
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    globalPosition: event.globalPosition,
    correlationId: event.metadata.correlationId,
    json: JSON.stringify(wire),
  };
}

export interface KafkaMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export function kafkaMessageOf(event: SerializedEvent): KafkaMessage {
  return {
    key: event.streamId,
    value: event.json,
    headers: {
      [KafkaHeaders.type]: event.type,
      [KafkaHeaders.schemaVersion]: String(event.schemaVersion),
      [KafkaHeaders.eventId]: event.id,
      [KafkaHeaders.globalPosition]: event.globalPosition.toString(),
      [KafkaHeaders.correlationId]: event.correlationId,
    },
  };
}

export function toKafkaMessage(event: RecordedEvent): KafkaMessage {
  return kafkaMessageOf(serializeEvent(event));
}

export class MalformedMessageError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    reason: string,
  ) {
    super(`${topic}[${partition}]@${offset}: not a platform event (${reason})`);
    this.name = 'MalformedMessageError';
  }
}

export function fromKafkaValue(
  value: Buffer | null,
  where: { topic: string; partition: number; offset: string },
): RecordedEvent {
  if (!value) throw new MalformedMessageError(where.topic, where.partition, where.offset, 'empty value');
  let wire: WireEvent;
  try {
    wire = JSON.parse(value.toString('utf8')) as WireEvent;
  } catch {
    throw new MalformedMessageError(where.topic, where.partition, where.offset, 'value is not JSON');
  }
  if (typeof wire.id !== 'string' || typeof wire.type !== 'string' || typeof wire.streamId !== 'string') {
    throw new MalformedMessageError(
      where.topic,
      where.partition,
      where.offset,
      'missing id, type or streamId',
    );
  }
  return {
    id: wire.id,
    type: wire.type,
    schemaVersion: wire.schemaVersion,
    streamId: wire.streamId,
    streamVersion: wire.streamVersion,
    globalPosition: BigInt(wire.globalPosition),
    data: wire.data,
    metadata: wire.metadata,
    recordedAt: new Date(wire.recordedAt),
  };
}
