import { RUN_BUCKET_BITS, type KeyRun, type ProbeIndex } from './list-index';
import { NO_KEY } from './packed-list';

/**
 * What the engine reads of a partner's list: its companies and its key run. A `ListIndex` is
 * one; so is the plain object of its (shared) typed arrays that a worker thread receives.
 */
export interface PartnerSide {
  readonly companyCount: number;
  readonly companyPopulation: Uint8Array;
  readonly companyTax: Int32Array;
  readonly run: KeyRun;
}

/** What the engine reads of the vendor's list: its companies and its probe table (a `ListIndex` built with tables). */
export interface VendorSide {
  readonly companyCount: number;
  readonly companyPopulation: Uint8Array;
  readonly companyTax: Int32Array;
  readonly probe?: ProbeIndex;
}

/** The typed arrays of a side only, to post to a worker thread (shared, so nothing is copied). */
export function partnerSideOf(p: PartnerSide): PartnerSide {
  return {
    companyCount: p.companyCount,
    companyPopulation: p.companyPopulation,
    companyTax: p.companyTax,
    run: p.run,
  };
}

export function vendorSideOf(v: VendorSide): VendorSide {
  const probe = v.probe!;
  return {
    companyCount: v.companyCount,
    companyPopulation: v.companyPopulation,
    companyTax: v.companyTax,
    probe: {
      table: { slots: probe.table.slots, mask: probe.table.mask, shift: probe.table.shift },
      filter: { bits: probe.filter.bits, mask: probe.filter.mask },
      moreCompany: probe.moreCompany,
      moreNext: probe.moreNext,
    },
  };
}

/** Counts of one vendor × partner mapping. */
export interface OverlapCounts {
  /** 3 × 3, index vendorPopulation * 3 + partnerPopulation (0 customer, 1 opportunity, 2 prospect). */
  cells: number[];
  /** Matched companies by their strongest key: tax id, domain, name + country. */
  matchedOn: [number, number, number];
  /** Matched companies (= the sum of the cells). */
  matched: number;
}

/** One matched company: the vendor's and the partner's companies that are it, and how they matched. */
export interface OverlapComponent {
  vendorCompanies: number[];
  partnerCompanies: number[];
  /** Strongest key of the match: 0 tax id, 1 domain, 2 name + country. */
  key: number;
  vendorPopulation: number;
  partnerPopulation: number;
}

/**
 * Key hits of one partner against the vendor's table, entries [start, end) of `hit`, triples
 * (ref, company, more): the partner's key `ref` (its company × 4 + key kind) is in the table slot
 * whose first company is `company` (more companies in the chain `more`, usually -1).
 */
interface Hits {
  start: number;
  end: number;
  hit: Int32Array;
}

/** Typed arrays kept between calls and grown as needed, so full-matrix runs allocate (almost) nothing. */
class Scratch {
  private readonly int32 = new Map<string, Int32Array>();
  ints(name: string, size: number): Int32Array {
    let a = this.int32.get(name);
    if (!a || a.length < size) this.int32.set(name, (a = new Int32Array(Math.ceil(size * 1.25))));
    return a;
  }
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    const up = parent[parent[x]];
    parent[x] = up;
    x = up;
  }
  return x;
}

/** Key-run entries gathered per batch of partners in `computeAll` (bounds its scratch memory). */
const BATCH_KEYS = 6_000_000;

/**
 * Hash-joins partner lists against the vendor's (indexed once), in typed arrays. A match is a
 * connected group of the vendor's and the partner's companies linked by shared keys (a name +
 * country link only when the two do not carry different tax ids). The links depend only on the
 * two companies, never on which list is probed, so the groups are the same from either side.
 * Each group counts once, in the cell of its strongest vendor population × its strongest
 * partner population, under its strongest key. The count is a property of the group, so it is
 * the same from either side.
 */
export class OverlapEngine {
  private readonly vendorNode: Int32Array;
  private readonly nodeVendor: Int32Array;
  /** Scratch union-find over the partner's companies and the vendor's companies it reaches. */
  private parent = new Int32Array(0);
  private strongest = new Uint8Array(0);
  private readonly scratch = new Scratch();

  constructor(readonly vendor: VendorSide) {
    if (!vendor.probe) throw new Error('the vendor list must be indexed with tables');
    this.vendorNode = new Int32Array(vendor.companyCount).fill(-1);
    this.nodeVendor = new Int32Array(vendor.companyCount);
  }

