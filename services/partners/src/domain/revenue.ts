import type { Money } from '@prm/contracts';
import { fromMicros, toMicros } from './money';

/*
 * Trailing-12-month won revenue, the fact behind tier revenue requirements: built from the
 * partner's won deals (DealWon, from the deals service) in one currency (the reporting
 * currency), each deal converted at the rate recorded for its close day (ExchangeRateRecorded).
 * A deal whose currency has no recorded rate is not counted as zero silently: it is listed.
 */

/** A won deal as the partners context keeps it (from DealWon). */
export interface WonDeal {
  readonly dealId: string;
  readonly wonValue: Money;
  /** YYYY-MM-DD. */
  readonly closedOn: string;
}

/** An exchange rate as recorded by the deals service: units of `to` per unit of `from`, from a day on. */
export interface RecordedRate {
  readonly from: string;
  readonly to: string;
  readonly rate: string;
  readonly effectiveOn: string;
}

const FACTOR = 1_000_000n;

/**
 * The rate from → to in force on `day` (the latest recorded on or before it), in millionths;
 * 1 for the same currency; the inverse of a recorded to → from rate when only that exists; null
 * when there is none.
 */
export function rateMicrosOn(
  rates: readonly RecordedRate[],
  from: string,
  to: string,
  day: string,
): bigint | null {
  if (from === to) return FACTOR;
  const latest = (a: string, b: string) => {
    let found: RecordedRate | null = null;
    for (const r of rates)
      if (
        r.from === a &&
        r.to === b &&
        r.effectiveOn <= day &&
        (!found || r.effectiveOn >= found.effectiveOn)
      )
        found = r;
    return found;
  };
  const direct = latest(from, to);
  if (direct) return toMicros(direct.rate);
  const inverse = latest(to, from);
  if (inverse && toMicros(inverse.rate) > 0n) return (FACTOR * FACTOR) / toMicros(inverse.rate);
  return null;
}

/** `micros` of `from` in `to` at `rateMicros` (millionths of `to` per unit of `from`), exactly, rounded down. */
export function convertMicros(micros: bigint, rateMicros: bigint): bigint {
  return (micros * rateMicros) / FACTOR;
}

/** The first day of the trailing 12 months ending on `today` (YYYY-MM-DD): a year back, plus a day. */
export function trailing12MonthStart(today: string): string {
  const d = new Date(`${today}T00:00:00.000Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export interface TrailingRevenue {
  /** The deals closed in the 12 months up to today that could be converted, in `currency`. */
  readonly revenue: Money;
  /** Won value left out for want of a recorded rate into `currency`, per currency. */
  readonly unconverted: readonly Money[];
  readonly deals: number;
}

/** Won revenue of the deals closed from a year before `today` (exclusive) to `today`, in `currency`. */
export function trailing12MonthRevenue(
  deals: readonly WonDeal[],
  rates: readonly RecordedRate[],
  currency: string,
  today: string,
): TrailingRevenue {
  const start = trailing12MonthStart(today);
  let total = 0n;
  let counted = 0;
  const missing = new Map<string, bigint>();
  const seen = new Set<string>();
  for (const deal of deals) {
    if (seen.has(deal.dealId) || deal.closedOn < start || deal.closedOn > today) continue;
    seen.add(deal.dealId);
    const micros = toMicros(deal.wonValue.amount);
    const rate = rateMicrosOn(rates, deal.wonValue.currency, currency, deal.closedOn);
    if (rate === null) {
      missing.set(deal.wonValue.currency, (missing.get(deal.wonValue.currency) ?? 0n) + micros);
      continue;
    }
    total += convertMicros(micros, rate);
    counted++;
  }
  return {
    revenue: { amount: fromMicros(total), currency },
    unconverted: [...missing.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([c, m]) => ({ amount: fromMicros(m), currency: c })),
    deals: counted,
  };
}
