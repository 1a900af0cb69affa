/*
 * Exact decimal arithmetic for money: a contract decimal string ("1250.5", at most 6 decimals)
 * becomes an integer number of millionths (micros) held in a BigInt; floats never touch money.
 * A MoneyBag keeps one sum per currency (the platform is multi-currency): it is a plain JSON
 * object, currency → micros as a decimal integer string, so fold states serialize as they are.
 */

import { amountAsNumber, fromMicros, MICROS_PER_UNIT as FACTOR, microsAsNumber, toMicros } from '@prm/domain';

export interface MoneyAmount {
  amount: string;
  currency: string;
}

/** currency → micros (integer, may be negative for corrections), as a string. */
export type MoneyBag = Record<string, string>;

export { amountAsNumber, fromMicros, toMicros };

/**
 * An exact running sum of money in micros that stays a JS number while it can: an amount that
 * fits below 2^53 micros is added as a number, and the sum spills into a BigInt before it could
 * lose precision. The channel fold adds one per won deal; this way most adds allocate nothing.
 */
export class MicrosSum {
  private small = 0;
  private big = 0n;

  /** Adds a contract decimal amount ("1250.5"); throws on anything else. */
  addAmount(amount: string): void {
    const n = microsAsNumber(amount);
    if (n !== n)
      this.big += toMicros(amount); // NaN: too large for a number (or not a decimal)
    else this.addNumber(n);
  }

  private addNumber(n: number): void {
    const sum = this.small + n;
    // Both are exact integers below 2^53: the sum is exact unless it reaches 2^53, and then
    // the (rounded) result is at least 2^53 too.
    if (sum <= Number.MAX_SAFE_INTEGER) this.small = sum;
    else {
      this.big += BigInt(this.small) + BigInt(n);
      this.small = 0;
    }
  }

  get micros(): bigint {
    return this.big + BigInt(this.small);
  }
}

export function bagAdd(bag: MoneyBag, money: MoneyAmount, sign: 1n | -1n = 1n): void {
  bag[money.currency] = String(BigInt(bag[money.currency] ?? '0') + sign * toMicros(money.amount));
}

export function bagAddMicros(bag: MoneyBag, currency: string, micros: bigint): void {
  bag[currency] = String(BigInt(bag[currency] ?? '0') + micros);
}

/** The bag as a list of amounts, sorted by currency, zero sums left out. */
export function bagToList(bag: MoneyBag): MoneyAmount[] {
  return Object.keys(bag)
    .sort()
    .filter((c) => BigInt(bag[c]!) !== 0n)
    .map((currency) => ({ amount: fromMicros(BigInt(bag[currency]!)), currency }));
}

/** Exact integer division of every sum (average deal size etc.), rounded half up to micros. */
export function bagDivide(bag: MoneyBag, by: number): MoneyBag {
  const out: MoneyBag = {};
  if (by <= 0) return out;
  const d = BigInt(by);
  for (const [c, v] of Object.entries(bag)) {
    const n = BigInt(v);
    out[c] = String((2n * n + d) / (2n * d));
  }
  return out;
}

/**
 * Exchange rates, "FROM>TO" → [effectiveOn, rate, recordedAt] sorted by effectiveOn. The rate
 * is a decimal string: units of TO per unit of FROM; recordedAt is the rate event's time.
 */
export type RateTable = Record<string, Array<[string, string, string?]>>;

/**
 * The latest rate effective on or before `day` (YYYY-MM-DD) among the rates recorded by
 * `knownAt` (an ISO time; all when omitted), so a computation "as of" a moment never uses a
 * rate recorded later; 1 for the reporting currency itself.
 */
export function rateOn(
  rates: RateTable,
  currency: string,
  reporting: string,
  day: string,
  knownAt?: string,
): bigint | null {
  if (currency === reporting) return FACTOR;
  const list = rates[`${currency}>${reporting}`];
  if (!list) return null;
  let found: string | null = null;
  for (const [on, rate, recordedAt] of list) {
    if (on > day) break;
    if (knownAt === undefined || recordedAt === undefined || recordedAt <= knownAt) found = rate;
  }
  return found === null ? null : toMicros(found);
}

/**
 * The bag converted to the reporting currency, in micros; currencies without a rate on `day`
 * are left out (and listed in `missing`). Used for scoring and ranking only, never displayed as money.
 */
export function bagInReporting(
  bag: MoneyBag,
  rates: RateTable,
  reporting: string,
  day: string,
  knownAt?: string,
): { micros: bigint; missing: string[] } {
  let total = 0n;
  const missing: string[] = [];
  for (const [currency, v] of Object.entries(bag)) {
    const rate = rateOn(rates, currency, reporting, day, knownAt);
    if (rate === null) {
      if (BigInt(v) !== 0n) missing.push(currency);
      continue;
    }
    total += (BigInt(v) * rate) / FACTOR;
  }
  return { micros: total, missing };
}

/** Micros as a JS number of whole units (for scores and ranking only). */
export function microsToNumber(micros: bigint): number {
  return Number(micros) / 1e6;
}
