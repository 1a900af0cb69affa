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
}

const MAGIC = 0x504d4c31; // "PML1"

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
  const out = Buffer.alloc(8 + list.size * 24 + list.size);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(list.size, 4);
  for (let i = 0; i < list.size * 6; i++) out.writeInt32LE(list.keys[i]!, 8 + i * 4);
  out.set(list.population.subarray(0, list.size), 8 + list.size * 24);
  return out;
}

export function deserializePacked(data: Uint8Array): PackedList {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buffer.length < 8 || buffer.readUInt32LE(0) !== MAGIC) throw new Error('not a packed account list');
  const size = buffer.readUInt32LE(4);
  if (buffer.length !== 8 + size * 25) throw new Error('packed account list is truncated');
  const keys = new Int32Array(size * 6);
  for (let i = 0; i < size * 6; i++) keys[i] = buffer.readInt32LE(8 + i * 4);
  const population = new Uint8Array(size);
  population.set(buffer.subarray(8 + size * 24, 8 + size * 25));
  return { size, population, keys };
}
