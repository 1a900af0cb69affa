import type { AccountKeys } from '../domain';
import { Hmac64 } from './hmac-sha256';

/** Used when no per-deployment secret is configured; privacy mode is refused then. */
const UNKEYED_SECRET = 'prm-mapping/no-deployment-secret';

/**
 * The 64-bit keyed hashes the engine matches on: the first 8 bytes of HMAC-SHA256(secret,
 * "<kind>:<normalized key>"), kind t (tax id), d (domain), n (name + country). Every list is
 * hashed the same way, so a privacy-mode list matches a plain one.
 */
export class MatchKeyHasher {
  private readonly hmac: Hmac64;
  /** Identifies the secret (never reveals it): lists hashed under another secret are rehashed or stale. */
  readonly fingerprint: string;

  constructor(readonly secret?: string) {
    this.hmac = new Hmac64(secret ?? UNKEYED_SECRET);
    const print = new Int32Array(2);
    this.hmac.digestInto('prm-mapping/fingerprint', print, 0);
    this.fingerprint = [...print].map((v) => (v >>> 0).toString(16).padStart(8, '0')).join('');
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
    this.hmac.digestInto(key, out, at);
    if ((out[at]! | out[at + 1]!) === 0) out[at] = 1; // (0, 0) means 'no key'
  }
}
