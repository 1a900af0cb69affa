import { sharedInt32, sharedUint32 } from './shared-arrays';

/**
 * An open-addressing hash table from a 64-bit key (two int32 halves, never both 0) to two
 * int32 values, in one interleaved typed array (hi, lo, value, extra per slot: a probe reads
 * one cache line). No per-entry objects, so millions of keys cost 16 bytes a slot. The keys
 * are HMAC output, already uniform, so the top bits of the low half pick the slot: keys
 * grouped by those bits (a list's key run, see `ListIndex.run`) probe the table window by
 * window, in slot order.
 */
export class KeyTable {
  readonly slots: Int32Array;
  readonly mask: number;
  /** A key's home slot is `lo >>> shift`. */
  readonly shift: number;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = sharedInt32(capacity * 4);
    for (let s = 0; s < capacity; s++) {
      this.slots[s * 4 + 2] = -1;
      this.slots[s * 4 + 3] = -1;
    }
    this.mask = capacity - 1;
    this.shift = 32 - (31 - Math.clz32(capacity));
  }

  /** The slot holding the key (read its `value` / `extra`), or -1. */
  find(h: number, l: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let s = l >>> this.shift;
    for (;;) {
      const at = s << 2;
      if (slots[at + 2] === -1) return -1;
      if (slots[at + 1] === l && slots[at] === h) return s;
      s = (s + 1) & mask;
    }
  }

  /** The value stored for the key, or -1. */
  get(h: number, l: number): number {
    const s = this.find(h, l);
    return s === -1 ? -1 : this.slots[(s << 2) + 2];
  }

  /** Stores value unless the key is there; returns the value already stored, or -1 when it stored. */
  putIfAbsent(h: number, l: number, value: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let s = l >>> this.shift;
    for (;;) {
      const at = s << 2;
      const v = slots[at + 2];
      if (v === -1) {
        slots[at] = h;
        slots[at + 1] = l;
        slots[at + 2] = value;
        return -1;
      }
      if (slots[at + 1] === l && slots[at] === h) return v;
      s = (s + 1) & mask;
    }
  }

  value(slot: number): number {
    return this.slots[(slot << 2) + 2];
  }

  extra(slot: number): number {
    return this.slots[(slot << 2) + 3];
  }

  setExtra(slot: number, extra: number): void {
    this.slots[(slot << 2) + 3] = extra;
  }
}

/**
 * A one-hash bit filter over the keys of a table, ~16 bits a key (a few MiB for millions of
 * keys, so it stays in cache): most keys that are not in the table are turned away without
 * touching it. It uses the high half of the key; the table uses the low half.
 */
export class KeyFilter {
  readonly bits: Uint32Array;
  readonly mask: number;

  constructor(expected: number) {
    let size = 1024;
    while (size < expected * 16 && size < 1 << 27) size *= 2;
    this.bits = sharedUint32(size >>> 5);
    this.mask = size - 1;
  }

  add(h: number): void {
    const b = h & this.mask;
    this.bits[b >>> 5] |= 1 << (b & 31);
  }

  mayHave(h: number): boolean {
    const b = h & this.mask;
    return (this.bits[b >>> 5] & (1 << (b & 31))) !== 0;
  }
}
