import type { DataOf, RecordedEvent } from '@prm/contracts';
import { bagToList, fromMicros, MicrosSum, type MoneyAmount } from './money';
import { customerKeyOf } from './partner-health';

/*
 * Channel metrics by month: revenue through partners vs direct, sourced vs influenced,
 * partner vs direct win rate and deal cycle, customer churn and LTV by channel, PAM leverage.
 * The fold keeps additive monthly counters (so a projection can add a batch's deltas to
 * its rows); churn and LTV are computed from the per-customer monthly wins when asked.
 * The month of a close is its closedOn; of a registration its registeredAt (else event time).
 */

export type Channel = 'partner' | 'direct';

/** What the channel fold remembers of a deal between its registration and its close. */
export interface DealChannelInfo {
  channel: Channel;
  customerKey: string;
  pamId: string | null;
}

interface ChannelCounters {
  registrations: number;
  won: number;
  lost: number;
  cycleDaysSum: number;
}

/** Exact sums of won money per currency: a short list (one or two currencies in practice). */
export class CurrencySums {
  // Started with the first currency (a one-element literal: an empty array pushed to gets room for 17).
  private readonly currencies: string[];
  private readonly sums: MicrosSum[];

  constructor(firstCurrency: string) {
    this.currencies = [firstCurrency];
    this.sums = [new MicrosSum()];
  }

  add(currency: string, amount: string): void {
    let i = this.currencies.indexOf(currency);
    if (i < 0) {
      i = this.currencies.push(currency) - 1;
      this.sums.push(new MicrosSum());
    }
    this.sums[i]!.addAmount(amount);
  }

  /** [currency, micros] pairs in the order the currencies were first added. */
  entries(): Array<[string, bigint]> {
    return this.currencies.map((c, i) => [c, this.sums[i]!.micros]);
  }
}

/** One month of the channel counters. Nothing is keyed by built strings: the fold adds one per deal event. */
export interface ChannelMonthAccumulator {
  month: string;
  /** Per channel, null until an event of that channel counted in this month. */
  partner: ChannelCounters | null;
  direct: ChannelCounters | null;
  /** Won money by attribution: sourced and influenced (partner channel), direct. */
  revenue: Map<string, CurrencySums>;
  /** Won money per channel and customer (customerKey; "unknown" when the registration was never seen). */
  customers: Record<Channel, Map<string, CurrencySums>>;
  /** Won money of deals registered under each PAM. */
  pams: Map<string, CurrencySums>;
}

export interface ChannelAccumulator {
  /** Month (year × 100 + month number) → that month's counters. */
  months: Map<number, ChannelMonthAccumulator>;
}

export function emptyChannelAccumulator(): ChannelAccumulator {
  return { months: new Map() };
}

export const CHANNEL_EVENT_TYPES = new Set(['DealRegistered', 'DealWon', 'DealLost']);

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

/** The month of an ISO date or time ("2025-03-14…"): its counters, created when first used. */
function monthOf(acc: ChannelAccumulator, date: string): ChannelMonthAccumulator {
  const key =
    (digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3)) * 100 +
    digit(date, 5) * 10 +
    digit(date, 6);
  let m = acc.months.get(key);
  if (!m)
    acc.months.set(
      key,
      (m = {
        month: date.slice(0, 7),
        partner: null,
        direct: null,
        revenue: new Map(),
        customers: { partner: new Map(), direct: new Map() },
        pams: new Map(),
      }),
    );
  return m;
}

function countersOf(m: ChannelMonthAccumulator, channel: Channel): ChannelCounters {
  return (m[channel] ??= { registrations: 0, won: 0, lost: 0, cycleDaysSum: 0 });
}

/** Adds won money to map[key] in its currency. */
function addWon(map: Map<string, CurrencySums>, key: string, money: MoneyAmount): void {
  const sums = map.get(key);
  if (sums) sums.add(money.currency, money.amount);
  else {
    const created = new CurrencySums(money.currency);
    created.add(money.currency, money.amount);
    map.set(key, created);
  }
}

/**
 * What the channel counters need of a deal registered earlier: a DealChannelInfo (direct
 * deals) or the DealFacts its partner's state keeps (a partner's deal). Undefined, or without
 * a customerKey, when its registration was never seen (the customer is then "unknown").
 */
export type KnownDeal = Partial<Pick<DealChannelInfo, 'customerKey' | 'pamId'>>;

/** Where the channel fold remembers direct deals between their registration and close. */
export interface DirectDeals {
  get(dealId: string): DealChannelInfo | undefined;
  set(dealId: string, info: DealChannelInfo): unknown;
}

/**
 * Applies a deal event to the channel counters. `deal` is what is known of the deal from its
 * registration (see KnownDeal). Returns a direct deal's info after its DealRegistered, for the
 * caller to keep (a partner's deal is known from its partner's state).
 */
