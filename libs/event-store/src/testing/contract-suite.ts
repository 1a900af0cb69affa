import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RecordedEvent } from '@prm/contracts';
import { testEvent, testEvents } from '@prm/testing';
import {
  DuplicateEventIdError,
  InvalidAppendError,
  WrongExpectedVersionError,
  type EventStore,
  type ExpectedVersion,
} from '../event-store';

const events = testEvents;
const stream = () => `test.contract-${randomUUID()}`;

export interface ContractOptions {
  /** Positions are 1, 2, 3… with no holes (true for the SQL store). */
  densePositions: boolean;
  /** How long the concurrent-writers test appends (ms). */
  concurrencyMs?: number;
}

/**
 * The contract every EventStore adapter must pass. Call inside a spec file with a factory for
 * a fresh, empty store.
 */
export function eventStoreContract(
  name: string,
  open: () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>,
  options: ContractOptions,
  skip: string | false = false,
): void {
  if (skip) {
    // One visible skipped test (suites that skip are not counted by the runner's totals).
    it(`EventStore contract: ${name}`, { skip }, () => undefined);
    return;
  }
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await open());
    });
    after(async () => {
      await cleanup?.();
    });

    it('appends to a new stream with gap-free 0-based versions, read back in order with metadata', async () => {
      const s = stream();
      const written = events(5);
      const result = await store.append(s, written, 'no-stream');
      assert.equal(result.nextExpectedVersion, 4);
      const read = await store.readStream(s);
      assert.deepEqual(
        read.map((e) => e.streamVersion),
        [0, 1, 2, 3, 4],
      );
      assert.deepEqual(
        read.map((e) => e.id),
        written.map((e) => e.id),
      );
      assert.deepEqual(read[0]!.metadata, written[0]!.metadata);
      assert.deepEqual(read[2]!.data, { i: 2 });
      assert.equal(read[0]!.schemaVersion, 1);
      assert.equal(await store.streamVersion(s), 4);
      assert.equal(await store.streamVersion(stream()), null);
      assert.deepEqual(
        (await store.readStream(s, { fromVersion: 3 })).map((e) => e.streamVersion),
        [3, 4],
      );
    });

    const staleCases: Array<{
      kind: string;
      setup: number;
      expected: ExpectedVersion;
      actual: number | null;
    }> = [
      { kind: 'exact version behind', setup: 3, expected: 1, actual: 2 },
      { kind: 'exact version ahead', setup: 3, expected: 7, actual: 2 },
      { kind: 'exact version on a missing stream', setup: 0, expected: 0, actual: null },
      { kind: 'no-stream on an existing stream', setup: 2, expected: 'no-stream', actual: 1 },
      { kind: 'stream-exists on a missing stream', setup: 0, expected: 'stream-exists', actual: null },
    ];
    for (const c of staleCases) {
      it(`refuses a stale expected version (${c.kind}) with a typed error and writes nothing`, async () => {
        const s = stream();
        if (c.setup > 0) await store.append(s, events(c.setup), 'no-stream');
        const headBefore = await store.headPosition();
        await assert.rejects(store.append(s, events(3), c.expected), (error: unknown) => {
          assert.ok(error instanceof WrongExpectedVersionError, String(error));
          assert.equal(error.streamId, s);
          assert.equal(error.expected, c.expected);
          assert.equal(error.actual, c.actual);
          return true;
        });
        assert.equal((await store.readStream(s)).length, c.setup);
        assert.equal(await store.headPosition(), headBefore);
      });
    }

    it('accepts each expected-version kind when it holds, and "any" always', async () => {
      const s = stream();
      assert.equal((await store.append(s, events(1), 'any')).nextExpectedVersion, 0);
      assert.equal((await store.append(s, events(1), 'stream-exists')).nextExpectedVersion, 1);
      assert.equal((await store.append(s, events(2), 1)).nextExpectedVersion, 3);
      assert.equal((await store.append(s, events(1), 'any')).nextExpectedVersion, 4);
      const fresh = stream();
      assert.equal((await store.append(fresh, events(1), 'no-stream')).nextExpectedVersion, 0);
    });

    it('refuses bad input naming the field, writing nothing', async () => {
      const s = stream();
      await assert.rejects(
        store.append(s, [], 'any'),
        (e: unknown) => e instanceof InvalidAppendError && e.field === 'events',
      );
      await assert.rejects(
        store.append(s, [{ ...testEvent(), id: 'not-a-uuid' }], 'any'),
        (e: unknown) => e instanceof InvalidAppendError && e.field === 'events[0].id',
      );
      await assert.rejects(
        store.append('', events(1), 'any'),
        (e: unknown) => e instanceof InvalidAppendError && e.field === 'stream',
      );
      await assert.rejects(
        store.append(s, events(1), -3 as ExpectedVersion),
        (e: unknown) => e instanceof InvalidAppendError && e.field === 'expectedVersion',
      );
      assert.equal(await store.streamVersion(s), null);
    });

    it('refuses an event id that is already stored, and only that append', async () => {
      if (store.adapter === 'kurrentdb') return; // KurrentDB treats a repeated id as an idempotent retry.
      const s = stream();
      const first = testEvent();
      await store.append(s, [first], 'no-stream');
      const other = stream();
      const [dup, ok] = await Promise.allSettled([
        store.append(stream(), [testEvent(), { ...testEvent(), id: first.id }], 'any'),
        store.append(other, events(2), 'no-stream'),
      ]);
      assert.equal(dup.status, 'rejected');
      assert.ok((dup as PromiseRejectedResult).reason instanceof DuplicateEventIdError);
      assert.equal(ok.status, 'fulfilled');
      assert.equal((await store.readStream(other)).length, 2);
    });

    it('lets exactly one of many concurrent appenders with the same expected version win', async () => {
      const s = stream();
      await store.append(s, events(1), 'no-stream');
      const results = await Promise.allSettled(
        Array.from({ length: 16 }, () => store.append(s, events(2), 0)),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        assert.ok((r as PromiseRejectedResult).reason instanceof WrongExpectedVersionError);
      }
      assert.deepEqual(
        (await store.readStream(s)).map((e) => e.streamVersion),
        [0, 1, 2],
      );
    });

    it('keeps per-stream versions gap-free under concurrent read-decide-append with retries', async () => {
      const s = stream();
      const workers = 8;
      const perWorker = 10;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          for (let n = 0; n < perWorker;) {
            const version = await store.streamVersion(s);
            try {
              await store.append(s, events(1), version === null ? 'no-stream' : version);
              n++;
            } catch (error) {
              if (!(error instanceof WrongExpectedVersionError)) throw error;
            }
          }
        }),
      );
      const read = await store.readStream(s);
      assert.deepEqual(
        read.map((e) => e.streamVersion),
        Array.from({ length: workers * perWorker }, (_, i) => i),
      );
    });

    it('readAll never skips an event: 8 concurrent writers while a tail reads, every event exactly once in one total order', async () => {
      const start = await store.headPosition();
      const appended = new Set<string>();
      const seen: RecordedEvent[] = [];
      const sub = store.subscribeToAll(
        async (batch) => {
          seen.push(...batch.filter((e) => e.type === 'ConcurrencyProbe'));
        },
        { after: start, limit: 250, idlePollMs: 20 },
      );
      const deadline = Date.now() + (options.concurrencyMs ?? 3000);
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          let i = 0;
          while (Date.now() < deadline) {
            const batch = events(1 + ((w + i) % 5), 'ConcurrencyProbe');
            await store.append(`test.writer-${w}-${randomUUID()}`, batch, 'no-stream');
            for (const e of batch) appended.add(e.id);
            i++;
          }
        }),
      );
      const head = await store.headPosition();
      const waitUntil = Date.now() + 30_000;
      while (sub.position < head && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
      await sub.stop();
      assert.ok(appended.size > 100, `only ${appended.size} events appended`);
      const ids = seen.map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, 'an event was delivered twice');
      const missing = [...appended].filter((id) => !ids.includes(id));
      assert.equal(missing.length, 0, `${missing.length} of ${appended.size} events were never read`);
      assert.equal(ids.length, appended.size);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(seen[i]!.globalPosition > seen[i - 1]!.globalPosition, 'positions must strictly increase');
      }
      // A second reader paging through the same range sees the same order.
      const again: string[] = [];
      for (let after = start; ;) {
        const page = await store.readAll({ after, limit: 333 });
        if (page.length === 0) break;
        again.push(...page.filter((e) => e.type === 'ConcurrencyProbe').map((e) => e.id));
        after = page[page.length - 1]!.globalPosition;
      }
      assert.deepEqual(again, ids);
      if (options.densePositions) {
        const all = await store.readAll({ after: start, limit: 1_000_000 });
        all.forEach((e, i) => assert.equal(e.globalPosition, start + BigInt(i + 1), 'positions are dense'));
      }
    });
  });
}
