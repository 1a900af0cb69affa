import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TailCache } from './tail-cache';

const e = (p: number) => ({ globalPosition: BigInt(p) });

describe('TailCache', () => {
  it('serves a page read by one reader to the next, from any position inside it, up to the limit', () => {
    const cache = new TailCache<{ globalPosition: bigint }>();
    assert.equal(cache.read(0n, 10), undefined);
    cache.remember(0n, [e(1), e(2), e(3)], cache.signals);
    assert.deepEqual(cache.read(0n, 10), [e(1), e(2), e(3)]);
    assert.deepEqual(cache.read(1n, 1), [e(2)]);
    assert.equal(cache.read(3n, 10), undefined, 'nothing is known after the last event read');
  });

  it('answers "nothing new" again only until an append is signalled, and only briefly', async () => {
    const cache = new TailCache<{ globalPosition: bigint }>(100, 30);
    cache.remember(5n, [], cache.signals);
    assert.deepEqual(cache.read(5n, 10), []);
    cache.signal();
    assert.equal(cache.read(5n, 10), undefined, 'an append was signalled: ask the database');
    cache.remember(5n, [], cache.signals);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(cache.read(5n, 10), undefined, 'a missed notification costs at most emptyForMs');
  });

  it('does not keep an empty answer whose read was overtaken by an append signal', () => {
    const cache = new TailCache<{ globalPosition: bigint }>();
    const before = cache.signals;
    cache.signal();
    cache.remember(5n, [], before);
    assert.equal(cache.read(5n, 10), undefined);
  });

  it('keeps at most `capacity` events, dropping the oldest', () => {
    const cache = new TailCache<{ globalPosition: bigint }>(3);
    cache.remember(0n, [e(1), e(2), e(3), e(4), e(5)], cache.signals);
    assert.equal(cache.read(0n, 10), undefined);
    assert.deepEqual(cache.read(2n, 10), [e(3), e(4), e(5)]);
  });
});
