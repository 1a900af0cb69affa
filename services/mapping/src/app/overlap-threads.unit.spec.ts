import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendPacked, emptyPackedList, ListIndex, OverlapEngine, type PackedList } from '../domain';
import { OverlapThreads } from './overlap-threads';

function list(seed: number, size: number, keySpace: number): PackedList {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const out = emptyPackedList();
  for (let i = 0; i < size; i++) {
    const keys: number[] = [];
    for (let k = 0; k < 3; k++) {
      const id = next() % keySpace;
      const has = k === 2 || next() % 3 !== 0;
      // Keys derived from a small id space: lists share keys, and lists have duplicates.
      keys.push(has ? Math.imul(id + 1, 0x9e3779b1) ^ k : 0, has ? Math.imul(id + 7, 0x85ebca6b) | 1 : 0);
    }
    appendPacked(out, (next() % 3) as 0 | 1 | 2, keys);
  }
  return out;
}

describe('OverlapThreads', () => {
  it('gives the counts the engine gives on one thread, with part of the partners on the worker', () => {
    assert.ok(OverlapThreads.available(), 'overlap.worker.js is built next to overlap-threads.js');
    const engine = new OverlapEngine(ListIndex.build(list(1, 20_000, 30_000), { tables: true }));
    const partners = Array.from({ length: 9 }, (_, i) =>
      ListIndex.build(list(100 + i, 500 + i * 700, 30_000)),
    );
    const threads = new OverlapThreads();
    try {
      const expected = engine.computeAll(partners);
      assert.ok(expected.every((c) => c.matched > 0));
      assert.deepEqual(threads.computeAll(engine, partners), expected);
      // Again (the worker keeps its engine for the same vendor), and for another vendor list.
      assert.deepEqual(threads.computeAll(engine, partners), expected);
      const other = new OverlapEngine(ListIndex.build(list(2, 5_000, 30_000), { tables: true }));
      assert.deepEqual(threads.computeAll(other, partners), other.computeAll(partners));
      assert.deepEqual(threads.computeAll(engine, partners.slice(0, 1)), expected.slice(0, 1));
      assert.equal(threads.stats.fallbacks, 0);
      assert.ok(
        threads.stats.workerPartners >= 3,
        `the worker computed ${threads.stats.workerPartners} partners`,
      );
    } finally {
      threads.close();
    }
  });
});
