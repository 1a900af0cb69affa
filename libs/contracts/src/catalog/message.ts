import { z } from 'zod';
import type { EventMetadata } from '../envelope';
import { Count, Id, IsoDateTime } from './common';

/**
 * Runtime schema of {@link EventMetadata}. Extra keys are allowed (the interface has an
 * index signature), so a producer may add tracing fields without a contract change.
 */
export const eventMetadataSchema = z
  .looseObject({
    correlationId: z
      .string()
      .min(1)
      .describe('Ties together everything caused by one request; same value across contexts.'),
    causationId: z
      .string()
      .min(1)
      .nullable()
      .describe('The event or command id that caused this event; null for a user’s command.'),
    actor: z
      .string()
      .min(1)
      .describe('Who did it: `user:<id>`, `partner-user:<id>`, `service:<name>` or `system:<job>`.'),
    occurredAt: IsoDateTime.describe('When it happened in the domain, ISO-8601 UTC.'),
  })
  .describe(
    'Event metadata; unknown extra keys may appear and should be ignored.',
  ) satisfies z.ZodType<EventMetadata>;

/** What a message-value schema needs to know about an event. */
export interface MessageValueSource {
  readonly type: string;
  readonly context: string;
  readonly schemaVersion: number;
  readonly description: string;
  readonly data: z.ZodType;
}

/**
 * The whole Kafka message value the outbox relay publishes for one event: the recorded
 * event as JSON, with `globalPosition` as a decimal string (it is a 64-bit integer) and
 * `recordedAt` as an ISO-8601 UTC string.
 */
export function messageValueSchema(event: MessageValueSource) {
  const version = `v${event.schemaVersion}`;
  return z
    .object({
      id: Id.describe('Event id (UUID). A redelivered event keeps its id: deduplicate on it.'),
      type: z.literal(event.type).describe('Event type.'),
      schemaVersion: z
        .literal(event.schemaVersion)
        .describe(
          'Version of the `data` schema; a breaking change gets a new version and a new schema file.',
        ),
      streamId: z
        .string()
        .regex(new RegExp(`^${event.context}\\..+$`), `must start with "${event.context}."`)
        .describe('The aggregate’s stream, `<context>.<category>-<id>`; also the Kafka message key.'),
      streamVersion: Count.describe('0-based, gap-free position of the event in its stream.'),
      globalPosition: z
        .string()
        .regex(/^[0-9]+$/, 'must be a non-negative integer as a decimal string')
        .describe(
          'Position in the global event log as a decimal string (64-bit): strictly increasing in commit order.',
        ),
      data: event.data.describe(`Payload of ${event.type} ${version}.`),
      metadata: eventMetadataSchema,
      recordedAt: IsoDateTime.describe('When the event store recorded the event, ISO-8601 UTC.'),
    })
    .meta({ title: `${event.type} ${version}`, description: event.description });
}