  compute(partner: PartnerSide): OverlapCounts;
  compute(partner: PartnerSide, collect: true): OverlapCounts & { components: OverlapComponent[] };
  compute(partner: PartnerSide, collect = false): OverlapCounts & { components?: OverlapComponent[] } {
    return this.countFromHits(partner, this.probeDirect(partner), collect);
  }

  /**
   * Every partner's counts, same as `compute` one by one, but a batch of partners probes the
   * vendor's table bucket by bucket of their key runs: each bucket's window of the table is
   * read from memory once for the whole batch and probed from cache by every partner in turn.
   */
  computeAll(partners: readonly PartnerSide[]): OverlapCounts[] {
    const out: OverlapCounts[] = [];
    let start = 0;
    while (start < partners.length) {
      let end = start;
      let keys = 0;
      while (end < partners.length && (end === start || keys + partners[end].run.length <= BATCH_KEYS)) {
        keys += partners[end].run.length;
        end++;
      }
      const hits = this.probeWindows(partners.slice(start, end));
      for (let p = start; p < end; p++) out.push(this.countFromHits(partners[p], hits[p - start]!));
      start = end;
    }
    return out;
  }

  /** One partner: its key run in bucket order walks the vendor's table in slot order. */
  private probeDirect(partner: PartnerSide): Hits {
    const probe = this.vendor.probe!;
    const slots = probe.table.slots;
    const shift = probe.table.shift;
    const wrap = (probe.table.mask << 2) | 3;
    const filterBits = probe.filter.bits;
    const filterMask = probe.filter.mask;
    const { length, entries } = partner.run;
    const hit = new Int32Array(length * 3);
    let found = 0;
    for (let e = 0; e < length * 3; e += 3) {
      const h = entries[e],
        l = entries[e + 1];
      const fb = h & filterMask;
      if ((filterBits[fb >>> 5] & (1 << (fb & 31))) === 0) continue;
      let at = (l >>> shift) << 2;
      while (slots[at + 2] !== -1 && (slots[at + 1] !== l || slots[at] !== h)) at = (at + 4) & wrap;
      if (slots[at + 2] === -1) continue;
      hit[found * 3] = entries[e + 2];
      hit[found * 3 + 1] = slots[at + 2];
      hit[found * 3 + 2] = slots[at + 3];
      found++;
    }
    return { start: 0, end: found, hit };
  }

  /**
   * A batch of partners, bucket by bucket: bucket b of every partner's key run probes the same
   * window of the vendor's table (the slots whose top bits are b), which stays in cache while
   * the batch goes through it. Partner p's hits fill its own range of the scratch arrays.
   */
  private probeWindows(partners: readonly PartnerSide[]): Hits[] {
    const probe = this.vendor.probe!;
    const slots = probe.table.slots;
    const shift = probe.table.shift;
    const wrap = (probe.table.mask << 2) | 3;
    const runs = partners.map((p) => p.run);
    const offset = new Int32Array(partners.length + 1);
    for (let p = 0; p < partners.length; p++) offset[p + 1] = offset[p] + runs[p].length;
    const hit = this.scratch.ints('hit', offset[partners.length] * 3);
    const fill = offset.slice(0, partners.length);
    const buckets = 1 << RUN_BUCKET_BITS;
    for (let b = 0; b < buckets; b++) {
      for (let p = 0; p < runs.length; p++) {
        const { start, entries } = runs[p];
        const end = start[b + 1] * 3;
        let found = fill[p] * 3;
        for (let e = start[b] * 3; e < end; e += 3) {
          const h = entries[e],
            l = entries[e + 1];
          let at = (l >>> shift) << 2;
          while (slots[at + 2] !== -1 && (slots[at + 1] !== l || slots[at] !== h)) at = (at + 4) & wrap;
          if (slots[at + 2] === -1) continue;
          hit[found] = entries[e + 2];
          hit[found + 1] = slots[at + 2];
          hit[found + 2] = slots[at + 3];
          found += 3;
        }
        fill[p] = found / 3;
      }
    }
    return partners.map((_, p) => ({ start: offset[p], end: fill[p], hit }));
  }

