import type { Quadrant, RecordedEvent } from '@prm/contracts';
import { isoTimeMs } from '@prm/domain';
import {
  applyToChannel,
  CHANNEL_EVENT_TYPES,
  emptyChannelAccumulator,
  type ChannelAccumulator,
  type DealChannelInfo,
  type DirectDeals,
} from './channel';
import {
  applyToGlobal,
  applyToPartner,
  emptyGlobalState,
  emptyPartnerState,
  GLOBAL_EVENT_TYPES,
  partnersAffectedBy,
  RESCORE_ALL_EVENT_TYPES,
  rescoreTime,
  type DealFacts,
  type GlobalHealthState,
  type PartnerHealthState,
} from './partner-health';
import { computeScorecard, numericMetrics, scoringInputsAt, type Scorecard } from './scorecard';
import { scorePartner, type PartnerScores, type ScoringConfig } from './scoring';

/*
 * One step of the partner-health fold, shared by the PostgreSQL projection, the in-memory
 * fold (benchmark, recompute under a new scoring version) and time travel:
 *
 *  1. the event is applied to the state of every partner it concerns (or to the global state);
 *  2. each registered partner it touched is scored again, at its own latest event time, under
 *     every scoring version; a quadrant that differs from the partner's previous one is a
 *     QuadrantChange (history). An ideal-partner-profile change rescores every partner.
 *
 * Scoring happens after every event, not after every batch, so the history does not depend on
 * how events were batched: a rebuild and incremental processing give the same rows.
 */

export interface PartnerEntry {
  state: PartnerHealthState;
  /** Latest scores per scoring version (key: version as a string). */
  scores: Record<string, PartnerScores>;
  /** The moment the scores were computed for (the partner's latest event time, or later). */
  scoredAt: string | null;
  /** The full scorecard at scoredAt; refreshed by refreshScorecard (once per batch, not per event). */
  scorecard: Scorecard | null;
  /** Numeric metric values of that scorecard (money in the reporting currency), for ranking. */
  numeric: Record<string, number | null> | null;
}

export interface QuadrantChange {
  partnerId: string;
  scoringVersion: number;
  asOf: string;
  quadrant: Quadrant;
  previousQuadrant: Quadrant | null;
  potential: number;
  utilization: number;
  /** Global position of the event that caused it. */
  globalPosition: bigint;
}

export interface EntrySource {
  /** The partner's entry, created empty when it has none. */
  get(partnerId: string): PartnerEntry;
  /** Every entry (for events that concern every partner). */
  all(): Iterable<PartnerEntry>;
}

export interface FoldOptions {
  configs: readonly ScoringConfig[];
  /** Score after each event (default true); false folds the facts only. */
  score?: boolean;
  /** Keep each score's contributions after every event (default false: refreshScorecard adds them). */
  contributions?: boolean;
}

export function newEntry(partnerId: string): PartnerEntry {
  return { state: emptyPartnerState(partnerId), scores: {}, scoredAt: null, scorecard: null, numeric: null };
}

/** Scores an entry at its latest event time (or `atLeast`, when later) under every version. */
export function scoreEntry(
  entry: PartnerEntry,
  global: GlobalHealthState,
  configs: readonly ScoringConfig[],
  globalPosition: bigint,
  changes: QuadrantChange[],
  atLeast?: string,
  options: { contributions?: boolean } = {},
): void {
  const s = entry.state;
  if (!s.registered || s.lastEventAt === null || configs.length === 0) return;
  const raw = atLeast && atLeast > s.lastEventAt ? atLeast : s.lastEventAt;
  const asOfMs = isoTimeMs(raw);
  // Event times are toISOString() strings by contract; normalize anything else.
  const at = raw.length === 24 && raw.endsWith('Z') ? raw : new Date(asOfMs).toISOString();
  let reporting = configs[0]!.reportingCurrency;
  let inputs = scoringInputsAt(s, global, asOfMs, at, reporting);
  entry.scoredAt = at;
  for (const config of configs) {
    if (config.reportingCurrency !== reporting) {
      reporting = config.reportingCurrency;
      inputs = scoringInputsAt(s, global, asOfMs, at, reporting);
    }
    const scores = scorePartner(inputs, config, options.contributions ?? false);
    const previous = entry.scores[String(config.version)];
    if (!previous || previous.quadrant !== scores.quadrant) {
      changes.push({
        partnerId: s.partnerId,
        scoringVersion: config.version,
        asOf: at,
        quadrant: scores.quadrant,
        previousQuadrant: previous?.quadrant ?? null,
        potential: scores.potential,
        utilization: scores.utilization,
        globalPosition,
      });
    }
    entry.scores[String(config.version)] = scores;
  }
}

/**
 * Computes the entry's full scorecard (and its numeric values) at the moment it was scored,
 * and its scores again with their contributions (the per-event path leaves them out; same
 * state, same moment, so the same numbers).
 */
export function refreshScorecard(
  entry: PartnerEntry,
  global: GlobalHealthState,
  reportingCurrency: string,
  configs: readonly ScoringConfig[] = [],
): void {
  const at = entry.scoredAt ?? entry.state.lastEventAt;
  if (!entry.state.registered || at === null) return;
  entry.scorecard = computeScorecard(entry.state, global, new Date(at), { reportingCurrency });
  entry.numeric = numericMetrics(entry.scorecard, global, reportingCurrency);
  if (configs.length > 0 && Object.keys(entry.scores).length > 0) {
    const before = entry.scores;
    scoreEntry(entry, global, configs, 0n, [], at, { contributions: true });
    for (const [v, s] of Object.entries(entry.scores)) {
      const b = before[v];
      if (b && (b.potential !== s.potential || b.quadrant !== s.quadrant))
        throw new Error(`scores of ${entry.state.partnerId} v${v} differ between the event and the flush`);
    }
  }
}

