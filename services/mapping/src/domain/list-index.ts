import { KeyFilter, KeyTable } from './key-table';
import { NO_KEY, type PackedList } from './packed-list';
import { sharedInt32, sharedUint8 } from './shared-arrays';

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    const up = parent[parent[x]!]!;
    parent[x] = up;
    x = up;
  }
  return x;
}

/** Both accounts (or companies) carry a tax id and they differ: two legal entities, whatever their names. */
function taxConflict(keys: Int32Array, a: number, b: number): boolean {
  const ah = keys[a * 6]!,
    al = keys[a * 6 + 1]!,
    bh = keys[b * 6]!,
    bl = keys[b * 6 + 1]!;
  return (ah | al) !== 0 && (bh | bl) !== 0 && (ah !== bh || al !== bl);
}

/**
 * One list, deduplicated into companies: accounts that share a tax id or a domain are one
 * company; accounts that share name + country are one company unless both carry different tax
 * ids. A company's population is the strongest of its accounts (customer > opportunity >
 * prospect). With `tables`, it also indexes every key to all accounts that carry it, for probing (the
 * vendor's list; partner lists only probe).
 */
export class ListIndex {
  readonly company: Int32Array;
  readonly companyCount: number;
  readonly companyPopulation: Uint8Array;
  /** Per company: a tax id hash of one of its accounts (0, 0 when none), for the name-match guard. */
  readonly companyTax: Int32Array;
  /** With `tables`: every key → the companies that carry it. */
  readonly probe?: ProbeIndex;
  private keyRun?: KeyRun;
  private memberStart?: Int32Array;
  private memberList?: Int32Array;

  private constructor(
    readonly list: PackedList,
    withTables: boolean,
  ) {
    const n = list.size;
    const keys = list.keys;
    const parent = new Int32Array(n);
    for (let i = 0; i < n; i++) parent[i] = i;
    const first = [new KeyTable(n), new KeyTable(n), new KeyTable(n)] as const;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        const h = keys[i * 6 + k * 2],
          l = keys[i * 6 + k * 2 + 1];
        if ((h | l) === 0) continue;
        const j = first[k].putIfAbsent(h, l, i);
        if (j === -1) continue;
        if (k === 2 && taxConflict(keys, i, j)) continue;
        const ri = find(parent, i),
          rj = find(parent, j);
        if (ri !== rj) parent[ri < rj ? rj : ri] = ri < rj ? ri : rj;
      }
    }
    // Other spellings of a name are name + country keys too: the same table, the same tax-id guard.
    const variants = list.variants;
    for (let e = 0; e < (variants?.count ?? 0); e++) {
      const i = variants!.account[e]!;
      const j = first[2].putIfAbsent(variants!.keys[e * 2]!, variants!.keys[e * 2 + 1]!, i);
      if (j === -1 || j === i || taxConflict(keys, i, j)) continue;
      const ri = find(parent, i),
        rj = find(parent, j);
      if (ri !== rj) parent[ri < rj ? rj : ri] = ri < rj ? ri : rj;
    }
    // Companies numbered in order of their first account.
    const company = new Int32Array(n);
    const idOfRoot = new Int32Array(n).fill(-1);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const r = find(parent, i);
      if (idOfRoot[r] === -1) idOfRoot[r] = count++;
      company[i] = idOfRoot[r]!;
    }
    const population = sharedUint8(count).fill(NO_KEY);
    const tax = sharedInt32(count * 2);
    for (let i = 0; i < n; i++) {
      const c = company[i]!;
      if (list.population[i]! < population[c]!) population[c] = list.population[i]!;
      if ((tax[c * 2]! | tax[c * 2 + 1]!) === 0) {
        tax[c * 2] = keys[i * 6]!;
        tax[c * 2 + 1] = keys[i * 6 + 1]!;
      }
    }
    this.company = company;
    this.companyCount = count;
    this.companyPopulation = population;
    this.companyTax = tax;
    if (withTables) this.probe = buildProbe(list, company);
    else this.keyRun = buildRun(list, company);
  }

  static build(list: PackedList, options: { tables?: boolean } = {}): ListIndex {
    return new ListIndex(list, options.tables ?? false);
  }

  /** Every key of the list grouped by bucket (built with the index of a list that probes, else on first use). */
  get run(): KeyRun {
    return (this.keyRun ??= buildRun(this.list, this.company));
  }

  get size(): number {
    return this.list.size;
  }

  /** The accounts (row numbers) of a company. */
  members(company: number): Int32Array {
    if (!this.memberStart) {
      const start = new Int32Array(this.companyCount + 1);
      for (let i = 0; i < this.size; i++) start[this.company[i] + 1] += 1;
      for (let c = 0; c < this.companyCount; c++) start[c + 1] += start[c];
      const fill = start.slice(0, this.companyCount);
      const list = new Int32Array(this.size);
      for (let i = 0; i < this.size; i++) list[fill[this.company[i]]++] = i;
      this.memberStart = start;
      this.memberList = list;
    }
    return this.memberList!.subarray(this.memberStart[company]!, this.memberStart[company + 1]!);
  }

  /** Accounts per population (0 customer, 1 opportunity, 2 prospect). */
  populationCounts(): [number, number, number] {
    const counts: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < this.size; i++) counts[this.list.population[i] as 0 | 1 | 2]++;
    return counts;
  }
}

