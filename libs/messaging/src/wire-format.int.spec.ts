import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { createTestDatabase, skipUnlessPostgres, testEvent, type TestDatabase } from '@prm/testing';
import { kafkaMessageOf, serializeEvent } from './wire-format';

// Payloads a JSON round trip through jsonb could change: unicode, escapes, numbers, nesting, nulls.
const payloads: unknown[] = [
  { name: 'ООО «Ромашка»', emoji: '🚀', quote: 'a "b" \\ c\n\t', empty: '' },
  {
    amount: '12345678901234567890.12',
    n: 0,
    neg: -1.5,
    big: 1e21,
    small: 1.25e-7,
    flag: false,
    nothing: null,
  },
  { nested: { list: [1, 'two', { three: [3] }], deep: { a: { b: { c: [] } } } } },
  {},
];

function suite(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  skip: string | false,
) {
  describe(`serialized reads on ${name}`, { skip }, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let store: SqlEventStore;
    before(async () => {
      ({ db, cleanup } = await open());
      store = await SqlEventStore.create(db);
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    it('the database builds the same envelope and headers the relay built in Node', async () => {
      await store.append(
        'wire.s-1',
        payloads.map((data) => ({ ...testEvent('WireChecked'), data })),
        'no-stream',
      );
      await store.append('wire.s-2', [testEvent()], 'no-stream');
      const events = await store.readAll({ after: 0n, limit: 100 });
      const serialized = await store.readAllSerialized({ after: 0n, limit: 100 });
      assert.equal(serialized.length, events.length);
      for (let i = 0; i < events.length; i++) {
        const expected = serializeEvent(events[i]!);
        const actual = serialized[i]!;
        assert.deepEqual(JSON.parse(actual.json), JSON.parse(expected.json), `event ${i}`);
        assert.deepEqual(
          { ...kafkaMessageOf(actual), value: undefined },
          { ...kafkaMessageOf(expected), value: undefined },
        );
      }
      const page = await store.readAllSerialized({ after: events[1]!.globalPosition, limit: 2 });
      assert.deepEqual(
        page.map((e) => e.globalPosition),
        events.slice(2, 4).map((e) => e.globalPosition),
      );
    });
  });
}

let tdb: TestDatabase | undefined;
suite(
  'PostgreSQL',
  async () => {
    tdb = await createTestDatabase('wire');
    const db = new PostgresDatabase(tdb.url);
    return { db, cleanup: async () => (await db.close(), await tdb!.drop()) };
  },
  skipUnlessPostgres(),
);
suite(
  'PGlite',
  async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: () => db.close() };
  },
  false,
);