/**
 * Applies one event. Returns the entries it touched and the quadrant changes it caused.
 * The caller must have every partner of partnersAffectedBy(event) available in `entries`
 * (and all of them for the RESCORE_ALL_EVENT_TYPES).
 */
export function foldEvent(
  event: Pick<RecordedEvent, 'type' | 'data' | 'metadata' | 'globalPosition'>,
  global: GlobalHealthState,
  entries: EntrySource,
  options: FoldOptions,
): { touched: PartnerEntry[]; changes: QuadrantChange[] } {
  const changes: QuadrantChange[] = [];
  const score = options.score ?? true;
  if (GLOBAL_EVENT_TYPES.has(event.type)) {
    applyToGlobal(global, event);
    if (!RESCORE_ALL_EVENT_TYPES.has(event.type) || !score) return { touched: [], changes };
    // A new ideal partner profile changes every fit; a scoring clock tick moves every
    // partner's 90-day and 12-month windows, including partners with no events of their own.
    const at = rescoreTime(event);
    const touched: PartnerEntry[] = [];
    for (const entry of entries.all()) {
      if (!entry.state.registered) continue;
      scoreEntry(entry, global, options.configs, event.globalPosition, changes, at, options);
      touched.push(entry);
    }
    return { touched, changes };
  }
  const ids = partnersAffectedBy(event);
  const touched: PartnerEntry[] = [];
  for (const id of ids) {
    const entry = entries.get(id);
    applyToPartner(entry.state, event);
    if (score) scoreEntry(entry, global, options.configs, event.globalPosition, changes, undefined, options);
    touched.push(entry);
  }
  return { touched, changes };
}

/**
 * Applies a channel event (CHANNEL_EVENT_TYPES) to the channel counters, after foldEvent applied
 * it to the partners. A partner's deal is known from its partner's state (loaded: the partner
 * is one the event affects), or given as `partnerDeal` by a caller that has it at hand (what
 * applyToPartner returned for the event's own partner); a direct deal from `direct`, which
 * remembers it at its registration.
 */
export function foldChannelEvent(
  acc: ChannelAccumulator,
  event: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>,
  entries: Pick<EntrySource, 'get'>,
  direct: DirectDeals,
  partnerDeal?: DealFacts,
): void {
  const { dealId, partnerId } = event.data as { dealId: string; partnerId?: string | null };
  if (partnerId) {
    applyToChannel(acc, event, partnerDeal ?? entries.get(partnerId).state.deals.get(dealId));
    return;
  }
  const info = applyToChannel(acc, event, event.type === 'DealRegistered' ? undefined : direct.get(dealId));
  if (info) direct.set(dealId, info);
}

const NO_CHANGES = Object.freeze([]) as unknown as QuadrantChange[];

/** The whole fold in memory: partner entries, global state, channel counters, quadrant history. */
export class InMemoryHealthFold implements EntrySource {
  readonly entries = new Map<string, PartnerEntry>();
  readonly global: GlobalHealthState = emptyGlobalState();
  readonly channel: ChannelAccumulator = emptyChannelAccumulator();
  /** Direct deals (no partner) between registration and close, for the channel counters. */
  readonly directDeals = new Map<string, DealChannelInfo>();
  readonly history: QuadrantChange[] = [];
  events = 0;
  /** The partners of the event being applied (see partnersAffectedBy). */
  private readonly scratch: string[] = [];

  constructor(readonly options: FoldOptions & { channel?: boolean; keepHistory?: boolean }) {}

  get(partnerId: string): PartnerEntry {
    let e = this.entries.get(partnerId);
    if (!e) this.entries.set(partnerId, (e = newEntry(partnerId)));
    return e;
  }

  all(): Iterable<PartnerEntry> {
    return this.entries.values();
  }

  apply(event: Pick<RecordedEvent, 'type' | 'data' | 'metadata' | 'globalPosition'>): QuadrantChange[] {
    this.events++;
    let changes: QuadrantChange[];
    // The facts of the deal in the state of the event's first partner: its own, when it has one.
    let partnerDeal: DealFacts | undefined;
    if (this.options.score === false) {
      // Facts only: the same steps as foldEvent without its per-event result objects.
      changes = NO_CHANGES;
      if (GLOBAL_EVENT_TYPES.has(event.type)) applyToGlobal(this.global, event);
      else {
        const ids = partnersAffectedBy(event, this.scratch);
        for (let i = 0; i < ids.length; i++) {
          const facts = applyToPartner(this.get(ids[i]!).state, event);
          if (i === 0) partnerDeal = facts;
        }
      }
    } else {
      changes = foldEvent(event, this.global, this, this.options).changes;
      if (this.options.keepHistory !== false) for (const c of changes) this.history.push(c);
    }
    if (this.options.channel !== false && CHANNEL_EVENT_TYPES.has(event.type))
      foldChannelEvent(this.channel, event, this, this.directDeals, partnerDeal);
    return changes;
  }

  /** Scores every registered partner at `asOf` (e.g. "now"), without recording history. */
  scoreAllAt(asOf: string): void {
    const sink: QuadrantChange[] = [];
    for (const e of this.entries.values()) scoreEntry(e, this.global, this.options.configs, 0n, sink, asOf);
  }
}
