import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  appendPacked,
  emptyPackedList,
  ListIndex,
  OverlapEngine,
  deserializePacked,
  serializePacked,
  type PackedList,
} from './index';

interface Acc {
  pop: 'customer' | 'opportunity' | 'prospect';
  tax?: string;
  domain?: string;
  name?: string;
}
const POP = { customer: 0, opportunity: 1, prospect: 2 } as const;

function halves(key: string | undefined): [number, number] {
  if (!key) return [0, 0];
  const d = createHash('sha256').update(key).digest();
  return [d.readInt32BE(0), d.readInt32BE(4)];
}

function pack(accounts: readonly Acc[]): PackedList {
  const list = emptyPackedList();
  for (const a of accounts) {
    appendPacked(list, POP[a.pop], [
      ...halves(a.tax && `t:${a.tax}`),
      ...halves(a.domain && `d:${a.domain}`),
      ...halves(a.name && `n:${a.name}`),
    ]);
  }
  return list;
}

function overlap(vendor: readonly Acc[], partner: readonly Acc[]) {
  return new OverlapEngine(ListIndex.build(pack(vendor), { tables: true })).compute(
    ListIndex.build(pack(partner)),
    true,
  );
}

const cell = (cells: number[], v: keyof typeof POP, p: keyof typeof POP) => cells[POP[v] * 3 + POP[p]];

describe('OverlapEngine', () => {
  it('counts a matched company once, in vendor population × partner population, under its strongest key', () => {
    const r = overlap(
      [
        { pop: 'customer', domain: 'a.com', name: 'a|RU' },
        { pop: 'opportunity', tax: 'T1', domain: 'b.com' },
        { pop: 'prospect', name: 'acme|RU' },
        { pop: 'customer', domain: 'd.com' },
      ],
      [
        { pop: 'prospect', domain: 'a.com', name: 'a|RU' },
        { pop: 'customer', tax: 'T1', domain: 'b-other.com' },
        { pop: 'customer', name: 'acme|RU' },
        { pop: 'customer', domain: 'x.com' },
      ],
    );
    assert.equal(r.matched, 3);
    assert.equal(cell(r.cells, 'customer', 'prospect'), 1);
    assert.equal(cell(r.cells, 'opportunity', 'customer'), 1);
    assert.equal(cell(r.cells, 'prospect', 'customer'), 1);
    assert.deepEqual(r.matchedOn, [1, 1, 1]);
    assert.deepEqual(r.components.map((c) => c.key).sort(), [0, 1, 2]);
  });

  it('does not match on name + country when both sides carry different tax ids', () => {
    const r = overlap(
      [{ pop: 'customer', tax: 'T1', name: 'service|RU' }],
      [{ pop: 'customer', tax: 'T2', name: 'service|RU' }],
    );
    assert.equal(r.matched, 0);
    const one = overlap(
      [{ pop: 'customer', tax: 'T1', name: 'service|RU' }],
      [{ pop: 'customer', name: 'service|RU' }],
    );
    assert.equal(one.matched, 1);
  });

  it('folds duplicates within a list into one company at its strongest population', () => {
    const r = overlap(
      [
        { pop: 'prospect', domain: 'a.com' },
        { pop: 'customer', domain: 'a.com', tax: 'T9' },
        { pop: 'opportunity', tax: 'T9' },
      ],
      [
        { pop: 'opportunity', domain: 'a.com' },
        { pop: 'opportunity', domain: 'a.com' },
      ],
    );
    assert.equal(r.matched, 1);
    assert.equal(cell(r.cells, 'customer', 'opportunity'), 1);
    assert.equal(r.components[0]!.vendorCompanies.length, 1);
    assert.equal(r.components[0]!.partnerCompanies.length, 1);
  });

  it('gives the same counts from either side, on lists full of duplicates and shared keys', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pops = ['customer', 'opportunity', 'prospect'] as const;
    const list = (n: number): Acc[] =>
      Array.from({ length: n }, () => ({
        pop: pops[rnd(3)]!,
        ...(rnd(3) === 0 && { tax: `T${rnd(400)}` }),
        ...(rnd(2) === 0 && { domain: `d${rnd(600)}.com` }),
        ...(rnd(2) === 0 && { name: `n${rnd(500)}|RU` }),
      })).map((a) => (a.tax || a.domain || a.name ? a : { ...a, name: 'fallback|RU' }));
    for (let round = 0; round < 5; round++) {
      const a = list(1500);
      const b = list(1200);
      const ab = overlap(a, b);
      const ba = overlap(b, a);
      assert.equal(ab.matched, ba.matched);
      assert.deepEqual(ab.matchedOn, ba.matchedOn);
      for (let v = 0; v < 3; v++)
        for (let p = 0; p < 3; p++) assert.equal(ab.cells[v * 3 + p], ba.cells[p * 3 + v], `cell ${v},${p}`);
      assert.equal(
        ab.cells.reduce((s, c) => s + c, 0),
        ab.matched,
      );
    }
  });

  it('reuses its scratch space: the same partner twice gives the same answer', () => {
    const engine = new OverlapEngine(
      ListIndex.build(
        pack([
          { pop: 'customer', domain: 'a.com' },
          { pop: 'prospect', domain: 'b.com' },
        ]),
        { tables: true },
      ),
    );
    const partner = ListIndex.build(
      pack([
        { pop: 'customer', domain: 'a.com' },
        { pop: 'customer', domain: 'b.com' },
      ]),
    );
    const first = engine.compute(partner);
    assert.deepEqual(engine.compute(partner), first);
    assert.equal(first.matched, 2);
  });

  it('round-trips a packed list through its stored form', () => {
    const list = pack([
      { pop: 'customer', domain: 'a.com' },
      { pop: 'prospect', tax: 'T', name: 'x|RU' },
    ]);
    const back = deserializePacked(serializePacked(list));
    assert.equal(back.size, 2);
    assert.deepEqual([...back.population], [0, 2]);
    assert.deepEqual([...back.keys], [...list.keys.subarray(0, 12)]);
    assert.throws(() => deserializePacked(Buffer.from('nope')), /not a packed account list/);
  });
});

describe('OverlapEngine.computeAll', () => {
  it('gives every partner the counts compute gives it alone, across batches and radix partitions', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pops = ['customer', 'opportunity', 'prospect'] as const;
    const list = (n: number): Acc[] =>
      Array.from({ length: n }, () => ({
        pop: pops[rnd(3)]!,
        ...(rnd(3) === 0 && { tax: `T${rnd(4000)}` }),
        ...(rnd(2) === 0 && { domain: `d${rnd(6000)}.com` }),
        name: `n${rnd(5000)}|RU`,
      }));
    const engine = new OverlapEngine(ListIndex.build(pack(list(20_000)), { tables: true }));
    const partners = Array.from({ length: 7 }, (_, i) => ListIndex.build(pack(list(500 + i * 300))));
    const all = engine.computeAll(partners);
    assert.equal(all.length, 7);
    partners.forEach((p, i) => assert.deepEqual(all[i], engine.compute(p), `partner ${i}`));
    assert.ok(all.every((c) => c.matched > 0));
  });
});