export function applyToChannel(
  acc: ChannelAccumulator,
  event: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>,
  deal: KnownDeal | undefined,
): DealChannelInfo | undefined {
  switch (event.type) {
    case 'DealRegistered': {
      const d = event.data as DataOf<'DealRegistered'>;
      const channel: Channel = d.partnerId ? 'partner' : 'direct';
      countersOf(monthOf(acc, d.registeredAt ?? event.metadata.occurredAt), channel).registrations++;
      return channel === 'direct'
        ? { channel, customerKey: customerKeyOf(d), pamId: d.pamId ?? null }
        : undefined;
    }
    case 'DealWon': {
      const d = event.data as DataOf<'DealWon'>;
      const channel: Channel = d.partnerId ? 'partner' : 'direct';
      const m = monthOf(acc, d.closedOn);
      const counters = countersOf(m, channel);
      counters.won++;
      counters.cycleDaysSum += d.cycleDays;
      const attribution = channel === 'direct' ? 'direct' : (d.attribution ?? 'sourced');
      addWon(m.revenue, attribution, d.wonValue);
      addWon(m.customers[channel], deal?.customerKey ?? 'unknown', d.wonValue);
      if (deal?.pamId) addWon(m.pams, deal.pamId, d.wonValue);
      return undefined;
    }
    case 'DealLost': {
      const d = event.data as DataOf<'DealLost'>;
      countersOf(monthOf(acc, d.closedOn), d.partnerId ? 'partner' : 'direct').lost++;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Stored rows of the channel read model (what a projection persists from the accumulator). */
export interface ChannelRows {
  months: Array<{
    month: string;
    channel: Channel;
    registrations: number;
    won: number;
    lost: number;
    cycleDaysSum: number;
  }>;
  revenue: Array<{ month: string; channel: Channel; attribution: string; currency: string; micros: bigint }>;
  customers: Array<{
    customerKey: string;
    channel: Channel;
    month: string;
    currency: string;
    micros: bigint;
  }>;
  pams: Array<{ month: string; pamId: string; currency: string; micros: bigint }>;
}

export interface ChannelMonth {
  month: string;
  revenuePartner: MoneyAmount[];
  revenueDirect: MoneyAmount[];
  revenueSourced: MoneyAmount[];
  revenueInfluenced: MoneyAmount[];
  partnerWinRate: number | null;
  directWinRate: number | null;
  partnerAvgCycleDays: number | null;
  directAvgCycleDays: number | null;
  partnerDealsWon: number;
  directDealsWon: number;
  partnerRegistrations: number;
  directRegistrations: number;
  /** Customers with a win in the 12 months up to the month's end, per channel. */
  partnerActiveCustomers: number;
  directActiveCustomers: number;
  /** Customers active at the previous month's end but not at this one's / active then. */
  partnerCustomerChurn: number | null;
  directCustomerChurn: number | null;
  /** Won revenue up to the month's end / distinct customers with revenue in that currency, per channel. */
  partnerLtv: MoneyAmount[];
  directLtv: MoneyAmount[];
  /** PAMs with won revenue in the month and that revenue per PAM. */
  pamsWithRevenue: number;
  revenuePerPam: MoneyAmount[];
}

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

function divideList(totals: Map<string, bigint>, counts: Map<string, number>): MoneyAmount[] {
  return [...totals.keys()]
    .sort()
    .filter((c) => (counts.get(c) ?? 0) > 0)
    .map((c) => {
      const n = BigInt(counts.get(c)!);
      return { amount: fromMicros((2n * totals.get(c)! + n) / (2n * n)), currency: c };
    });
}

/** Channel metrics of each month in [from, to] (YYYY-MM), from the stored rows. */
export function channelReport(rows: ChannelRows, from: string, to: string): ChannelMonth[] {
  const out: ChannelMonth[] = [];
  // customer → channel → set of month indexes with wins; and cumulative revenue per currency.
  const winMonths = new Map<string, Set<number>>();
  for (const c of rows.customers) {
    const key = `${c.channel}|${c.customerKey}`;
    let s = winMonths.get(key);
    if (!s) winMonths.set(key, (s = new Set()));
    s.add(monthIndex(c.month));
  }
  const activeAt = (channel: Channel, end: number) => {
    let n = 0;
    const keys: string[] = [];
    for (const [key, months] of winMonths) {
      if (!key.startsWith(`${channel}|`)) continue;
      for (const mi of months)
        if (mi <= end && mi > end - 12) {
          n++;
          keys.push(key);
          break;
        }
    }
    return { n, keys: new Set(keys) };
  };
  for (let mi = monthIndex(from); mi <= monthIndex(to); mi++) {
    const m = `${Math.floor(mi / 12)}-${String((mi % 12) + 1).padStart(2, '0')}`;
    const bag = (pred: (r: ChannelRows['revenue'][number]) => boolean) => {
      const b: Record<string, string> = {};
      for (const r of rows.revenue)
        if (r.month === m && pred(r)) b[r.currency] = String(BigInt(b[r.currency] ?? '0') + r.micros);
      return bagToList(b);
    };
    const counters = (channel: Channel) =>
      rows.months.find((r) => r.month === m && r.channel === channel) ?? {
        registrations: 0,
        won: 0,
        lost: 0,
        cycleDaysSum: 0,
      };
    const p = counters('partner');
    const d = counters('direct');
    const churn = (channel: Channel) => {
      const now = activeAt(channel, mi);
      const before = activeAt(channel, mi - 1);
      if (before.n === 0) return { active: now.n, churn: null };
      let lost = 0;
      for (const k of before.keys) if (!now.keys.has(k)) lost++;
      return { active: now.n, churn: r4(lost / before.n) };
    };
    const ltv = (channel: Channel) => {
      const totals = new Map<string, bigint>();
      const customers = new Map<string, Set<string>>();
      for (const c of rows.customers) {
        if (c.channel !== channel || monthIndex(c.month) > mi) continue;
        totals.set(c.currency, (totals.get(c.currency) ?? 0n) + c.micros);
        let s = customers.get(c.currency);
        if (!s) customers.set(c.currency, (s = new Set()));
        s.add(c.customerKey);
      }
      return divideList(totals, new Map([...customers].map(([c, s]) => [c, s.size])));
    };
    const pc = churn('partner');
    const dc = churn('direct');
    const pamTotals = new Map<string, bigint>();
    const pamIds = new Map<string, Set<string>>();
    for (const r of rows.pams) {
      if (r.month !== m) continue;
      pamTotals.set(r.currency, (pamTotals.get(r.currency) ?? 0n) + r.micros);
      let s = pamIds.get(r.currency);
      if (!s) pamIds.set(r.currency, (s = new Set()));
      s.add(r.pamId);
    }
    out.push({
      month: m,
      revenuePartner: bag((r) => r.channel === 'partner'),
      revenueDirect: bag((r) => r.channel === 'direct'),
      revenueSourced: bag((r) => r.channel === 'partner' && r.attribution === 'sourced'),
      revenueInfluenced: bag((r) => r.channel === 'partner' && r.attribution === 'influenced'),
      partnerWinRate: p.won + p.lost > 0 ? r4(p.won / (p.won + p.lost)) : null,
      directWinRate: d.won + d.lost > 0 ? r4(d.won / (d.won + d.lost)) : null,
      partnerAvgCycleDays: p.won > 0 ? Math.round((p.cycleDaysSum / p.won) * 10) / 10 : null,
      directAvgCycleDays: d.won > 0 ? Math.round((d.cycleDaysSum / d.won) * 10) / 10 : null,
      partnerDealsWon: p.won,
      directDealsWon: d.won,
      partnerRegistrations: p.registrations,
      directRegistrations: d.registrations,
      partnerActiveCustomers: pc.active,
      directActiveCustomers: dc.active,
      partnerCustomerChurn: pc.churn,
      directCustomerChurn: dc.churn,
      partnerLtv: ltv('partner'),
      directLtv: ltv('direct'),
      pamsWithRevenue: new Set(rows.pams.filter((r) => r.month === m).map((r) => r.pamId)).size,
      revenuePerPam: divideList(pamTotals, new Map([...pamIds].map(([c, s]) => [c, s.size]))),
    });
  }
  return out;
}

/** The accumulator as rows (what a projection adds to its tables; the in-memory path and tests read them). */
export function channelRowsOf(acc: ChannelAccumulator): ChannelRows {
  const rows: ChannelRows = { months: [], revenue: [], customers: [], pams: [] };
  for (const m of acc.months.values()) {
    const month = m.month;
    for (const channel of ['partner', 'direct'] as const) {
      const counters = m[channel];
      if (counters) rows.months.push({ month, channel, ...counters });
      for (const [customerKey, sums] of m.customers[channel])
        for (const [currency, micros] of sums.entries())
          rows.customers.push({ customerKey, channel, month, currency, micros });
    }
    for (const [attribution, sums] of m.revenue)
      for (const [currency, micros] of sums.entries())
        rows.revenue.push({
          month,
          channel: attribution === 'direct' ? 'direct' : 'partner',
          attribution,
          currency,
          micros,
        });
    for (const [pamId, sums] of m.pams)
      for (const [currency, micros] of sums.entries()) rows.pams.push({ month, pamId, currency, micros });
  }
  return rows;
}
