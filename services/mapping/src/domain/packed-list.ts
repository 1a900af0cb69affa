import type { PopulationCode } from './populations';

/** Match key kinds, strongest first (codes 0, 1, 2). */
export const KEY_KINDS = ['taxId', 'domain', 'name'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];
export const NO_KEY = 3;

/**
 * An account list as the overlap engine holds it: per account its population and three 64-bit
 * key hashes (tax id, domain, name + country), each as two int32 halves, (0, 0) when absent.
 * Account i is row i of the list in the database. The hashes are keyed (HMAC), so a packed
 * list is the same whether the list was stored in privacy mode or not.
 */
export interface PackedList {
  size: number;
  population: Uint8Array;
  /** size × 6: taxHi, taxLo, domainHi, domainLo, nameHi, nameLo. */
  keys: Int32Array;
  /**
   * Further name + country keys (the other spellings of a name, `companyNameKeys` after the
   * first; at most MAX_NAME_KEYS − 1 an account, none for most): the same kind as `nameHi/Lo`,
   * in account order. Absent when no account has one.
   */
  variants?: NameVariants;
}

/** Variant name keys: entry e is account `account[e]` with key `keys[2e], keys[2e + 1]`. */
export interface NameVariants {
  count: number;
  account: Int32Array;
  keys: Int32Array;
}

const MAGIC = 0x504d4c31; // "PML1"
/** PML1 followed by the variants: count, accounts, keys. */
const MAGIC_VARIANTS = 0x504d4c32; // "PML2"

/** Appends variant name keys (flat hi, lo pairs) of account `account`. */
export function appendVariants(list: PackedList, account: number, pairs: ArrayLike<number>): void {
  const n = pairs.length >>> 1;
  if (n === 0) return;
  let v = list.variants;
  if (!v) v = list.variants = { count: 0, account: new Int32Array(64), keys: new Int32Array(128) };
  if (v.count + n > v.account.length) {
    const capacity = Math.max(v.account.length * 2, v.count + n);
    const account = new Int32Array(capacity);
    account.set(v.account);
    const keys = new Int32Array(capacity * 2);
    keys.set(v.keys);
    v.account = account;
    v.keys = keys;
  }
  for (let j = 0; j < n; j++) {
    v.account[v.count] = account;
    v.keys[v.count * 2] = pairs[j * 2]!;
    v.keys[v.count * 2 + 1] = pairs[j * 2 + 1]!;
    v.count++;
  }
}

export function emptyPackedList(capacity = 0): PackedList {
  return { size: 0, population: new Uint8Array(capacity), keys: new Int32Array(capacity * 6) };
}

/** Appends an account, growing the arrays as needed. `keys` holds 6 int32 halves. */
export function appendPacked(
  list: PackedList,
  population: PopulationCode,
  keys: ArrayLike<number>,
): PackedList {
  if (list.size === list.population.length) {
    const capacity = Math.max(1024, list.size * 2);
    const population = new Uint8Array(capacity);
    population.set(list.population);
    const k = new Int32Array(capacity * 6);
    k.set(list.keys);
    list.population = population;
    list.keys = k;
  }
  list.population[list.size] = population;
  const base = list.size * 6;
  for (let j = 0; j < 6; j++) list.keys[base + j] = keys[j]!;
  list.size++;
  return list;
}

/** The compact binary form stored with the list (little-endian): magic, size, keys, populations. */
export function serializePacked(list: PackedList): Buffer {
  const variants = list.variants?.count ?? 0;
  const base = 8 + list.size * 25;
  const out = Buffer.alloc(base + (variants > 0 ? 4 + variants * 12 : 0));
  out.writeUInt32LE(variants > 0 ? MAGIC_VARIANTS : MAGIC, 0);
  out.writeUInt32LE(list.size, 4);
  for (let i = 0; i < list.size * 6; i++) out.writeInt32LE(list.keys[i]!, 8 + i * 4);
  out.set(list.population.subarray(0, list.size), 8 + list.size * 24);
  if (variants > 0) {
    const v = list.variants!;
    out.writeUInt32LE(variants, base);
    for (let e = 0; e < variants; e++) out.writeInt32LE(v.account[e]!, base + 4 + e * 4);
    for (let e = 0; e < variants * 2; e++) out.writeInt32LE(v.keys[e]!, base + 4 + variants * 4 + e * 4);
  }
  return out;
}

export function deserializePacked(data: Uint8Array): PackedList {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const magic = buffer.length < 8 ? 0 : buffer.readUInt32LE(0);
  if (magic !== MAGIC && magic !== MAGIC_VARIANTS) throw new Error('not a packed account list');
  const size = buffer.readUInt32LE(4);
  const base = 8 + size * 25;
  const variants = magic === MAGIC_VARIANTS && buffer.length >= base + 4 ? buffer.readUInt32LE(base) : 0;
  if (buffer.length !== (magic === MAGIC ? base : base + 4 + variants * 12))
    throw new Error('packed account list is truncated');
  const keys = new Int32Array(size * 6);
  for (let i = 0; i < size * 6; i++) keys[i] = buffer.readInt32LE(8 + i * 4);
  const population = new Uint8Array(size);
  population.set(buffer.subarray(8 + size * 24, 8 + size * 25));
  if (variants === 0) return { size, population, keys };
  const account = new Int32Array(variants);
  for (let e = 0; e < variants; e++) account[e] = buffer.readInt32LE(base + 4 + e * 4);
  const variantKeys = new Int32Array(variants * 2);
  for (let e = 0; e < variants * 2; e++) variantKeys[e] = buffer.readInt32LE(base + 4 + variants * 4 + e * 4);
  return { size, population, keys, variants: { count: variants, account, keys: variantKeys } };
}
