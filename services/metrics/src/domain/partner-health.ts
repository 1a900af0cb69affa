import type { DataOf, RecordedEvent } from '@prm/contracts';
import { isoTimeMs } from '@prm/domain';
import { amountAsNumber, bagAdd, type MoneyAmount, type MoneyBag, type RateTable } from './money';

/*
 * The pure fold behind the scorecard. One PartnerHealthState per partner holds the facts the
 * metrics are computed from; one GlobalHealthState holds what every partner is measured with
 * (the ideal partner profile, exchange rates). No I/O and no clock: event time only.
 *
 * The fold is written to tolerate the orders Kafka can deliver in: topics (and the streams in
 * them) arrive independently, so a deal may be seen before its partner's registration, and
 * the facts of a deal are keyed by deal id, never by arrival order. Within one stream the
 * order is kept (the relay keys messages by stream id).
 *
 * Events are never mutated: the state keeps references to their money objects, not copies.
 */

export type IdealPartnerProfile = DataOf<'IdealPartnerProfileDefined'>;

export interface PartnerProfileFacts {
  legalName: string;
  country: string;
  region: string | null;
  type: string;
  employeeCount: number;
  salesReps: number;
  specializations: string[];
  clientSegments: string[];
  industries: string[];
}

export type DealOutcome = 'open' | 'won' | 'lost' | 'expired' | 'rejected';

/** What a partner's state knows about one deal, its own or one it influenced. */
export interface DealFacts {
  /** Registered by this partner (otherwise it only influenced the deal). */
  own: boolean;
  /** This partner is credited with influence (DealInfluenceRecorded or DealWon.influencingPartnerIds). */
  influencer: boolean;
  registeredAt?: string;
  attribution?: 'sourced' | 'influenced' | null;
  value?: MoneyAmount;
  customerKey?: string;
  customerClass?: 'A' | 'B' | 'C';
  pamId?: string | null;
  decision?: 'approved' | 'rejected';
  conflict?: boolean;
  outcome: DealOutcome;
  closedOn?: string;
  wonValue?: MoneyAmount;
  cycleDays?: number;
  /**
   * Derived when scoring or the scorecard first reads the deal (registeredMsOf and its siblings:
   * registeredAt and closedOn in epoch ms, amounts as floats) and kept as a cache: the fold drops
   * one when the fact it is derived from changes, and storage leaves them out
   * (dealFactsForStorage). The fold of facts alone never computes them.
   */
  regMs?: number;
  closedMs?: number;
  valueNum?: number;
  wonNum?: number;
}

export interface CertificationFacts {
  holderId: string;
  expiresOn: string | null;
  expired: boolean;
}

export interface CommissionFacts {
  kind: 'accrual' | 'credit' | 'debit';
  amount: MoneyAmount;
  paid: boolean;
}

export interface OverlapFacts {
  computedAt: string;
  partnerAccountCount: number;
  vendorAccountCount: number;
  /** "<vendorPopulation>:<partnerPopulation>" → count. */
  cells: Record<string, number>;
}

export interface PartnerHealthState {
  partnerId: string;
  /** PartnerRegistered seen: only registered partners are scored and listed. */
  registered: boolean;
  registeredAt: string | null;
  profile: PartnerProfileFacts | null;
  tier: string | null;
  pamId: string | null;
  stage: string | null;
  stageSince: string | null;
  /** When agreement_signed was first reached (start of "time to first deal"). */
  agreementAt: string | null;
  churned: boolean;
  /** Certification id → facts. */
  certifications: Map<string, CertificationFacts>;
  /** Completed trainings: [completedAt, hours]. */
  trainings: Array<[string, number]>;
  onboardingSteps: string[];
  mdfAllocated: MoneyBag;
  mdfSpent: MoneyBag;
  /** Deal id → facts, in the order the deals were first seen. Stored apart (metrics_partner_deals). */
  deals: Map<string, DealFacts>;
  /** Commission id → facts. */
  commissions: Map<string, CommissionFacts>;
  overlap: OverlapFacts | null;
  /** Latest event time seen for this partner: the clock of its per-event scoring. */
  lastEventAt: string | null;
  /**
   * Self-reported values a partner user proposed (PartnerProfileChangeProposed), not yet confirmed:
   * shown beside the profile, never used by potential. Missing when nothing is pending.
   */
  proposed?: { employeeCount?: number; salesReps?: number; clientSegments?: string[] };
}

