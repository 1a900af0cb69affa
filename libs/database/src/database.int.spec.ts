import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { createTestDatabase, skipUnlessPostgres, type TestDatabase } from '@prm/testing';
import type { Database } from './database';
import { migrate } from './migrations';
import { ConfigurationError, openDatabase } from './open-database';
import { PgliteDatabase } from './pglite-database';
import { PostgresDatabase } from './postgres-database';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isolationSuite(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  skip: string | false,
) {
  describe(`Database isolation on ${name}`, { skip }, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ db, cleanup } = await open());
      await db.query('CREATE TABLE t (id int PRIMARY KEY)');
    });
    after(() => cleanup());

    it('never shows a concurrent transaction its uncommitted rows', async () => {
      const writer = db.transaction(async (s) => {
        await s.query('INSERT INTO t VALUES (1)');
        await sleep(100);
        throw new Error('roll back');
      });
      await sleep(10);
      const seen = await db.transaction(
        async (s) => (await s.query<{ n: string }>('SELECT count(*)::text AS n FROM t')).rows[0]!.n,
      );
      await assert.rejects(writer, /roll back/);
      assert.equal(seen, '0');
      assert.deepEqual(await db.query('SELECT * FROM t'), []);
    });

    it('keeps TypeORM transactions and our own from interleaving', async () => {
      const ds = await new DataSource({ ...db.typeormOptions(), entities: [] }).initialize();
      const typeormTx = ds.transaction(async (m) => {
        await m.query('INSERT INTO t VALUES (2)');
        await sleep(100);
        throw new Error('typeorm roll back');
      });
      await sleep(10);
      const seen = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM t');
      await assert.rejects(typeormTx, /typeorm roll back/);
      assert.equal(seen[0]!.n, '0');
      await ds.query('INSERT INTO t VALUES (3)');
      assert.deepEqual(await db.query('SELECT id FROM t'), [{ id: 3 }]);
      await ds.destroy();
    });

    it('applies migrations once, in order, even when run concurrently', async () => {
      const migrations = [
        { version: 2, name: 'second', sql: 'ALTER TABLE m ADD COLUMN b int' },
        { version: 1, name: 'first', sql: 'CREATE TABLE m (a int)' },
      ];
      const results = await Promise.all([migrate(db, 'test', migrations), migrate(db, 'test', migrations)]);
      assert.deepEqual(results.flat().sort(), [1, 2]);
      assert.deepEqual(await migrate(db, 'test', migrations), []);
    });
  });
}

let tdb: TestDatabase;
isolationSuite(
  'PostgreSQL',
  async () => {
    tdb = await createTestDatabase('database');
    const db = new PostgresDatabase(tdb.url);
    return { db, cleanup: async () => (await db.close(), await tdb.drop()) };
  },
  skipUnlessPostgres(),
);
isolationSuite(
  'PGlite',
  async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: () => db.close() };
  },
  false,
);

describe('openDatabase', () => {
  it('refuses a malformed DATABASE_URL naming the variable', async () => {
    await assert.rejects(
      openDatabase({ url: 'not a url' }),
      (e: unknown) => e instanceof ConfigurationError && e.variable === 'DATABASE_URL',
    );
    await assert.rejects(openDatabase({ url: 'mysql://x@y/z' }), /DATABASE_URL: protocol mysql:/);
  });
});