  private countFromHits(
    partner: PartnerSide,
    hits: Hits,
    collect = false,
  ): OverlapCounts & { components?: OverlapComponent[] } {
    const vendor = this.vendor;
    const probe = vendor.probe!;
    const moreCompany = probe.moreCompany;
    const moreNext = probe.moreNext;
    const vendorNode = this.vendorNode;
    const nodeVendor = this.nodeVendor;
    const nP = partner.companyCount;
    const pTax = partner.companyTax;
    const vTax = vendor.companyTax;
    if (this.parent.length < nP + vendor.companyCount) {
      this.parent = new Int32Array(nP + vendor.companyCount);
      this.strongest = new Uint8Array(nP + vendor.companyCount);
    }
    const parent = this.parent;
    const strongest = this.strongest;
    const hit = hits.hit;
    strongest.fill(NO_KEY, 0, nP);
    for (let i = 0; i < nP; i++) parent[i] = i;
    let nodes = nP;
    try {
      for (let e = hits.start; e < hits.end; e++) {
        const ref = hit[e * 3];
        const pc = ref >> 2;
        const k = ref & 3;
        // The key's first company, then (rarely) the others that carry it too.
        let v = hit[e * 3 + 1];
        let more = hit[e * 3 + 2];
        for (;;) {
          let linked = true;
          if (k === 2) {
            // A name + country link only when the two do not carry different tax ids.
            const ph = pTax[pc * 2],
              pl = pTax[pc * 2 + 1];
            if ((ph | pl) !== 0) {
              const vh = vTax[v * 2],
                vl = vTax[v * 2 + 1];
              if ((vh | vl) !== 0 && (ph !== vh || pl !== vl)) linked = false;
            }
          }
          if (linked) {
            let node = vendorNode[v];
            if (node < 0) {
              node = nodes++;
              vendorNode[v] = node;
              nodeVendor[node - nP] = v;
              parent[node] = node;
              strongest[node] = NO_KEY;
            }
            const a = find(parent, pc),
              b = find(parent, node);
            let root = a;
            if (a !== b) {
              root = a < b ? a : b;
              const other = a < b ? b : a;
              parent[other] = root;
              if (strongest[other] < strongest[root]) strongest[root] = strongest[other];
            }
            if (k < strongest[root]) strongest[root] = k;
          }
          if (more === -1) break;
          v = moreCompany[more];
          more = moreNext[more];
        }
      }
      const vPop = new Uint8Array(nodes).fill(NO_KEY);
      const pPop = new Uint8Array(nodes).fill(NO_KEY);
      for (let c = 0; c < nP; c++) {
        if (parent[c] === c && strongest[c] === NO_KEY) continue; // matched nothing
        const r = find(parent, c);
        if (partner.companyPopulation[c] < pPop[r]) pPop[r] = partner.companyPopulation[c];
      }
      for (let node = nP; node < nodes; node++) {
        const r = find(parent, node);
        const p = vendor.companyPopulation[nodeVendor[node - nP]];
        if (p < vPop[r]) vPop[r] = p;
      }
      const cells = [0, 0, 0, 0, 0, 0, 0, 0, 0];
      const matchedOn: [number, number, number] = [0, 0, 0];
      let matched = 0;
      const componentOf = collect ? new Int32Array(nodes).fill(-1) : undefined;
      const components: OverlapComponent[] = [];
      for (let r = 0; r < nodes; r++) {
        if (parent[r] !== r || vPop[r] === NO_KEY || pPop[r] === NO_KEY) continue;
        cells[vPop[r] * 3 + pPop[r]]++;
        matchedOn[strongest[r] as 0 | 1 | 2]++;
        matched++;
        if (componentOf) {
          componentOf[r] = components.length;
          components.push({
            vendorCompanies: [],
            partnerCompanies: [],
            key: strongest[r],
            vendorPopulation: vPop[r],
            partnerPopulation: pPop[r],
          });
        }
      }
      if (componentOf) {
        for (let c = 0; c < nP; c++) {
          const at = componentOf[find(parent, c)];
          if (at >= 0) components[at].partnerCompanies.push(c);
        }
        for (let node = nP; node < nodes; node++) {
          const at = componentOf[find(parent, node)];
          if (at >= 0) components[at].vendorCompanies.push(nodeVendor[node - nP]);
        }
      }
      return collect ? { cells, matchedOn, matched, components } : { cells, matchedOn, matched };
    } finally {
      for (let node = nP; node < nodes; node++) vendorNode[nodeVendor[node - nP]] = -1;
    }
  }
}