export interface GlobalHealthState {
  ipp: IdealPartnerProfile | null;
  rates: RateTable;
}

export function emptyPartnerState(partnerId: string): PartnerHealthState {
  return {
    partnerId,
    registered: false,
    registeredAt: null,
    profile: null,
    tier: null,
    pamId: null,
    stage: null,
    stageSince: null,
    agreementAt: null,
    churned: false,
    certifications: new Map(),
    trainings: [],
    onboardingSteps: [],
    mdfAllocated: {},
    mdfSpent: {},
    deals: new Map(),
    commissions: new Map(),
    overlap: null,
    lastEventAt: null,
  };
}

export function emptyGlobalState(): GlobalHealthState {
  return { ipp: null, rates: {} };
}

/** Event types that change the global state (they concern every partner). */
export const GLOBAL_EVENT_TYPES = new Set([
  'IdealPartnerProfileDefined',
  'ExchangeRateRecorded',
  'ScoringClockTicked',
]);

/** Global events after which every registered partner is scored again. */
export const RESCORE_ALL_EVENT_TYPES = new Set(['IdealPartnerProfileDefined', 'ScoringClockTicked']);

/** The moment a rescore-all event scores at: the tick's asOf, or the event's time. */
export function rescoreTime(event: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>): string {
  return event.type === 'ScoringClockTicked'
    ? (event.data as DataOf<'ScoringClockTicked'>).asOf
    : eventTime(event);
}

/** Every event type the fold reads (the projection ignores the others). */
export const PARTNER_EVENT_TYPES = new Set([
  'PartnerRegistered',
  'PartnerProfileUpdated',
  'PartnerProfileChangeProposed',
  'PartnerJourneyStageReached',
  'OnboardingStepCompleted',
  'PartnerTierChanged',
  'PamAssigned',
  'CertificationGranted',
  'CertificationExpired',
  'TrainingCompleted',
  'MdfAllocated',
  'MdfSpent',
  'PartnerChurned',
  'PartnerReactivated',
  'DealRegistered',
  'DealConflictDetected',
  'DealRegistrationApproved',
  'DealRegistrationRejected',
  'DealRegistrationExpired',
  'DealStageChanged',
  'DealInfluenceRecorded',
  'DealWon',
  'DealLost',
  'CommissionAccrued',
  'CommissionPaid',
  'CommissionCorrected',
  'OverlapsComputed',
]);

const NO_PARTNERS: readonly string[] = Object.freeze([]);

/**
 * The partners whose state an event changes (none for global or unrelated events), the event's
 * own partner first. A caller that reads the list before its next call may pass `scratch`, an
 * array of its own that is filled in and returned instead of a new one: this runs for every
 * event, and the in-memory fold allocated more in these lists than in anything else.
 */