/** A key run has 2^RUN_BUCKET_BITS buckets: a key's bucket is the top bits of its low half. */
export const RUN_BUCKET_BITS = 12;

/**
 * Every key a list carries, grouped by bucket (the top RUN_BUCKET_BITS bits of the key's low
 * half, the bits that also pick a KeyTable's slot), in one typed array of (hi, lo, ref) triples:
 * bucket b is entries [start[b], start[b + 1]). Probing a table bucket by bucket reads it in slot order, one
 * window at a time, instead of at random. Built once per list, so a full matrix only reads it.
 */
export interface KeyRun {
  start: Int32Array;
  /** Entries. */
  length: number;
  /** Entry e is keys[3e] (hi), keys[3e + 1] (lo), keys[3e + 2] (ref: the key's company × 4 + its kind, 0 tax id, 1 domain, 2 name + country). */
  entries: Int32Array;
}

function buildRun(list: PackedList, company: Int32Array): KeyRun {
  const n = list.size;
  const keys = list.keys;
  const shift = 32 - RUN_BUCKET_BITS;
  const start = sharedInt32((1 << RUN_BUCKET_BITS) + 1);
  for (let j = 0; j < n * 3; j++) {
    const h = keys[j * 2]!,
      l = keys[j * 2 + 1]!;
    if ((h | l) !== 0) start[(l >>> shift) + 1]++;
  }
  // Other spellings of a name are name + country keys (kind 2) of their account's company too.
  const variants = list.variants;
  const variantCount = variants?.count ?? 0;
  for (let e = 0; e < variantCount; e++) start[(variants!.keys[e * 2 + 1]! >>> shift) + 1]++;
  for (let b = 0; b < 1 << RUN_BUCKET_BITS; b++) start[b + 1] += start[b]!;
  const total = start[1 << RUN_BUCKET_BITS]!;
  const entries = sharedInt32(total * 3);
  const fill = new Int32Array(start.subarray(0, 1 << RUN_BUCKET_BITS));
  for (let i = 0; i < n; i++) {
    const c = company[i]! * 4;
    for (let k = 0; k < 3; k++) {
      const h = keys[i * 6 + k * 2]!,
        l = keys[i * 6 + k * 2 + 1]!;
      if ((h | l) === 0) continue;
      const at = fill[l >>> shift]++ * 3;
      entries[at] = h;
      entries[at + 1] = l;
      entries[at + 2] = c + k;
    }
  }
  for (let e = 0; e < variantCount; e++) {
    const l = variants!.keys[e * 2 + 1]!;
    const at = fill[l >>> shift]++ * 3;
    entries[at] = variants!.keys[e * 2]!;
    entries[at + 1] = l;
    entries[at + 2] = company[variants!.account[e]!]! * 4 + 2;
  }
  return { start, length: total, entries };
}

/**
 * Every key of a list (all three kinds in one table: their hashes differ by kind) → its first
 * company (`value`) and, rarely, a chain of further companies with the same key (`extra` →
 * `moreCompany` / `moreNext`), e.g. two companies of the same name with different tax ids.
 */
export interface ProbeIndex {
  table: Pick<KeyTable, 'slots' | 'mask' | 'shift'>;
  filter: Pick<KeyFilter, 'bits' | 'mask'>;
  moreCompany: Int32Array;
  moreNext: Int32Array;
}

function buildProbe(list: PackedList, company: Int32Array): ProbeIndex {
  const n = list.size;
  const keys = list.keys;
  const variants = list.variants;
  const variantCount = variants?.count ?? 0;
  let present = variantCount;
  for (let i = 0; i < n * 3; i++) if ((keys[i * 2] | keys[i * 2 + 1]) !== 0) present++;
  const table = new KeyTable(present);
  const filter = new KeyFilter(present);
  let moreCompany = new Int32Array(16);
  let moreNext = new Int32Array(16);
  let more = 0;
  // Accounts' keys, then the variant name keys (entry n * 3 + e).
  for (let at = 0; at < n * 3 + variantCount; at++) {
    const variant = at >= n * 3;
    const c = company[variant ? variants!.account[at - n * 3]! : (at / 3) | 0];
    const h = variant ? variants!.keys[(at - n * 3) * 2]! : keys[at * 2],
      l = variant ? variants!.keys[(at - n * 3) * 2 + 1]! : keys[at * 2 + 1];
    if ((h | l) === 0) continue;
    const first = table.putIfAbsent(h, l, c);
    if (first === -1) {
      filter.add(h);
      continue;
    }
    if (first === c) continue;
    const slot = table.find(h, l);
    let e = table.extra(slot);
    while (e !== -1 && moreCompany[e] !== c) e = moreNext[e];
    if (e !== -1) continue;
    if (more === moreCompany.length) {
      const grownC = new Int32Array(more * 2);
      grownC.set(moreCompany);
      moreCompany = grownC;
      const grownN = new Int32Array(more * 2);
      grownN.set(moreNext);
      moreNext = grownN;
    }
    moreCompany[more] = c;
    moreNext[more] = table.extra(slot);
    table.setExtra(slot, more);
    more++;
  }
  const sharedCompany = sharedInt32(Math.max(1, more));
  sharedCompany.set(moreCompany.subarray(0, more));
  const sharedNext = sharedInt32(Math.max(1, more));
  sharedNext.set(moreNext.subarray(0, more));
  return { table, filter, moreCompany: sharedCompany, moreNext: sharedNext };
}

export { find as findRoot };
