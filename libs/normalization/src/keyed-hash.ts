import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

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
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (bytes.length < 16) throw new Error('keyed hashing needs a secret of at least 16 bytes');
  const key: KeyObject = createSecretKey(bytes);
  return (normalizedKey) => createHmac('sha256', key).update(normalizedKey, 'utf8').digest();
}

/** HMAC-SHA256 of one normalized key, as lower-case hex truncated to `bytes` bytes (default 16). */
export function keyedHash(secret: string | Buffer, normalizedKey: string, bytes = 16): string {
  if (!Number.isInteger(bytes) || bytes < 8 || bytes > 32) throw new Error('bytes must be 8..32');
  return keyedHasher(secret)(normalizedKey).subarray(0, bytes).toString('hex');
}
