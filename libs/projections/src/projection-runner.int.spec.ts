import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { InProcessEventBus } from '@prm/messaging';
import { createTestDatabase, skipUnlessPostgres, testEvent, type TestDatabase } from '@prm/testing';
import { ProjectionHaltedError } from './projection';
import { ProjectionRunner } from './projection-runner';
import { counterProjection, EffectEntity } from './testing/counter-projection';

const event = (type?: string) => testEvent(type);

async function effects(db: Database): Promise<Array<{ event_id: string; applied: number }>> {
  return db.query('SELECT event_id, applied FROM test_effects ORDER BY event_id');
}

function runnerSuite(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  skip: string | false,
) {
  describe(`ProjectionRunner over the in-process bus on ${name}`, { skip }, () => {
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

    it('applies every event once; a redelivery changes nothing; a rebuild gives the same rows', async () => {
      for (let s = 0; s < 20; s++) {
        await store.append(
          `test.p-${s}`,
          Array.from({ length: 5 }, () => event()),
          'no-stream',
        );
      }
      await store.append('other.x-1', [event()], 'no-stream'); // another context: not consumed
      const bus = new InProcessEventBus(store, db);
      const runner = new ProjectionRunner(db, bus, counterProjection('counter', ['test']));
      await runner.start();
      await runner.caughtUp();
      const first = await effects(db);
      assert.equal(first.length, 100);
      assert.ok(first.every((r) => r.applied === 1));
      assert.equal(await runner.manager.getRepository(EffectEntity).count(), 100);

      // Redelivery: forget the bus offset (as after a crash before the offset commit).
      await runner.stop();
      await db.query("DELETE FROM bus_offsets WHERE group_id LIKE 'prm.projection.counter.%'");
      const again = new ProjectionRunner(db, bus, counterProjection('counter', ['test']));
      await again.start();
      await again.caughtUp();
      assert.deepEqual(await effects(db), first);
      assert.equal((await again.status()).skippedDuplicates, 100);

      const progress: bigint[] = [];
      await again.rebuild((p) => progress.push(p.done));
      assert.deepEqual(await effects(db), first);
      const status = await again.status();
      assert.equal(status.generation, 2);
      assert.equal(status.state, 'live');
      assert.equal(status.processed, 100);
      assert.ok(progress.length > 0);
      await again.stop();
      await bus.close();
      await db.query('TRUNCATE test_effects');
    });

    it('halts on a poison event, naming it, with nothing of its batch applied; resumes after the fix', async () => {
      let poisoned = true;
      const projection = counterProjection('poison', ['poison'], { poisoned: () => poisoned });
      const bus = new InProcessEventBus(store, db);
      const runner = new ProjectionRunner(db, bus, projection);
      await store.append('poison.s-1', [event(), event()], 'no-stream');
      await runner.start();
      await runner.caughtUp();
      const before = (await effects(db)).length;
      const bad = event('Poison');
      const okAfter = event();
      await store.append('poison.s-2', [event(), bad, okAfter], 'no-stream');
      const badPosition = (await store.readStream('poison.s-2'))[1]!.globalPosition;
      await assert.rejects(runner.caughtUp(5000), (error: unknown) => {
        assert.ok(error instanceof ProjectionHaltedError);
        assert.equal(error.event.streamId, 'poison.s-2');
        assert.equal(error.event.type, 'Poison');
        assert.equal(error.event.globalPosition, badPosition);
        assert.match(error.message, /Poison.*poison\.s-2.*global position/);
        return true;
      });
      assert.equal((await effects(db)).length, before, 'the batch holding the poison event was rolled back');
      const status = await runner.status();
      assert.equal(status.state, 'halted');
      assert.match(status.error ?? '', /poison\.s-2/);
      await runner.stop();

      poisoned = false; // "deploy the fix"
      const fixed = new ProjectionRunner(db, bus, projection);
      await fixed.start();
      await fixed.caughtUp();
      const rows = await effects(db);
      assert.equal(rows.length, before + 3);
      assert.ok(rows.every((r) => r.applied === 1));
      assert.equal((await fixed.status()).state, 'live');
      await fixed.stop();
      await bus.close();
    });
  });
}

let tdb: TestDatabase | undefined;
runnerSuite(
  'PostgreSQL',
  async () => {
    tdb = await createTestDatabase('projections');
    const db = new PostgresDatabase(tdb.url);
    return { db, cleanup: async () => (await db.close(), await tdb!.drop()) };
  },
  skipUnlessPostgres(),
);
runnerSuite(
  'PGlite',
  async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: () => db.close() };
  },
  false,
);
