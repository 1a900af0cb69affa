import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTestDatabase, kafkaBrokers, skipUnlessPostgresAndKafka, testEvent } from '@prm/testing';
import { loadConfig } from './config';
import { startPlatform } from './platform';

const mainJs = join(__dirname, 'main.js');

describe('Embedded platform (PGlite + in-process bus)', () => {
  it('boots with a health endpoint, answers unknown routes with problem+json, and keeps its data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prm-embedded-'));
    try {
      const config = loadConfig({ PRM_DATA_DIR: dataDir, PORT: '0' });
      const first = await startPlatform(config);
      try {
        const health = await fetch(`${first.url}/health`);
        assert.equal(health.status, 200);
        const body = (await health.json()) as {
          status: string;
          mode: string;
          eventStore: { adapter: string };
        };
        assert.equal(body.status, 'ok');
        assert.equal(body.mode, 'embedded');
        assert.equal(body.eventStore.adapter, 'pglite');
        const missing = await fetch(`${first.url}/no-such-thing`);
        assert.equal(missing.status, 404);
        assert.match(missing.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(((await missing.json()) as { status: number }).status, 404);
        await first.runtime.store.append('test.restart-1', [testEvent()], 'no-stream');
      } finally {
        await first.stop();
      }

      const second = await startPlatform(config);
      const again = (await (await fetch(`${second.url}/health`)).json()) as {
        eventStore: { headPosition: string };
      };
      assert.equal(again.eventStore.headPosition, '1');
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a bad variable at start, naming it, with exit code 2', () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['DATABASE_URL', 'not a url'],
      ['KAFKA_BROKERS', 'localhost'],
      ['PRM_SEED_DEMO', 'maybe'],
    ] as const) {
      const run = spawnSync(process.execPath, [mainJs], {
        env: { ...process.env, DATABASE_URL: '', KAFKA_BROKERS: '', [name]: value },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(run.status, 2, `${name}=${value}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`configuration error: ${name}:`));
    }
  });
});

describe(
  'Distributed mode (PostgreSQL + Kafka + outbox relay)',
  { skip: skipUnlessPostgresAndKafka() },
  () => {
    it('reports distributed mode and the relay checkpoint in /health', async () => {
      const tdb = await createTestDatabase('embedded');
      try {
        const config = loadConfig({
          DATABASE_URL: tdb.url,
          KAFKA_BROKERS: kafkaBrokers.join(','),
          PORT: '0',
        });
        const platform = await startPlatform(config);
        const body = (await (await fetch(`${platform.url}/health`)).json()) as {
          mode: string;
          eventStore: { adapter: string };
          outboxRelay: { checkpoint: string };
        };
        assert.equal(body.mode, 'distributed');
        assert.equal(body.eventStore.adapter, 'postgres');
        assert.equal(body.outboxRelay.checkpoint, '0');
        await platform.stop();
      } finally {
        await tdb.drop();
      }
    });
  },
);
