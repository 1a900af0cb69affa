import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedEvent } from '@prm/contracts';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
import { createTestDatabase, skipUnlessPostgres, testEvent } from '@prm/testing';
import { SqlEventStore } from './sql-event-store';

/** The store's database, counting the log reads sent to it. */
function countingReads(db: Database): { db: Database; reads: () => number } {
  let reads = 0;
  const counted = Object.create(db) as Database;
  counted.query = (sql: string, params?: unknown[]) => {
    if (/FROM es_events WHERE global_position >/.test(sql)) reads++;
    return db.query(sql, params);
  };
  return { db: counted, reads: () => reads };
}

/** Subscribes `count` tailers from the start; each records what it received. */
function tailers(store: SqlEventStore, count: number) {
  const seen = Array.from({ length: count }, () => [] as RecordedEvent[]);
  const subscriptions = seen.map((into) =>
    store.subscribeToAll(
      async (events) => {
        into.push(...events);
      },
      { idlePollMs: 100 },
    ),
  );
  return { seen, stop: () => Promise.all(subscriptions.map((s) => s.stop())) };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function assertEveryEventOnceInOrder(seen: RecordedEvent[][], head: number): void {
  for (const events of seen) {
    assert.deepEqual(
      events.map((e) => Number(e.globalPosition)),
      Array.from({ length: head }, (_, i) => i + 1),
    );
  }
}

describe('the tail cache: subscriptions of one store share their reads of the log', () => {
  it('on PGlite, 20 tailers receive every event once and in order with far fewer reads than 20 each', async () => {
    const pglite = await PgliteDatabase.open();
    const { db, reads } = countingReads(pglite);
    const store = await SqlEventStore.create(db);
    const { seen, stop } = tailers(store, 20);
    try {
      // 200 appends in bursts, as concurrent commands make them.
      for (let burst = 0; burst < 20; burst++) {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.append(`test.s-${burst}-${i}`, [testEvent()], 'no-stream'),
          ),
        );
        await new Promise((r) => setTimeout(r, 5));
      }
      await until(() => seen.every((s) => s.length === 200), 'every tailer to reach the head');
      assertEveryEventOnceInOrder(seen, 200);
      // Without sharing each tailer reads at least once per burst it wakes for (20 × 20 = 400).
      assert.ok(reads() < 150, `${reads()} log reads for 20 tailers over 20 bursts`);
      const { hits, shared } = store.tailCacheStats;
      assert.ok(hits + shared > 0, 'answered from the cache or by a read already in flight');
    } finally {
      await stop();
      await store.close();
      await pglite.close();
    }
  });

  it(
    'on PostgreSQL, events appended by another process (another store on the database) reach the tailers',
    { skip: skipUnlessPostgres() },
    async () => {
      const tdb = await createTestDatabase('tail_cache');
      const dbA = new PostgresDatabase(tdb.url);
      const dbB = new PostgresDatabase(tdb.url);
      const reader = await SqlEventStore.create(dbA);
      const writer = await SqlEventStore.create(dbB);
      const { seen, stop } = tailers(reader, 5);
      try {
        for (let i = 0; i < 50; i++) {
          // Both stores append: the reader's own appends and the other process's interleave.
          await (i % 2 === 0 ? writer : reader).append(`test.r-${i}`, [testEvent()], 'no-stream');
          if (i % 10 === 0) await new Promise((r) => setTimeout(r, 20));
        }
        await until(() => seen.every((s) => s.length === 50), 'every tailer to see the other store’s events');
        assertEveryEventOnceInOrder(seen, 50);
      } finally {
        await stop();
        await reader.close();
        await writer.close();
        await dbA.close();
        await dbB.close();
        await tdb.drop();
      }
    },
  );
});