export function partnersAffectedBy(
  event: Pick<RecordedEvent, 'type' | 'data'>,
  scratch?: string[],
): readonly string[] {
  if (!PARTNER_EVENT_TYPES.has(event.type)) return NO_PARTNERS;
  const data = event.data as { partnerId?: string | null; influencingPartnerIds?: string[] };
  const own = data.partnerId;
  const influencers = event.type === 'DealWon' ? data.influencingPartnerIds : undefined;
  if (!influencers?.length && !own) return NO_PARTNERS;
  let ids: string[];
  if (scratch) {
    ids = scratch;
    ids.length = 1; // never 0: V8 drops the storage of an emptied array
    ids[0] = own || influencers![0]!; // `own` as the literal below: an empty id is none
  } else ids = own ? [own] : []; // a literal of the exact size: an empty array pushed to gets room for 17
  if (influencers) for (const id of influencers) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/** Event time: the domain's own time of the event (never the wall clock). */
export function eventTime(event: Pick<RecordedEvent, 'metadata'>): string {
  return event.metadata.occurredAt;
}

/** A partner state as stored in metrics_partner_health.state (JSON, without its deals). */
export type StoredPartnerState = Omit<PartnerHealthState, 'deals' | 'certifications' | 'commissions'> & {
  certifications: Record<string, CertificationFacts>;
  commissions: Record<string, CommissionFacts>;
};

/**
 * A partner state as stored (JSON, its deals in their own rows) back into the fold's shape.
 * `deals` come in the order they are to be iterated.
 */
export function stateFromStorage(
  stored: StoredPartnerState,
  deals: Iterable<{ deal_id: string; facts: DealFacts }>,
): PartnerHealthState {
  const map = new Map<string, DealFacts>();
  for (const d of deals) map.set(d.deal_id, d.facts);
  return {
    ...stored,
    deals: map,
    certifications: new Map(Object.entries(stored.certifications)),
    commissions: new Map(Object.entries(stored.commissions)),
  };
}

/**
 * The numbers scoring reads from a deal's facts, derived on first read and cached on them (see
 * DealFacts.regMs): its registration and close in epoch ms, its estimate and won value as floats.
 * Each needs the fact it is derived from to be set.
 */
export const registeredMsOf = (f: DealFacts): number => f.regMs ?? (f.regMs = isoTimeMs(f.registeredAt!));
export const closedMsOf = (f: DealFacts): number => f.closedMs ?? (f.closedMs = isoTimeMs(f.closedOn!));
export const valueNumberOf = (f: DealFacts): number =>
  f.valueNum ?? (f.valueNum = amountAsNumber(f.value!.amount));
export const wonNumberOf = (f: DealFacts): number =>
  f.wonNum ?? (f.wonNum = amountAsNumber(f.wonValue!.amount));

/** A deal's facts to store as JSON: without what scoring derives from them (see DealFacts.regMs). */
export function dealFactsForStorage(facts: DealFacts): DealFacts {
  const { regMs: _r, closedMs: _c, valueNum: _v, wonNum: _w, ...stored } = facts;
  return stored;
}

/** The state to store as JSON: everything but the deals (metrics_partner_deals holds them). */
export function stateForStorage(state: PartnerHealthState): StoredPartnerState {
  const { deals: _deals, certifications, commissions, ...rest } = state;
  return {
    ...rest,
    certifications: Object.fromEntries(certifications),
    commissions: Object.fromEntries(commissions),
  };
}

/**
 * Per-event scoring's view of a partner's deals (derived, never stored): the deals that can
 * still count towards a window or the pipeline, in the order of state.deals, and the won and
 * lost counts of the others. A deal is settled — left out of `active` — once it is closed and
 * both its registration and its win are older than every window (90 days, 365 days) at a
 * scoring moment: it then adds nothing to any windowed sum at that moment or later, only to the
 * counts. Scoring moments of one state only move forward; an earlier one rebuilds the index.
 * Any change to a settled deal drops the index (see deal()), so it is rebuilt from the state.
 */
export interface DealScoringIndex {
  active: DealFacts[];
  settled: Set<DealFacts>;
  settledWon: number;
  settledLost: number;
  /** The latest scoring moment deals were settled at. */
  asOfMs: number;
}

const scoringIndexes = new WeakMap<Map<string, DealFacts>, DealScoringIndex>();

/** The state's scoring index, built from its deals when it has none or `asOfMs` went back. */
export function dealScoringIndex(state: PartnerHealthState, asOfMs: number): DealScoringIndex {
  let index = scoringIndexes.get(state.deals);
  if (!index || asOfMs < index.asOfMs) {
    index = { active: [...state.deals.values()], settled: new Set(), settledWon: 0, settledLost: 0, asOfMs };
    scoringIndexes.set(state.deals, index);
  }
  index.asOfMs = asOfMs;
  return index;
}

function deal(state: PartnerHealthState, dealId: string): DealFacts {
  let d = state.deals.get(dealId);
  if (d) {
    const index = scoringIndexes.get(state.deals);
    if (index && index.settled.size > 0 && index.settled.has(d)) scoringIndexes.delete(state.deals);
  } else {
    // Every field from the start, in one order: all deal facts share one hidden class, so the
    // per-event scoring loop over a partner's deals stays monomorphic (undefined fields are
    // not serialized: the stored JSON is unchanged).
    state.deals.set(
      dealId,
      (d = {
        own: false,
        influencer: false,
        outcome: 'open',
        registeredAt: undefined,
        attribution: undefined,
        value: undefined,
        customerKey: undefined,
        customerClass: undefined,
        pamId: undefined,
        decision: undefined,
        conflict: undefined,
        closedOn: undefined,
        wonValue: undefined,
        cycleDays: undefined,
        regMs: undefined,
        closedMs: undefined,
        valueNum: undefined,
        wonNum: undefined,
      }),
    );
    scoringIndexes.get(state.deals)?.active.push(d);
  }
  return d;
}

/** The customer identity used for churn and LTV: tax id, else domain, else normalized name + country. */
export function customerKeyOf(data: DataOf<'DealRegistered'>): string {
  const k = data.customerKeys;
  if (k) return k.taxId ?? k.domain ?? k.nameCountry;
  const c = data.customer;
  if (c.taxId) return `${c.taxId.scheme}:${c.taxId.value}`;
  if (c.domain) return c.domain.toLowerCase();
  return `${c.name.trim().toLowerCase()}|${c.country}`;
}

/** A commission paid before its accrual was seen. */
const UNKNOWN_AMOUNT: MoneyAmount = Object.freeze({ amount: '0', currency: 'XXX' });

const later = (a: string | null, b: string) => (a === null || b > a ? b : a);

/**
 * Applies one event to one partner's state (mutating it). `event` must be one of the events
 * `partnersAffectedBy` names this partner for. Returns the deal's facts after the channel's
 * events (DealRegistered, DealWon, DealLost), so that a caller folding the channel counters
 * too does not look the deal up again.
 */
export function applyToPartner(
  state: PartnerHealthState,
  event: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>,
): DealFacts | undefined {
  const at = eventTime(event);
  state.lastEventAt = later(state.lastEventAt, at);
  const me = state.partnerId;
  switch (event.type) {
    case 'PartnerRegistered': {
      const d = event.data as DataOf<'PartnerRegistered'>;
      state.registered = true;
      state.registeredAt = at;
      state.profile = {
        legalName: d.legalName,
        country: d.country,
        region: d.region ?? null,
        type: d.type,
        employeeCount: d.employeeCount,
        salesReps: d.salesReps,
        specializations: [...d.specializations],
        clientSegments: [...d.clientSegments],
        industries: [...d.industries],
      };
      state.tier = d.tier ?? state.tier;
      return;
    }
    case 'PartnerProfileUpdated': {
      const d = event.data as DataOf<'PartnerProfileUpdated'>;
      if (!state.profile) return; // an update before the registration: the registration brings the profile
      // A new object on every change (memoized fits are keyed by the profile object).
      const p = (state.profile = { ...state.profile });
      for (const field of d.changedFields) {
        switch (field) {
          case 'legalName':
            if (d.legalName !== undefined) p.legalName = d.legalName;
            break;
          case 'country':
            if (d.country !== undefined) p.country = d.country;
            break;
          case 'region':
            p.region = d.region ?? null;
            break;
          case 'type':
            if (d.type !== undefined) p.type = d.type;
            break;
          case 'employeeCount':
            if (d.employeeCount !== undefined) p.employeeCount = d.employeeCount;
            break;
          case 'salesReps':
            if (d.salesReps !== undefined) p.salesReps = d.salesReps;
            break;
          case 'specializations':
            if (d.specializations) p.specializations = [...d.specializations];
            break;
          case 'clientSegments':
            if (d.clientSegments) p.clientSegments = [...d.clientSegments];
            break;
          case 'industries':
            if (d.industries) p.industries = [...d.industries];
            break;
          default:
            break; // websiteDomain, taxId: not metrics
        }
      }
      if (state.proposed) {
        // A value the vendor set or confirmed is no longer pending.
        const proposed = { ...state.proposed } as Record<string, unknown>;
        for (const field of d.changedFields) delete proposed[field];
        if (Object.keys(proposed).length > 0) state.proposed = proposed as typeof state.proposed;
        else delete state.proposed;
      }
      return;
    }
    case 'PartnerProfileChangeProposed': {
      const d = event.data as DataOf<'PartnerProfileChangeProposed'>;
      const proposed: Record<string, unknown> = { ...state.proposed };
      for (const field of d.proposedFields)
        proposed[field] = field === 'clientSegments' ? [...(d.clientSegments ?? [])] : d[field];
      state.proposed = proposed as typeof state.proposed;
      return;
    }
    case 'PartnerJourneyStageReached': {
      const d = event.data as DataOf<'PartnerJourneyStageReached'>;
      state.stage = d.stage;
      state.stageSince = d.reachedAt;
      if (d.stage === 'agreement_signed' && state.agreementAt === null) state.agreementAt = d.reachedAt;
      if (d.stage === 'churned') state.churned = true;
      return;
    }
    case 'OnboardingStepCompleted': {
      const d = event.data as DataOf<'OnboardingStepCompleted'>;
      if (!state.onboardingSteps.includes(d.step)) state.onboardingSteps.push(d.step);
      return;
    }
    case 'PartnerTierChanged':
      state.tier = (event.data as DataOf<'PartnerTierChanged'>).tier;
      return;
    case 'PamAssigned':
      state.pamId = (event.data as DataOf<'PamAssigned'>).pamId;
      return;
    case 'CertificationGranted': {
      const d = event.data as DataOf<'CertificationGranted'>;
      const existing = state.certifications.get(d.certificationId);
      state.certifications.set(d.certificationId, {
        holderId: d.holderId,
        expiresOn: d.expiresOn,
        expired: existing?.expired ?? false, // an expiry seen first (other order) stays
      });
      return;
    }
    case 'CertificationExpired': {
      const d = event.data as DataOf<'CertificationExpired'>;
      const c = state.certifications.get(d.certificationId);
      if (c) c.expired = true;
      else
        state.certifications.set(d.certificationId, {
          holderId: d.holderId,
          expiresOn: d.expiredOn,
          expired: true,
        });
      return;
    }
    case 'TrainingCompleted': {
      const d = event.data as DataOf<'TrainingCompleted'>;
      state.trainings.push([d.completedAt, d.hours ?? 0]);
      return;
    }
    case 'MdfAllocated':
      bagAdd(state.mdfAllocated, (event.data as DataOf<'MdfAllocated'>).amount);
      return;
    case 'MdfSpent':
      bagAdd(state.mdfSpent, (event.data as DataOf<'MdfSpent'>).amount);
      return;
    case 'PartnerChurned':
      state.churned = true;
      return;
    case 'PartnerReactivated':
      state.churned = false;
      return;
    case 'DealRegistered': {
      const d = event.data as DataOf<'DealRegistered'>;
      const f = deal(state, d.dealId);
      f.own = d.partnerId === me;
      f.registeredAt = d.registeredAt ?? at;
      f.regMs = undefined;
      f.attribution = d.attribution;
      f.value = d.estimatedValue;
      f.valueNum = undefined;
      f.customerKey = customerKeyOf(d);
      if (d.customerClass) f.customerClass = d.customerClass;
      f.pamId = d.pamId ?? null;
      return f;
    }
    case 'DealConflictDetected':
      deal(state, (event.data as DataOf<'DealConflictDetected'>).dealId).conflict = true;
      return;
    case 'DealRegistrationApproved': {
      const d = event.data as DataOf<'DealRegistrationApproved'>;
      const f = deal(state, d.dealId);
      f.decision = 'approved';
      if (d.customerClass) f.customerClass = d.customerClass;
      return;
    }
    case 'DealRegistrationRejected': {
      const f = deal(state, (event.data as DataOf<'DealRegistrationRejected'>).dealId);
      f.decision = 'rejected';
      if (f.outcome === 'open') f.outcome = 'rejected';
      return;
    }
    case 'DealRegistrationExpired': {
      const f = deal(state, (event.data as DataOf<'DealRegistrationExpired'>).dealId);
      if (f.outcome === 'open') f.outcome = 'expired';
      return;
    }
    case 'DealStageChanged': {
      const d = event.data as DataOf<'DealStageChanged'>;
      if (d.estimatedValue) {
        const f = deal(state, d.dealId);
        f.value = d.estimatedValue;
        f.valueNum = undefined;
      }
      return;
    }
    case 'DealInfluenceRecorded': {
      const d = event.data as DataOf<'DealInfluenceRecorded'>;
      if (d.partnerId === me) deal(state, d.dealId).influencer = true;
      return;
    }
    case 'DealWon': {
      const d = event.data as DataOf<'DealWon'>;
      const f = deal(state, d.dealId);
      if (d.partnerId === me) f.own = true;
      else f.influencer = true; // named in influencingPartnerIds
      f.outcome = 'won';
      f.closedOn = d.closedOn;
      f.closedMs = undefined;
      f.wonValue = d.wonValue;
      f.wonNum = undefined;
      f.cycleDays = d.cycleDays;
      if (d.partnerId === me) f.attribution = d.attribution;
      if (d.customerClass) f.customerClass = d.customerClass;
      return f;
    }
    case 'DealLost': {
      const d = event.data as DataOf<'DealLost'>;
      const f = deal(state, d.dealId);
      f.own = true;
      f.outcome = 'lost';
      f.closedOn = d.closedOn;
      f.closedMs = undefined;
      f.cycleDays = d.cycleDays;
      return f;
    }
    case 'CommissionAccrued': {
      const d = event.data as DataOf<'CommissionAccrued'>;
      const existing = state.commissions.get(d.commissionId);
      state.commissions.set(d.commissionId, {
        kind: 'accrual',
        amount: d.amount,
        paid: existing?.paid ?? false,
      });
      return;
    }
    case 'CommissionCorrected': {
      const d = event.data as DataOf<'CommissionCorrected'>;
      const existing = state.commissions.get(d.commissionId);
      state.commissions.set(d.commissionId, {
        kind: d.direction,
        amount: d.amount,
        paid: existing?.paid ?? false,
      });
      return;
    }
    case 'CommissionPaid': {
      const d = event.data as DataOf<'CommissionPaid'>;
      const c = state.commissions.get(d.commissionId);
      // Paid before its accrual was seen (other order): the accrual fills the amount in later.
      if (c) c.paid = true;
      else state.commissions.set(d.commissionId, { kind: 'accrual', amount: UNKNOWN_AMOUNT, paid: true });
      return;
    }
    case 'OverlapsComputed': {
      const d = event.data as DataOf<'OverlapsComputed'>;
      if (state.overlap && state.overlap.computedAt > at) return; // an older computation arriving late
      const cells: Record<string, number> = {};
      for (const c of d.cells) cells[`${c.vendorPopulation}:${c.partnerPopulation}`] = c.count;
      state.overlap = {
        computedAt: at,
        partnerAccountCount: d.partnerAccountCount,
        vendorAccountCount: d.vendorAccountCount,
        cells,
      };
      return;
    }
    default:
      return;
  }
}

/** Applies a global event (IPP, exchange rate) to the global state (mutating it). */
export function applyToGlobal(
  global: GlobalHealthState,
  event: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>,
): void {
  if (event.type === 'IdealPartnerProfileDefined') {
    global.ipp = structuredClone(event.data as IdealPartnerProfile);
  } else if (event.type === 'ExchangeRateRecorded') {
    const d = event.data as DataOf<'ExchangeRateRecorded'>;
    const key = `${d.from}>${d.to}`;
    const list = (global.rates[key] ??= []).filter(([on]) => on !== d.effectiveOn);
    list.push([d.effectiveOn, d.rate, eventTime(event)]);
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    global.rates[key] = list;
  }
}
