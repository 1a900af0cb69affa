import { hash } from 'node:crypto';

const K = Int32Array.from(
  [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ],
  (x) => x | 0,
);
const IV = Int32Array.from(
  [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19],
  (x) => x | 0,
);

/** One SHA-256 compression of the 64-byte block at `offset` into `state`. */
function compress(state: Int32Array, w: Int32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const at = offset + i * 4;
    w[i] = (block[at]! << 24) | (block[at + 1]! << 16) | (block[at + 2]! << 8) | block[at + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!,
      y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!,
    b = state[1]!,
    c = state[2]!,
    d = state[3]!,
    e = state[4]!,
    f = state[5]!,
    g = state[6]!,
    h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/**
 * HMAC-SHA256 (RFC 2104) of short strings under one key, first 8 bytes only, as two int32s.
 * The key's inner and outer pads are compressed once, so a key of up to 55 UTF-8 bytes costs two
 * SHA-256 blocks (instead of four) and no allocation: imports hash every key of every row, and
 * two calls into OpenSSL per key were the largest single cost of reading a CSV.
 * The digest is HMAC-SHA256's (tested against node:crypto's createHmac).
 */
export class Hmac64 {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly state = new Int32Array(8);
  private readonly w = new Int32Array(64);
  private message = Buffer.alloc(256);
  private readonly last = new Uint8Array(64);

  constructor(secret: string | Buffer) {
    let key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (key.length > 64) key = hash('sha256', key, 'buffer');
    const pad = new Uint8Array(64);
    for (const [state, xor] of [
      [this.inner, 0x36],
      [this.outer, 0x5c],
    ] as const) {
      for (let i = 0; i < 64; i++) pad[i] = (key[i] ?? 0) ^ xor;
      state.set(IV);
      compress(state, this.w, pad, 0);
    }
  }

  /** Writes the digest's first 4 bytes (big-endian int32) at out[at] and the next 4 at out[at + 1]. */
  digestInto(text: string, out: Int32Array, at: number): void {
    const length = Buffer.byteLength(text, 'utf8');
    const blocks = (length + 9 + 63) >>> 6;
    if (blocks * 64 > this.message.length) this.message = Buffer.alloc(blocks * 128);
    const m = this.message;
    m.write(text, 0, 'utf8');
    m.fill(0, length, blocks * 64);
    m[length] = 0x80;
    const bits = (64 + length) * 8;
    m.writeUInt32BE(Math.floor(bits / 2 ** 32), blocks * 64 - 8);
    m.writeUInt32BE(bits >>> 0, blocks * 64 - 4);
    const state = this.state;
    state.set(this.inner);
    for (let b = 0; b < blocks; b++) compress(state, this.w, m, b * 64);
    // Outer: the inner digest (32 bytes), padding, length 64 + 32 bytes.
    const last = this.last;
    for (let i = 0; i < 8; i++) {
      const v = state[i]!;
      last[i * 4] = v >>> 24;
      last[i * 4 + 1] = v >>> 16;
      last[i * 4 + 2] = v >>> 8;
      last[i * 4 + 3] = v;
    }
    last.fill(0, 32);
    last[32] = 0x80;
    last[62] = (96 * 8) >>> 8;
    last[63] = (96 * 8) & 0xff;
    state.set(this.outer);
    compress(state, this.w, last, 0);
    out[at] = state[0]!;
    out[at + 1] = state[1]!;
  }
}
