import { keyedHasher, type KeyedHasher } from '@prm/normalization';
import type { AccountKeys } from '../domain';

/** Used when no per-deployment secret is configured; privacy mode is refused then. */
const UNKEYED_SECRET = 'prm-mapping/no-deployment-secret';

/**
 * The 64-bit keyed hashes the engine matches on: the first 8 bytes of HMAC-SHA256(secret,
 * "<kind>:<normalized key>"), kind t (tax id), d (domain), n (name + country). Every list is
 * hashed the same way, so a privacy-mode list matches a plain one.
 */
export class MatchKeyHasher {
  private readonly hmac: KeyedHasher;
  /** Identifies the secret (never reveals it): lists hashed under another secret are rehashed or stale. */
  readonly fingerprint: string;

  constructor(readonly secret?: string) {
    this.hmac = keyedHasher(secret ?? UNKEYED_SECRET);
    this.fingerprint = this.hmac('prm-mapping/fingerprint').subarray(0, 8).toString('hex');
  }

  get keyed(): boolean {
    return this.secret !== undefined;
  }

  /** Writes the six int32 halves (tax, domain, name) of an account's keys at `offset`. */
  hashInto(keys: AccountKeys, out: Int32Array, offset: number): void {
    this.one(keys.taxId && `t:${keys.taxId}`, out, offset);
    this.one(keys.domain && `d:${keys.domain}`, out, offset + 2);
    this.one(keys.nameCountry && `n:${keys.nameCountry}`, out, offset + 4);
  }

  /** The (hi, lo) pairs of an account's variant name keys, flat; [] for most accounts. */
  variantPairs(keys: AccountKeys): number[] {
    const out: number[] = [];
    for (const variant of keys.nameVariants ?? []) {
      const pair = new Int32Array(2);
      this.one(`n:${variant}`, pair, 0);
      out.push(pair[0]!, pair[1]!);
    }
    return out;
  }

  private one(key: string | undefined, out: Int32Array, at: number): void {
    if (!key) {
      out[at] = 0;
      out[at + 1] = 0;
      return;
    }
    const digest = this.hmac(key);
    let hi = digest.readInt32BE(0);
    const lo = digest.readInt32BE(4);
    if ((hi | lo) === 0) hi = 1; // (0, 0) means "no key"
    out[at] = hi;
    out[at + 1] = lo;
  }
}
