import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appendPacked,
  emptyPackedList,
  ListIndex,
  OverlapEngine,
  RUN_BUCKET_BITS,
  type OverlapCounts,
  type PackedList,
} from './index';

/** A seeded generator of int32s (xorshift32), so a failure replays. */
function random(seed: number) {
  let x = seed | 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
  return { next, below: (n: number) => (next() >>> 0) % n };
}

type Key = [number, number];

/**
 * A pool of keys per kind, drawn so that the layout's edge cases occur: keys sharing a low half
 * (same table slot and bucket, different high half), keys in the first and the last bucket
 * (linear probing wraps around the table), keys on both sides of a bucket boundary.
 */
function keyPools(rnd: ReturnType<typeof random>, size: number): Key[][] {
  const bucketShift = 32 - RUN_BUCKET_BITS;
  return [0, 1, 2].map(() => {
    const pool: Key[] = [];
    while (pool.length < size) {
      const hi = rnd.next() || 1;
      const shape = rnd.below(8);
      if (shape === 0 && pool.length > 0) pool.push([hi, pool[rnd.below(pool.length)]![1]]);
      else if (shape === 1) pool.push([hi, (rnd.below(2) === 0 ? 0 : -1 << bucketShift) | rnd.below(64)]);
      else if (shape === 2)
        pool.push([hi, ((rnd.below(1 << RUN_BUCKET_BITS) << bucketShift) - rnd.below(3)) | 0]);
      else pool.push([hi, rnd.next() || 1]);
    }
    return pool;
  });
}

/**
 * A list whose accounts draw each key kind from the pools: keys shared by several accounts of
 * the list (duplicates, same-name companies with different tax ids) and by the other list,
 * accounts with one, two or three keys.
 */
function randomList(rnd: ReturnType<typeof random>, pools: Key[][], size: number): PackedList {
  const list = emptyPackedList();
  for (let i = 0; i < size; i++) {
    const keys: number[] = [];
    let present = 0;
    for (let k = 0; k < 3; k++) {
      const has = rnd.below(3) !== 0 || (k === 2 && present === 0);
      const key = has ? pools[k]![rnd.below(pools[k]!.length)]! : [0, 0];
      if (has) present++;
      keys.push(key[0], key[1]);
    }
    appendPacked(list, rnd.below(3) as 0 | 1 | 2, keys);
  }
  return list;
}

/**
 * The overlap by definition, without tables, buckets or hits: every vendor account against every
 * partner account on every key kind. Companies are the lists' own (ListIndex, unchanged by the
 * layout); a vendor and a partner company are linked when one of their accounts share a key (a
 * name + country key only when the companies do not carry different tax ids); a connected group
 * counts once, at its strongest populations, under its strongest link.
 */
function naiveOverlap(vendor: ListIndex, partner: ListIndex): OverlapCounts {
  const nV = vendor.companyCount;
  const parent = Array.from({ length: nV + partner.companyCount }, (_, i) => i);
  const root = (x: number): number => (parent[x] === x ? x : (parent[x] = root(parent[x]!)));
  const links: Array<[number, number, number]> = [];
  const vk = vendor.list.keys;
  const pk = partner.list.keys;
  const taxOf = (index: ListIndex, c: number): Key => [
    index.companyTax[c * 2]!,
    index.companyTax[c * 2 + 1]!,
  ];
  for (let i = 0; i < vendor.size; i++)
    for (let j = 0; j < partner.size; j++)
      for (let k = 0; k < 3; k++) {
        const h = vk[i * 6 + k * 2]!,
          l = vk[i * 6 + k * 2 + 1]!;
        if ((h | l) === 0 || pk[j * 6 + k * 2] !== h || pk[j * 6 + k * 2 + 1] !== l) continue;
        const vc = vendor.company[i]!,
          pc = partner.company[j]!;
        if (k === 2) {
          const [vh, vl] = taxOf(vendor, vc);
          const [ph, pl] = taxOf(partner, pc);
          if ((vh | vl) !== 0 && (ph | pl) !== 0 && (vh !== ph || vl !== pl)) continue;
        }
        links.push([vc, nV + pc, k]);
        parent[root(vc)] = root(nV + pc);
      }
  const groups = new Map<number, { v: number; p: number; key: number }>();
  for (const [a, b, k] of links) {
    const g = groups.get(root(a)) ?? { v: 3, p: 3, key: 3 };
    g.v = Math.min(g.v, vendor.companyPopulation[a]!);
    g.p = Math.min(g.p, partner.companyPopulation[b - nV]!);
    g.key = Math.min(g.key, k);
    groups.set(root(a), g);
  }
  const cells = new Array<number>(9).fill(0);
  const matchedOn: [number, number, number] = [0, 0, 0];
  for (const g of groups.values()) {
    cells[g.v * 3 + g.p]!++;
    matchedOn[g.key as 0 | 1 | 2]++;
  }
  return { cells, matchedOn, matched: groups.size };
}

describe('OverlapEngine against the definition', () => {
  it('gives every partner the naive all-pairs counts, one by one and in the full matrix', () => {
    for (let round = 0; round < 6; round++) {
      const rnd = random(1000 + round);
      const pools = keyPools(rnd, 150 + round * 60);
      const vendor = ListIndex.build(randomList(rnd, pools, 200 + round * 80), { tables: true });
      const partners = Array.from({ length: 5 }, (_, i) =>
        ListIndex.build(randomList(rnd, pools, 50 + rnd.below(250) + i)),
      );
      const engine = new OverlapEngine(vendor);
      const expected = partners.map((p) => naiveOverlap(vendor, p));
      assert.ok(expected.some((c) => c.matched > 0));
      assert.ok(
        vendor.companyCount < vendor.size && partners.some((p) => p.companyCount < p.size),
        'lists with duplicates',
      );
      assert.deepEqual(engine.computeAll(partners), expected, `round ${round}: full matrix`);
      partners.forEach((p, i) =>
        assert.deepEqual(engine.compute(p), expected[i], `round ${round}: partner ${i}`),
      );
    }
  });

  it('gives the naive counts when the vendor table is smaller than the key run has buckets', () => {
    const rnd = random(77);
    const pools = keyPools(rnd, 12);
    const vendor = ListIndex.build(randomList(rnd, pools, 6), { tables: true });
    const partner = ListIndex.build(randomList(rnd, pools, 40));
    const engine = new OverlapEngine(vendor);
    assert.deepEqual(engine.computeAll([partner]), [naiveOverlap(vendor, partner)]);
    assert.deepEqual(engine.compute(partner), naiveOverlap(vendor, partner));
  });
});
