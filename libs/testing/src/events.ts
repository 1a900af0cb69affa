import { randomUUID } from 'node:crypto';
import type { EventMetadata, EventToAppend } from '@prm/contracts';

/** An event to append in tests: a fresh id and correlation id, fixed time, any type and data. */
export function testEvent(
  type = 'TestHappened',
  data: Record<string, unknown> = {},
  metadata: Partial<EventMetadata> = {},
): EventToAppend {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      correlationId: randomUUID(),
      causationId: null,
      actor: 'test',
      occurredAt: '2026-01-01T00:00:00.000Z',
      ...metadata,
    },
  };
}

/** `n` test events of one type, data `{ i }`. */
export function testEvents(n: number, type?: string): EventToAppend[] {
  return Array.from({ length: n }, (_, i) => testEvent(type, { i }));
}
