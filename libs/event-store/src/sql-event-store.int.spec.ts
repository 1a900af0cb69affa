import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PgliteDatabase, PostgresDatabase } from '@prm/database';
import { createTestDatabase, skipUnlessPostgres, testEvent } from '@prm/testing';
import { SqlEventStore } from './sql-event-store';
import { eventStoreContract } from './testing/contract-suite';

eventStoreContract(
  'PostgreSQL',
  async () => {
    const tdb = await createTestDatabase('es_contract');
    const db = new PostgresDatabase(tdb.url, { max: 20 });
    const store = await SqlEventStore.create(db);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await db.close();
        await tdb.drop();
      },
    };
  },
  { densePositions: true },
  skipUnlessPostgres(),
);

eventStoreContract(
  'PGlite',
  async () => {
    const db = await PgliteDatabase.open();
    const store = await SqlEventStore.create(db);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await db.close();
      },
    };
  },
  { densePositions: true, concurrencyMs: 2000 },
);

describe('SqlEventStore on PGlite', () => {
  it('group-commits concurrent appends and keeps each append atomic', async () => {
    const db = await PgliteDatabase.open();
    const store = await SqlEventStore.create(db);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.append(`test.s-${i}`, [testEvent(), testEvent()], 'no-stream'),
      ),
    );
    const positions = results.flatMap((r) => [r.firstPosition, r.lastPosition]);
    assert.equal(new Set(positions).size, 100);
    assert.equal(await store.headPosition(), 100n);
    await store.close();
    await db.close();
  });
});
