import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { EventToAppend } from '@prm/contracts';
import { InvalidAppendError, MAX_APPEND_BYTES, NO_STREAM, validateAppend } from './event-store';

const event = (data: unknown): EventToAppend => ({
  id: randomUUID(),
  type: 'DealRegistered',
  schemaVersion: 1,
  data,
  metadata: {
    correlationId: randomUUID(),
    causationId: null,
    actor: 'user:test',
    occurredAt: '2026-03-14T09:30:00.000Z',
  },
});

describe('validateAppend: the total size of one append (issue 22)', () => {
  it('refuses an append whose events would store more than MAX_APPEND_BYTES, naming events', () => {
    // 100,000 products of 40 bytes: about 4 MB in one event, as a deal registration once stored.
    const products = Array.from({ length: 100_000 }, (_, i) => `product-${i}-${'x'.repeat(30)}`);
    assert.throws(
      () => validateAppend('deals.deal-1', [event({ products })], NO_STREAM),
      (e: unknown) =>
        e instanceof InvalidAppendError && e.field === 'events' && /at most 1048576/.test(e.message),
    );
    // Many events that add up past the bound are refused too; one just under it is fine.
    const chunk = 'y'.repeat(MAX_APPEND_BYTES / 4);
    assert.throws(
      () =>
        validateAppend(
          's',
          [1, 2, 3, 4, 5].map(() => event({ chunk })),
          NO_STREAM,
        ),
      InvalidAppendError,
    );
    validateAppend('s', [event({ chunk: 'z'.repeat(MAX_APPEND_BYTES - 20) })], NO_STREAM);
  });
});
