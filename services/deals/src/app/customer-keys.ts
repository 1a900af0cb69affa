import { createHash } from 'node:crypto';

/** A 64-bit advisory-lock id for a customer key (the first 8 bytes of its SHA-1, signed). */
export function lockIdOf(key: string): string {
  return createHash('sha1').update(key).digest().readBigInt64BE(0).toString();
}
