import type { ListIndex } from './list-index';
import { NO_KEY } from './packed-list';

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
 * Key hits of one partner against the vendor's table, entries [start, end): partner account `account[e]` matched
 * key kind `kind[e]` of the table slot whose first company is `company[e]` (more companies in
 * the chain `more[e]`, usually -1).
 */
interface Hits {
  /** Hits are entries [start, end) of the arrays. */
  start: number;
  end: number;
  account: Int32Array;
  kind: Uint8Array;
  company: Int32Array;
  more: Int32Array;
}

function newHits(capacity: number): Hits {
  return {
    start: 0,
    end: 0,
    account: new Int32Array(capacity),
    kind: new Uint8Array(capacity),
    company: new Int32Array(capacity),
    more: new Int32Array(capacity),
  };
}

/** Typed arrays kept between calls and grown as needed, so full-matrix runs allocate (almost) nothing. */
class Scratch {
  private readonly int32 = new Map<string, Int32Array>();
  private readonly uint8 = new Map<string, Uint8Array>();
  ints(name: string, size: number): Int32Array {
    let a = this.int32.get(name);
    if (!a || a.length < size) this.int32.set(name, (a = new Int32Array(Math.ceil(size * 1.25))));
    return a;
  }
  bytes(name: string, size: number): Uint8Array {
    let a = this.uint8.get(name);
    if (!a || a.length < size) this.uint8.set(name, (a = new Uint8Array(Math.ceil(size * 1.25))));
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

/** Slots per radix partition of the batch probe: 2^14 slots × 16 bytes = 256 KiB, an L2's worth. */
const PARTITION_SLOT_BITS = 14;
/** Key hits gathered per batch of partners in `computeAll` (bounds its scratch memory). */
const BATCH_KEYS = 4_000_000;

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

  constructor(readonly vendor: ListIndex) {
    if (!vendor.probe) throw new Error('the vendor list must be indexed with tables');
    this.vendorNode = new Int32Array(vendor.companyCount).fill(-1);
    this.nodeVendor = new Int32Array(vendor.companyCount);
  }

  compute(partner: ListIndex): OverlapCounts;
  compute(partner: ListIndex, collect: true): OverlapCounts & { components: OverlapComponent[] };
  compute(partner: ListIndex, collect = false): OverlapCounts & { components?: OverlapComponent[] } {
    return this.countFromHits(partner, this.probeDirect(partner), collect);
  }

  /**
   * Every partner's counts, same as `compute` one by one, but the probes of a batch of partners
   * are radix-partitioned by table slot first, so the vendor's table is read window by window
   * from cache instead of at random from memory.
   */
  computeAll(partners: readonly ListIndex[]): OverlapCounts[] {
    const out: OverlapCounts[] = [];
    let start = 0;
    while (start < partners.length) {
      let end = start;
      let keys = 0;
      while (end < partners.length && (end === start || keys + probeCount(partners[end]) <= BATCH_KEYS)) {
        keys += probeCount(partners[end]);
        end++;
      }
      const hits = this.probePartitioned(partners.slice(start, end));
      for (let p = start; p < end; p++) out.push(this.countFromHits(partners[p], hits[p - start]!));
      start = end;
    }
    return out;
  }

  private probeDirect(partner: ListIndex): Hits {
    const probe = this.vendor.probe!;
    const slots = probe.table.slots;
    const mask = probe.table.mask;
    const keys = partner.list.keys;
    const hits = newHits(Math.max(16, partner.size));
    for (let i = 0; i < partner.size; i++) {
      for (let k = 0; k < 3; k++) {
        const h = keys[i * 6 + k * 2],
          l = keys[i * 6 + k * 2 + 1];
        if ((h | l) === 0 || !probe.filter.mayHave(h)) continue;
        let at = (l & mask) << 2;
        while (slots[at + 2] !== -1 && (slots[at + 1] !== l || slots[at] !== h))
          at = (at + 4) & ((mask << 2) | 3);
        if (slots[at + 2] === -1) continue;
        if (hits.end === hits.account.length) growHits(hits);
        hits.account[hits.end] = i;
        hits.kind[hits.end] = k;
        hits.company[hits.end] = slots[at + 2];
        hits.more[hits.end] = slots[at + 3];
        hits.end++;
      }
    }
    // Other spellings of the partner's names: name + country hits of their accounts.
    const variants = partner.list.variants;
    for (let e = 0; e < (variants?.count ?? 0); e++) {
      const h = variants!.keys[e * 2]!,
        l = variants!.keys[e * 2 + 1]!;
      if (!probe.filter.mayHave(h)) continue;
      let at = (l & mask) << 2;
      while (slots[at + 2] !== -1 && (slots[at + 1] !== l || slots[at] !== h))
        at = (at + 4) & ((mask << 2) | 3);
      if (slots[at + 2] === -1) continue;
      if (hits.end === hits.account.length) growHits(hits);
      hits.account[hits.end] = variants!.account[e]!;
      hits.kind[hits.end] = 2;
      hits.company[hits.end] = slots[at + 2];
      hits.more[hits.end] = slots[at + 3];
      hits.end++;
    }
    return hits;
  }

  private probePartitioned(partners: readonly ListIndex[]): Hits[] {
    const probe = this.vendor.probe!;
    const slots = probe.table.slots;
    const mask = probe.table.mask;
    const slotBits = 31 - Math.clz32(mask + 1);
    const shift = Math.min(slotBits, PARTITION_SLOT_BITS);
    const partitions = 1 << (slotBits - shift);
    const filterBits = probe.filter.bits;
    const filterMask = probe.filter.mask;
    // Pass 1: which keys may be in the table (the filter, from cache) and how many fall in each partition.
    const counts = new Int32Array(partitions + 1);
    let keyCount = 0;
    for (const partner of partners) keyCount += probeCount(partner);
    const candidate = this.scratch.bytes('candidate', keyCount);
    let total = 0;
    let base = 0;
    // Keys j < size × 3 are the accounts' (ref j = account × 3 + kind), then the variant name keys.
    for (let p = 0; p < partners.length; p++) {
      const keys = partners[p].list.keys;
      const n = partners[p].size * 3;
      for (let j = 0; j < n; j++) {
        const h = keys[j * 2],
          l = keys[j * 2 + 1];
        let flag = 0;
        if ((h | l) !== 0) {
          const fb = h & filterMask;
          if ((filterBits[fb >>> 5] & (1 << (fb & 31))) !== 0) {
            flag = 1;
            counts[((l & mask) >>> shift) + 1]++;
            total++;
          }
        }
        candidate[base + j] = flag;
      }
      base += n;
      const variants = partners[p].list.variants;
      for (let e = 0; e < (variants?.count ?? 0); e++) {
        const h = variants!.keys[e * 2]!;
        const fb = h & filterMask;
        let flag = 0;
        if ((filterBits[fb >>> 5] & (1 << (fb & 31))) !== 0) {
          flag = 1;
          counts[((variants!.keys[e * 2 + 1]! & mask) >>> shift) + 1]++;
          total++;
        }
        candidate[base + e] = flag;
      }
      base += variants?.count ?? 0;
    }
    for (let q = 0; q < partitions; q++) counts[q + 1] += counts[q];
    // Pass 2: scatter (hi, lo, account × 3 + kind, partner) by partition.
    const H = this.scratch.ints('h', total);
    const L = this.scratch.ints('l', total);
    const REF = this.scratch.ints('ref', total);
    const WHO = this.scratch.ints('who', total);
    const fill = counts.slice(0, partitions);
    base = 0;
    for (let p = 0; p < partners.length; p++) {
      const keys = partners[p].list.keys;
      const n = partners[p].size * 3;
      for (let j = 0; j < n; j++) {
        if (candidate[base + j] === 0) continue;
        const l = keys[j * 2 + 1];
        const at = fill[(l & mask) >>> shift]++;
        H[at] = keys[j * 2];
        L[at] = l;
        REF[at] = j;
        WHO[at] = p;
      }
      base += n;
      const variants = partners[p].list.variants;
      for (let e = 0; e < (variants?.count ?? 0); e++) {
        if (candidate[base + e] === 0) continue;
        const l = variants!.keys[e * 2 + 1]!;
        const at = fill[(l & mask) >>> shift]++;
        H[at] = variants!.keys[e * 2]!;
        L[at] = l;
        REF[at] = variants!.account[e]! * 3 + 2;
        WHO[at] = p;
      }
      base += variants?.count ?? 0;
    }
    // Pass 3: probe partition by partition; hits are compacted in place (H = company, L = more).
    let found = 0;
    const perPartner = new Int32Array(partners.length + 1);
    for (let e = 0; e < total; e++) {
      const h = H[e],
        l = L[e];
      let at = (l & mask) << 2;
      while (slots[at + 2] !== -1 && (slots[at + 1] !== l || slots[at] !== h))
        at = (at + 4) & ((mask << 2) | 3);
      if (slots[at + 2] === -1) continue;
      H[found] = slots[at + 2];
      L[found] = slots[at + 3];
      REF[found] = REF[e];
      WHO[found] = WHO[e];
      perPartner[WHO[e] + 1]++;
      found++;
    }
    // Pass 4: hits grouped by partner, in one set of arrays.
    for (let p = 0; p < partners.length; p++) perPartner[p + 1] += perPartner[p];
    const account = this.scratch.ints('account', found);
    const kind = this.scratch.bytes('kind', found);
    const company = this.scratch.ints('company', found);
    const more = this.scratch.ints('more', found);
    const next = perPartner.slice(0, partners.length);
    for (let e = 0; e < found; e++) {
      const at = next[WHO[e]]++;
      const ref = REF[e];
      const k = ref % 3;
      account[at] = (ref - k) / 3;
      kind[at] = k;
      company[at] = H[e];
      more[at] = L[e];
    }
    return partners.map((_, p) => ({
      start: perPartner[p],
      end: perPartner[p + 1],
      account,
      kind,
      company,
      more,
    }));
  }

  private countFromHits(
    partner: ListIndex,
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
    const pCompany = partner.company;
    const pTax = partner.companyTax;
    const vTax = vendor.companyTax;
    if (this.parent.length < nP + vendor.companyCount) {
      this.parent = new Int32Array(nP + vendor.companyCount);
      this.strongest = new Uint8Array(nP + vendor.companyCount);
    }
    const parent = this.parent;
    const strongest = this.strongest;
    strongest.fill(NO_KEY, 0, nP);
    for (let i = 0; i < nP; i++) parent[i] = i;
    let nodes = nP;
    try {
      for (let e = hits.start; e < hits.end; e++) {
        const pc = pCompany[hits.account[e]];
        const k = hits.kind[e];
        // The key's first company, then (rarely) the others that carry it too.
        let v = hits.company[e];
        let more = hits.more[e];
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

/** Keys a partner list probes with: three an account, plus its variant name keys. */
function probeCount(partner: ListIndex): number {
  return partner.size * 3 + (partner.list.variants?.count ?? 0);
}

function growHits(hits: Hits): void {
  const capacity = hits.account.length * 2;
  const account = new Int32Array(capacity);
  account.set(hits.account);
  const kind = new Uint8Array(capacity);
  kind.set(hits.kind);
  const company = new Int32Array(capacity);
  company.set(hits.company);
  const more = new Int32Array(capacity);
  more.set(hits.more);
  Object.assign(hits, { account, kind, company, more });
}
