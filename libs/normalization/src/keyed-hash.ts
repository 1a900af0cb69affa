import { hash } from 'node:crypto';

/** A function from a normalized match key to its keyed hash (HMAC-SHA256 with one secret). */
export type KeyedHasher = (normalizedKey: string) => Buffer;

/**
 * Keyed hashing of match keys for lists stored without raw values (privacy mode): the same
 * normalized key and the same secret always give the same digest, so two hashed lists still
 * match each other, while the digest reveals nothing without the secret (a plain hash of
 * `romashka|RU` could be found again by hashing guesses). The secret is per deployment and at
 * least 16 bytes; the full 32-byte digest is returned, callers truncate as they need.
 */
export function keyedHasher(secret: string | Buffer): KeyedHasher {
  let key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (key.length < 16) throw new Error('keyed hashing needs a secret of at least 16 bytes');
  if (key.length > 64) key = hash('sha256', key, 'buffer');
  // HMAC (RFC 2104) written out with two one-shot SHA-256 calls over reused buffers: the same
  // digest as createHmac, at a fraction of the allocations (imports hash millions of keys).
  let inner = Buffer.alloc(64 + 256);
  const outer = Buffer.alloc(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = (key[i] ?? 0) ^ 0x36;
    outer[i] = (key[i] ?? 0) ^ 0x5c;
  }
  return (normalizedKey) => {
    const length = Buffer.byteLength(normalizedKey, 'utf8');
    if (64 + length > inner.length) {
      const grown = Buffer.alloc(64 + length * 2);
      inner.copy(grown, 0, 0, 64);
      inner = grown;
    }
    inner.write(normalizedKey, 64, 'utf8');
    hash('sha256', inner.subarray(0, 64 + length), 'buffer').copy(outer, 64);
    return hash('sha256', outer, 'buffer');
  };
}

/** HMAC-SHA256 of one normalized key, as lower-case hex truncated to `bytes` bytes (default 16). */
export function keyedHash(secret: string | Buffer, normalizedKey: string, bytes = 16): string {
  if (!Number.isInteger(bytes) || bytes < 8 || bytes > 32) throw new Error('bytes must be 8..32');
  return keyedHasher(secret)(normalizedKey).subarray(0, bytes).toString('hex');
}
