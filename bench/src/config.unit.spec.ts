import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { benchConfigFromEnv, BenchConfigError } from './config';
import { percentile } from './measure';

describe('benchConfigFromEnv', () => {
  it('runs every workload on every store at scale 1 by default', () => {
    const config = benchConfigFromEnv({});
    assert.equal(config.scale, 1);
    assert.deepEqual([...config.workloads], ['batched', 'single', 'readAll', 'relay']);
    assert.deepEqual([...config.stores], ['prm-postgres', 'emmett-postgres', 'pg-baseline', 'prm-pglite']);
    assert.equal(config.postgres.batches * config.postgres.batchSize, 200_000);
    assert.equal(config.postgres.singles, 20_000);
    assert.equal(config.relay.events, 200_000);
  });

  it('scales every count with BENCH_SCALE', () => {
    const config = benchConfigFromEnv({ BENCH_SCALE: '0.1' });
    assert.equal(config.postgres.batches, 200);
    assert.equal(config.pglite.singles, 500);
    assert.equal(config.relay.events, 20_000);
  });

  it('filters workloads and stores independently with BENCH_ONLY', () => {
    const onlyPglite = benchConfigFromEnv({ BENCH_ONLY: 'pglite' });
    assert.deepEqual([...onlyPglite.stores], ['prm-pglite']);
    assert.equal(onlyPglite.workloads.size, 4);
    const batchedAndRelay = benchConfigFromEnv({ BENCH_ONLY: 'batched, relay' });
    assert.deepEqual([...batchedAndRelay.workloads], ['batched', 'relay']);
    assert.equal(batchedAndRelay.stores.size, 4);
    assert.deepEqual([...benchConfigFromEnv({ BENCH_ONLY: 'readall,emmett' }).workloads], ['readAll']);
  });

  it('refuses an unknown BENCH_ONLY token or a bad scale, naming the variable', () => {
    assert.throws(() => benchConfigFromEnv({ BENCH_ONLY: 'batch' }), BenchConfigError);
    assert.throws(() => benchConfigFromEnv({ BENCH_ONLY: 'batch' }), /BENCH_ONLY: unknown "batch"/);
    assert.throws(() => benchConfigFromEnv({ BENCH_SCALE: '0' }), /BENCH_SCALE/);
    assert.throws(() => benchConfigFromEnv({ BENCH_SCALE: 'fast' }), /BENCH_SCALE/);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile(Float64Array.of(7), 99), 7);
    assert.ok(Number.isNaN(percentile(new Float64Array(0), 50)));
  });
});
