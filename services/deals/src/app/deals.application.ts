import { randomUUID } from 'node:crypto';
import { DEFAULT_PROGRAM_TIERS, type DataOf, type EventToAppend, type RecordedEvent } from '@prm/contracts';
import { migrate, type Database } from '@prm/database';
import {
  DomainError,
  idempotentRequest,
  isUuid,
  replayedRequest,
  requestMetadata,
  type IdempotentRequest,
} from '@prm/domain';
import { WrongExpectedVersionError, type CommandMetadata, type EventStore } from '@prm/event-store';
import {
  classifyCustomer,
  type ClassifyCustomerInput,
  conflictOnEarlierDeal,
  dealDecider,
  dealPolicy,
  DEFAULT_MAX_EXTENSION_DAYS,
  DEFAULT_PROTECTION_DAYS,
  REGISTERING_STAGES,
  exchangeRate,
  isRegistered,
  requireVendorAdmin,
  type ActorRef,
  type CustomerClassFacts,
  type DealCommand,
  type DealEvent,
  type DealState,
  type ExistingRegistration,
  type MatchedOn,
  type PartnerFacts,
  type ProgramTierFacts,
  type ProtectionHolder,
  type RegisterDeal,
  type RegisteredDeal,
  type Role,
  type TierChange,
} from '../domain';
import { lockIdOf } from './customer-keys';
import { dealReadModelProjection } from './deal-read-model.projection';
import { dealsMigrations } from './deals.migrations';
import { partnerViewProjection } from './partner-view.projection';
import { customerStream, dealStream, exchangeRateStream, policyStream } from './streams';

/** Who sends a command, as the gateway or an internal caller states it. */
export interface Actor {
  id: string;
  role: Role;
  correlationId?: string;
  /** For a partner user: the partner it belongs to. */
  partnerId?: string;
}

export interface DealsApplicationOptions {
  /** The clock; injected so the expiry scheduler and tests control time. */
  now?: () => Date;
  log?: (line: string) => void;
  /** ISO 4217 code; commissions are also converted into it with the close date's rate. */
  reportingCurrency?: string;
}

/** Namespace of the deal ids derived from a client's request id (UUID v5). */
const REGISTER_DEAL_NAMESPACE = '6f6b0f0e-5d3a-4c55-9a53-7d1b5c0de001';
/** Namespaces of the other create commands' request ids (and the ids they derive). */
const RECORD_INFLUENCE_NAMESPACE = '6f6b0f0e-5d3a-4c55-9a53-7d1b5c0de002';
const CORRECT_COMMISSION_NAMESPACE = '6f6b0f0e-5d3a-4c55-9a53-7d1b5c0de003';
const REQUEST_EXTENSION_NAMESPACE = '6f6b0f0e-5d3a-4c55-9a53-7d1b5c0de004';

export interface DealResult {
  dealId: string;
  version: number;
  events: readonly DealEvent[];
}

export interface Policy {
  protectionDays: number;
  maxExtensionDays: number;
  /** Whether deals of the program may skip open stages forward (DealPolicyDefined). */
  allowStageSkipping: boolean;
}

const KEY_OF: Record<'taxId' | 'domain' | 'nameCountry', { prefix: string; matched: MatchedOn }> = {
  taxId: { prefix: 'tax_id:', matched: 'tax_id' },
  domain: { prefix: 'domain:', matched: 'domain' },
  nameCountry: { prefix: 'name:', matched: 'name' },
};

/** The registry keys of a customer: "tax_id:RU_INN:…", "domain:…", "name:romashka|RU". */
export function registryKeys(keys: DataOf<'DealRegistered'>['customerKeys']): string[] {
  const out: string[] = [];
  for (const [field, { prefix }] of Object.entries(KEY_OF) as Array<
    [keyof typeof KEY_OF, { prefix: string }]
  >) {
    const value = keys?.[field];
    if (value) out.push(prefix + value);
  }
  // Every spelling of the name is a name key (the same rule the mapping service matches on).
  for (const variant of keys?.nameVariants ?? []) out.push(KEY_OF.nameCountry.prefix + variant);
  return out;
}

function matchedOf(key: string): MatchedOn {
  return Object.values(KEY_OF).find((k) => key.startsWith(k.prefix))!.matched;
}

const POLICY_TTL_MS = 5_000;
/** How long a claimed registration may take to append its events before its claim counts as dead. */
const IN_FLIGHT_MS = 30_000;

interface ClaimRow {
  kind: 'partner' | 'refused' | 'class' | 'existing' | 'mine';
  key: string;
  deal_id: string;
  partner_id: string | null;
  channel: string;
  registered_at: string | Date;
  holds_protection: boolean;
  a: string | null;
  b: string | null;
  c: string | null;
}

/**
 * The deals service's application layer. Registration takes the customer's key locks, checks the
 * conflict registry, lets the pure decider decide, records the registry rows and appends; every
 * other command reads the deal, decides with the facts it needs (the partner's PAM and tier
 * history from the local partner view, the customer's class, the program's policy, exchange
 * rates) and appends with optimistic concurrency, retrying on a conflict.
 */
export class DealsApplication {
  readonly now: () => Date;
  private readonly log: (line: string) => void;
  private readonly policies = new Map<string, { at: number; policy: Policy }>();

  private constructor(
    readonly store: EventStore,
    readonly db: Database,
    private readonly options: DealsApplicationOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
  }

  static async create(
    store: EventStore,
    db: Database,
    options: DealsApplicationOptions = {},
  ): Promise<DealsApplication> {
    if (options.reportingCurrency !== undefined && !/^[A-Z]{3}$/.test(options.reportingCurrency))
      throw new Error(`reportingCurrency "${options.reportingCurrency}" is not an ISO 4217 code`);
    await migrate(db, 'deals', dealsMigrations);
    // Commands read the partner view and the read models; migrate them here too (same component
    // as the projections, idempotent) so a command never meets a missing table.
    await migrate(db, `projection:${partnerViewProjection.name}`, partnerViewProjection.migrations);
    await migrate(db, `projection:${dealReadModelProjection.name}`, dealReadModelProjection.migrations);
    return new DealsApplication(store, db, options);
  }

  get reportingCurrency(): string | undefined {
    return this.options.reportingCurrency;
  }

  private metadata(actor: Actor): CommandMetadata {
    return {
      correlationId: actor.correlationId || randomUUID(),
      actor: actor.id,
      occurredAt: this.now().toISOString(),
    };
  }

  /**
   * The first answer to a registration sent again under the same request id, from the events
   * it appended (marked with its request); ALREADY_EXISTS when the id came with another body.
   */
  private async replayedRegistration(
    dealId: string,
    request: IdempotentRequest,
  ): Promise<(DealResult & { conflicts: number; holdsProtection: boolean }) | null> {
    const first = replayedRequest(
      await this.store.readStream(dealStream(dealId)),
      request,
      'deal registration',
      'stream',
    );
    if (!first) return null;
    const events = first.map((e) => ({ type: e.type, data: e.data }) as DealEvent);
    const conflicts = events.flatMap((e) => (e.type === 'DealConflictDetected' ? e.data.conflicts : []));
    return {
      dealId,
      version: first[first.length - 1]!.streamVersion,
      events,
      conflicts: conflicts.length,
      holdsProtection: (events[0]!.data as DataOf<'DealRegistered'>).holdsProtection ?? false,
    };
  }

  /** Whose key space a request id is in: the partner for a partner user, else the user. */
  private requester(actor: Actor): string {
    return actor.partnerId ?? actor.id;
  }

  private toAppend(
    events: readonly DealEvent[],
    actor: Actor,
    extra: Record<string, unknown> = {},
  ): EventToAppend[] {
    const metadata = { ...this.metadata(actor), ...extra };
    return events.map((e) => ({
      id: randomUUID(),
      type: e.type,
      schemaVersion: 1,
      data: e.data,
      metadata: { causationId: null, ...metadata },
    }));
  }

  private ref(actor: Actor): ActorRef {
    return { id: actor.id, role: actor.role, ...(actor.partnerId && { partnerId: actor.partnerId }) };
  }

  // ── facts the decider needs ───────────────────────────────────────────────────────────
  async partnerFacts(partnerId: string | null | undefined): Promise<PartnerFacts | null> {
    if (!isUuid(partnerId)) return null;
    const rows = await this.db.query<{ stage: string | null; pam_id: string | null; program: string }>(
      'SELECT stage, pam_id, program FROM deals_partner_view WHERE partner_id = $1',
      [partnerId],
    );
    const row = rows[0];
    return row ? { partnerId, stage: row.stage, pamId: row.pam_id, program: row.program } : null;
  }

  async policy(program: string): Promise<Policy> {
    const cached = this.policies.get(program);
    if (cached && Date.now() - cached.at < POLICY_TTL_MS) return cached.policy;
    const history = await this.store.readStream(policyStream(program));
    const last = history[history.length - 1]?.data as DataOf<'DealPolicyDefined'> | undefined;
    const policy = last
      ? {
          protectionDays: last.protectionDays,
          maxExtensionDays: last.maxExtensionDays,
          allowStageSkipping: last.allowStageSkipping ?? false,
        }
      : {
          protectionDays: DEFAULT_PROTECTION_DAYS,
          maxExtensionDays: DEFAULT_MAX_EXTENSION_DAYS,
          allowStageSkipping: false,
        };
    this.policies.set(program, { at: Date.now(), policy });
    return policy;
  }

  private async policyOf(deal: RegisteredDeal): Promise<Policy> {
    return this.policy(deal.registered.program ?? 'default');
  }

  async customerClassFor(keys: readonly string[]): Promise<CustomerClassFacts | null> {
    if (keys.length === 0) return null;
    const rows = await this.db.query<{
      key: string;
      customer_id: string;
      customer_class: string;
      account_owner: string | null;
    }>(
      'SELECT key, customer_id, customer_class, account_owner FROM deals_customer_classes WHERE key = ANY($1)',
      [keys],
    );
    // Strongest key first: tax id, then domain, then name.
    for (const key of keys) {
      const row = rows.find((r) => r.key === key);
      if (row)
        return {
          customerId: row.customer_id,
          customerClass: row.customer_class as 'A' | 'B' | 'C',
          accountOwner: row.account_owner,
        };
    }
    return null;
  }

  /** The partner's tier history from the local view, in the order it was made (the decider picks the tier in force). */
  async tierHistory(partnerId: string): Promise<TierChange[]> {
    const rows = await this.db.query<{
      tier: string;
      discount_percent: string;
      effective_from: string;
      changed_at: string | Date | null;
    }>(
      `SELECT tier, discount_percent::text, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, changed_at
       FROM deals_partner_tiers WHERE partner_id = $1
       ORDER BY COALESCE(changed_at, effective_from::timestamptz), position`,
      [partnerId],
    );
    return rows.map((row) => ({
      tier: row.tier as TierChange['tier'],
      discountPercent: Number(row.discount_percent),
      effectiveFrom: row.effective_from,
      // Rows projected before the change time was kept: in force from the start of their day.
      changedAt: row.changed_at
        ? new Date(row.changed_at).toISOString()
        : `${row.effective_from}T00:00:00.000Z`,
    }));
  }

  /**
   * The entry (first, lowest) tier of a program, from PartnerProgramDefined; "default" is built
   * in. Only for partners whose registration the view recorded no starting tier for.
   */
  async entryTier(program: string): Promise<ProgramTierFacts | null> {
    const rows = await this.db.query<{ tiers: Array<{ tier: string; discountPercent: number }> }>(
      'SELECT tiers FROM deals_partner_programs WHERE program = $1',
      [program],
    );
    const entry = rows[0]?.tiers[0];
    if (entry)
      return { tier: entry.tier as ProgramTierFacts['tier'], discountPercent: entry.discountPercent };
    const builtIn = DEFAULT_PROGRAM_TIERS[0]!;
    return program === 'default' ? { tier: builtIn.tier, discountPercent: builtIn.discountPercent } : null;
  }

  /**
   * The registration of another partner that protects the deal's customer now: the registry's
   * active holders of its keys, checked against their streams (open and still protected).
   */
  async protectionHolder(deal: RegisteredDeal): Promise<ProtectionHolder | null> {
    const keys = registryKeys(deal.registered.customerKeys);
    if (keys.length === 0 || deal.partnerId === null) return null;
    const rows = await this.db.query<{ deal_id: string }>(
      `SELECT DISTINCT deal_id FROM deals_customer_registry
       WHERE key = ANY($1) AND active AND holds_protection AND channel = 'partner' AND deal_id <> $2
         AND partner_id <> $3`,
      [keys, deal.dealId, deal.partnerId],
    );
    for (const row of rows) {
      const { state } = await this.load(row.deal_id);
      if (isRegistered(state) && state.status === 'open' && state.protectedUntil !== null && state.partnerId)
        return { dealId: state.dealId, partnerId: state.partnerId, protectedUntil: state.protectedUntil };
    }
    return null;
  }

  async rateOn(
    from: string,
    to: string,
    date: string,
  ): Promise<{ rate: string; effectiveOn: string } | null> {
    let best: DataOf<'ExchangeRateRecorded'> | null = null;
    for (const e of await this.store.readStream(exchangeRateStream(from, to))) {
      const d = e.data as DataOf<'ExchangeRateRecorded'>;
      if (d.effectiveOn <= date && (!best || d.effectiveOn >= best.effectiveOn)) best = d;
    }
    return best ? { rate: best.rate, effectiveOn: best.effectiveOn } : null;
  }

  // ── registration ──────────────────────────────────────────────────────────────────────
  async registerDeal(
    input: Omit<
      RegisterDeal['data'],
      'dealId' | 'partner' | 'existing' | 'customerClass' | 'protectionDays' | 'at' | 'registeredBy'
    > & {
      dealId?: string;
      /**
       * The client's idempotency key: the same key with the same body returns the first
       * registration; with another body it is ALREADY_EXISTS.
       */
      requestId?: string;
    },
    actor: Actor,
  ): Promise<DealResult & { conflicts: number; holdsProtection: boolean }> {
    const channel = input.channel;
    if (channel === 'direct' && !['direct_sales', 'vendor_admin', 'service'].includes(actor.role))
      throw DomainError.permissionDenied('direct deals are registered by the vendor’s direct sales team');
    if (channel === 'partner' && actor.role === 'direct_sales')
      throw DomainError.permissionDenied('direct sales register direct deals (channel "direct")');
    if (actor.role === 'partner_user' && input.partnerId !== actor.partnerId)
      throw DomainError.permissionDenied('a partner user registers deals for its own partner only');
    const { requestId, ...body } = input;
    // A request id gives the deal a deterministic id (per partner, or per user for direct deals):
    // a retry lands on the same stream, and 'no-stream' lets only one registration in.
    const request = idempotentRequest(requestId, {
      namespace: REGISTER_DEAL_NAMESPACE,
      scope: [this.requester(actor)],
      body,
    });
    const dealId = input.dealId || (request ? request.id : randomUUID());
    if (request) {
      const replay = await this.replayedRegistration(dealId, request);
      if (replay) return replay;
    }
    const at = this.now().toISOString();
    const command = (
      partner: PartnerFacts | null,
      protectionDays: number,
      existing: ExistingRegistration[],
      customerClass: CustomerClassFacts | null,
    ): RegisterDeal => ({
      type: 'RegisterDeal',
      data: {
        ...body,
        dealId,
        partner,
        existing,
        customerClass,
        protectionDays,
        registeredBy: actor.id,
        at,
      },
    });
    // Bad input is refused before any I/O; this also gives the customer's normalized keys.
    const eligible: PartnerFacts = {
      partnerId: input.partnerId ?? '',
      stage: 'enabled',
      pamId: null,
      program: 'default',
    };
    const [probe] = dealDecider.decide(
      command(channel === 'partner' ? eligible : null, 1, [], null),
      dealDecider.initialState(),
    );
    const keys = registryKeys((probe!.data as DataOf<'DealRegistered'>).customerKeys);
    const lockIds = [...new Set(keys.map(lockIdOf))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const partnerId = channel === 'partner' ? (input.partnerId ?? null) : null;
    for (let attempt = 1; ; attempt++) {
      // One round trip: the partner, the customer's class, and the claim (see the migration).
      const claim = await this.db.query<ClaimRow>(
        `SELECT kind, key, deal_id, partner_id, channel, registered_at, holds_protection, a, b, c
         FROM deals_claim_customer($1::text[], $2::bigint[], $3::uuid, $4::uuid, $5, $6::timestamptz, $7::text[])`,
        [keys, lockIds, dealId, partnerId, channel, at, REGISTERING_STAGES],
      );
      const p = claim.find((r) => r.kind === 'partner');
      const partner: PartnerFacts | null =
        p && partnerId ? { partnerId, stage: p.a, pamId: p.b, program: p.c ?? 'default' } : null;
      const classRow = keys.map((k) => claim.find((r) => r.kind === 'class' && r.key === k)).find(Boolean);
      const customerClass: CustomerClassFacts | null = classRow
        ? { customerId: classRow.a!, customerClass: classRow.b as 'A' | 'B' | 'C', accountOwner: classRow.c }
        : null;
      const { protectionDays } = await this.policy(partner?.program ?? 'default');
      if (claim.some((r) => r.kind === 'refused')) {
        // Nothing was written; the decider says why (unknown partner, churned, stage).
        dealDecider.decide(command(partner, protectionDays, [], customerClass), dealDecider.initialState());
        throw DomainError.precondition(`partner ${partnerId} may not register deals`, { partnerId });
      }
      const rows = claim.filter((r) => r.kind === 'existing' || r.kind === 'mine');
      const inserted = rows.filter((r) => r.kind === 'mine').map((r) => r.key);
      const release = () =>
        this.db.query('DELETE FROM deals_customer_registry WHERE deal_id = $1 AND key = ANY($2)', [
          dealId,
          inserted,
        ]);
      let events: readonly DealEvent[];
      let version: number;
      let conflicts: DataOf<'DealConflictDetected'>['conflicts'] = [];
      let earlierCopies: Promise<void> | undefined;
      try {
        const { existing, corrected } = await this.existingRegistrations(
          rows.filter((r) => r.kind === 'existing'),
        );
        if (corrected && attempt < 3) {
          // The index was behind a stream (a crash between an append and its index update):
          // now corrected, claim again so this registration's protection is decided on the truth.
          await release();
          continue;
        }
        events = dealDecider.decide(
          command(partner, protectionDays, existing, customerClass),
          dealDecider.initialState(),
        );
        const mine = rows.find((r) => r.kind === 'mine');
        const registeredHolds = (events[0]!.data as DataOf<'DealRegistered'>).holdsProtection ?? false;
        if (mine && mine.holds_protection !== registeredHolds) {
          // The decider read the streams; the claim read the index. The streams are the truth.
          this.log(`deal ${dealId}: registry said holdsProtection=${mine.holds_protection}; corrected`);
          await this.db.query('UPDATE deals_customer_registry SET holds_protection = $2 WHERE deal_id = $1', [
            dealId,
            registeredHolds,
          ]);
        }
        // The conflict is recorded on both deals: the earlier one learns who came after it. When
        // every registry row of this dealId is new (so no registration of it exists to make this
        // append fail), the earlier deals' copies go out with this append, in the same group
        // commit: a conflicting registration waits for one commit instead of two in a row.
        conflicts = events.flatMap((e) => (e.type === 'DealConflictDetected' ? e.data.conflicts : []));
        const registeredData = events[0]!.data as DataOf<'DealRegistered'>;
        const together = conflicts.length > 0 && inserted.length === keys.length;
        const own = this.store.append(
          dealStream(dealId),
          this.toAppend(events, actor, requestMetadata(request)),
          'no-stream',
        );
        if (together)
          earlierCopies = this.recordOnEarlierDeals(dealId, registeredData, conflicts, actor, true);
        version = (await own).nextExpectedVersion;
      } catch (error) {
        if (request && error instanceof WrongExpectedVersionError) {
          // The same request id won a race: its claim is this deal id's, keep it; answer as it did.
          const replay = await this.replayedRegistration(dealId, request);
          if (replay) return replay;
        }
        // Only the rows this attempt wrote: a dealId registered before keeps its own.
        await release();
        await earlierCopies;
        if (error instanceof WrongExpectedVersionError)
          throw DomainError.alreadyExists(`deal ${dealId} is already registered`, { dealId });
        throw error;
      }
      const registered = events[0]!.data as DataOf<'DealRegistered'>;
      await (earlierCopies ?? this.recordOnEarlierDeals(dealId, registered, conflicts, actor, false));
      return {
        dealId,
        version,
        events,
        conflicts: conflicts.length,
        holdsProtection: registered.holdsProtection ?? false,
      };
    }
  }

  /**
   * The conflict on each earlier deal. Best effort: this registration is recorded (with the
   * conflict on itself), and the earlier deal's copy of the evidence never turns it into an error.
   * `first` tries once with the registration's own append (same group commit), then as before.
   */
  private async recordOnEarlierDeals(
    dealId: string,
    registered: DataOf<'DealRegistered'>,
    conflicts: DataOf<'DealConflictDetected'>['conflicts'],
    actor: Actor,
    together: boolean,
  ): Promise<void> {
    await Promise.all(
      conflicts.map(async (c) => {
        const earlier = { dealId: c.conflictingDealId!, partnerId: c.conflictingPartnerId };
        const events = this.toAppend(
          [conflictOnEarlierDeal(earlier, registered, c.matchedOn, c.evidence)],
          actor,
        );
        try {
          if (together) {
            try {
              await this.store.append(dealStream(earlier.dealId), events, 'stream-exists');
              return;
            } catch (error) {
              // The earlier registration is still in flight (no stream yet): wait for it below.
              if (!(error instanceof WrongExpectedVersionError)) throw error;
            }
          }
          await this.appendWhenItExists(dealStream(earlier.dealId), events);
        } catch (error) {
          this.log(
            `deal ${dealId}: conflict not recorded on earlier deal ${earlier.dealId}: ${(error as Error).message}`,
          );
        }
      }),
    );
  }

  /**
   * Appends to a deal that exists or is about to (its registration is in flight: claimed, not yet
   * appended). Waits up to about 5 s for it, then gives up (the caller logs it).
   */
  private async appendWhenItExists(stream: string, events: EventToAppend[]): Promise<void> {
    for (let wait = 5; ; wait *= 2) {
      try {
        await this.store.append(stream, events, 'stream-exists');
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || wait > 2_560) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /**
   * The matched registry rows checked against their deals' streams. Open deals give the evidence;
   * a row without a stream is a registration in flight while young (its row is the evidence) and a
   * dead one when older (dropped); a closed deal's rows are deactivated. `corrected` says the index
   * had to be fixed.
   */
  private async existingRegistrations(
    rows: readonly ClaimRow[],
  ): Promise<{ existing: ExistingRegistration[]; corrected: boolean }> {
    const byDeal = new Map<string, ClaimRow[]>();
    for (const row of rows) byDeal.set(row.deal_id, [...(byDeal.get(row.deal_id) ?? []), row]);
    const existing: ExistingRegistration[] = [];
    let corrected = false;
    const order: MatchedOn[] = ['tax_id', 'domain', 'name'];
    for (const [dealId, matches] of byDeal) {
      const first = matches[0]!;
      const matchedOn = order.filter((m) => matches.some((r) => matchedOf(r.key) === m));
      const { state } = await this.load(dealId);
      if (!isRegistered(state)) {
        if (Date.now() - new Date(first.registered_at).getTime() < IN_FLIGHT_MS) {
          existing.push({
            dealId,
            partnerId: first.partner_id,
            channel: first.channel as 'partner' | 'direct',
            registeredAt: new Date(first.registered_at).toISOString(),
            matchedOn,
            holdsProtection: first.holds_protection,
          });
        } else {
          await this.db.query('DELETE FROM deals_customer_registry WHERE deal_id = $1', [dealId]);
          corrected = true;
        }
        continue;
      }
      if (state.status !== 'open') {
        await this.db.query('UPDATE deals_customer_registry SET active = false WHERE deal_id = $1', [dealId]);
        corrected = true;
        continue;
      }
      existing.push({
        dealId,
        partnerId: state.partnerId,
        channel: state.channel,
        registeredAt: state.registered.registeredAt ?? '',
        matchedOn,
        holdsProtection: state.channel === 'partner' && state.protectedUntil !== null,
        ...(state.registered.customerKeys && { customerKeys: state.registered.customerKeys }),
      });
    }
    existing.sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
    return { existing, corrected };
  }

  // ── every other command ───────────────────────────────────────────────────────────────
  private async load(
    dealId: string,
  ): Promise<{ state: DealState; version: number | null; history: readonly RecordedEvent[] }> {
    const history = await this.store.readStream(dealStream(dealId));
    let state = dealDecider.initialState();
    for (const e of history) state = dealDecider.evolve(state, { type: e.type, data: e.data } as DealEvent);
    return {
      state,
      version: history.length === 0 ? null : history[history.length - 1]!.streamVersion,
      history,
    };
  }

  /** Reads the deal, builds the command from it (facts looked up), decides, appends; retries on a conflict. */
  async execute(
    dealId: string,
    actor: Actor,
    build: (deal: RegisteredDeal) => Promise<DealCommand> | DealCommand,
    /** Runs after the decision and before its append (a transfer revokes the holder here). */
    beforeAppend?: (events: readonly DealEvent[]) => Promise<void>,
    /** An idempotent command: applied already (its events carry it), it answers as it did then. */
    request?: { request: IdempotentRequest; what: string },
  ): Promise<DealResult> {
    if (!isUuid(dealId)) throw DomainError.invalid([{ field: 'dealId', reason: 'must be a UUID' }]);
    for (let attempt = 1; ; attempt++) {
      const { state, version, history } = await this.load(dealId);
      if (!isRegistered(state) || version === null)
        throw DomainError.notFound(`deal ${dealId} does not exist`, { dealId });
      if (actor.role === 'partner_user' && state.partnerId !== actor.partnerId)
        throw DomainError.permissionDenied('a partner user may act only on its own partner’s deals');
      const first = request && replayedRequest(history, request.request, request.what, 'within');
      if (first)
        return {
          dealId,
          version: first[first.length - 1]!.streamVersion,
          events: first.map((e) => ({ type: e.type, data: e.data }) as DealEvent),
        };
      const events = dealDecider.decide(await build(state), state);
      if (events.length === 0) return { dealId, version, events };
      await beforeAppend?.(events);
      try {
        const result = await this.store.append(
          dealStream(dealId),
          this.toAppend(events, actor, requestMetadata(request?.request)),
          version,
        );
        await this.updateRegistry(dealId, events);
        return { dealId, version: result.nextExpectedVersion, events };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < 3) continue;
        throw error;
      }
    }
  }

  /**
   * Keeps the conflict index in step: a closed deal frees its customer; an approval holds
   * protection; a lapsed or revoked one keeps its (open) deal in the index without protection.
   */
  private async updateRegistry(dealId: string, events: readonly DealEvent[]): Promise<void> {
    for (const e of events) {
      if (['DealRegistrationRejected', 'DealRegistrationExpired', 'DealWon', 'DealLost'].includes(e.type))
        await this.db.query('UPDATE deals_customer_registry SET active = false WHERE deal_id = $1', [dealId]);
      else if (e.type === 'DealProtectionLapsed' || e.type === 'DealProtectionRevoked')
        await this.db.query(
          'UPDATE deals_customer_registry SET holds_protection = false WHERE deal_id = $1',
          [dealId],
        );
      else if (e.type === 'DealRegistrationApproved')
        await this.db.query('UPDATE deals_customer_registry SET holds_protection = true WHERE deal_id = $1', [
          dealId,
        ]);
    }
  }

  private async pamOf(deal: RegisteredDeal): Promise<string | null> {
    return (await this.partnerFacts(deal.partnerId))?.pamId ?? null;
  }

  private async classOf(deal: RegisteredDeal): Promise<CustomerClassFacts | null> {
    return this.customerClassFor(registryKeys(deal.registered.customerKeys));
  }

  /**
   * Approves a registration. When another partner's registration protects the customer, the
   * approval is refused unless `transferProtection` gives the reason: then the holder gets
   * DealProtectionRevoked first and this one is approved with protection, never two holders.
   */
  approveRegistration(
    dealId: string,
    input: { note?: string; transferProtection?: { reason: string } },
    actor: Actor,
  ): Promise<DealResult> {
    let holder: ProtectionHolder | null = null;
    return this.execute(
      dealId,
      actor,
      async (deal) => {
        holder = deal.protectedUntil === null ? await this.protectionHolder(deal) : null;
        return {
          type: 'ApproveRegistration',
          data: {
            by: this.ref(actor),
            partnerPamId: await this.pamOf(deal),
            customerClass: await this.classOf(deal),
            protectionDays: (await this.policyOf(deal)).protectionDays,
            protectionHolder: holder,
            ...(input.transferProtection && { transferProtection: input.transferProtection }),
            note: input.note,
            at: this.now().toISOString(),
          },
        };
      },
      async (events) => {
        const approvedData = events.find((e) => e.type === 'DealRegistrationApproved')?.data as
          DataOf<'DealRegistrationApproved'> | undefined;
        const from = approvedData?.protectionTransferredFrom;
        if (!from || !holder) return;
        const to = { dealId, partnerId: approvedData.partnerId };
        const { partnerId } = holder;
        await this.execute(from, actor, async () => ({
          type: 'RevokeProtection',
          data: {
            by: this.ref(actor),
            partnerPamId: await this.pamOf({ partnerId } as RegisteredDeal),
            reason: input.transferProtection!.reason,
            transferredTo: to,
          },
        }));
      },
    );
  }

  rejectRegistration(
    dealId: string,
    input: { reasonCode: string; reason: string },
    actor: Actor,
  ): Promise<DealResult> {
    return this.execute(dealId, actor, async (deal) => ({
      type: 'RejectRegistration',
      data: {
        by: this.ref(actor),
        partnerPamId: await this.pamOf(deal),
        ...input,
        at: this.now().toISOString(),
      },
    }));
  }

  assignCoSeller(dealId: string, coSeller: string, actor: Actor): Promise<DealResult> {
    return this.execute(dealId, actor, async (deal) => ({
      type: 'AssignCoSeller',
      data: { by: this.ref(actor), partnerPamId: await this.pamOf(deal), coSeller },
    }));
  }

  changeStage(
    dealId: string,
    input: {
      stage: string;
      estimatedValue?: { amount: string; currency: string };
      expectedCloseDate?: string;
    },
    actor: Actor,
  ): Promise<DealResult> {
    return this.execute(dealId, actor, async (deal) => ({
      type: 'ChangeStage',
      data: {
        by: this.ref(actor),
        ...input,
        protectionDays: (await this.policyOf(deal)).protectionDays,
        allowStageSkipping: (await this.policyOf(deal)).allowStageSkipping,
        at: this.now().toISOString(),
      },
    }));
  }

  requestProtectionExtension(
    dealId: string,
    input: { requestId?: string; days: number; reason: string },
    actor: Actor,
  ): Promise<DealResult & { requestId: string }> {
    // The request id is also the client's idempotency key: a UUID is the extension request's id
    // as before; any other key (e.g. `idempotency-key` metadata) gives one derived from it.
    const { requestId: key, ...body } = input;
    const request = idempotentRequest(key || undefined, {
      namespace: REQUEST_EXTENSION_NAMESPACE,
      scope: [this.requester(actor), dealId],
      body,
    });
    const requestId = key && isUuid(key) ? key : (request?.id ?? randomUUID());
    return this.execute(
      dealId,
      actor,
      async (deal) => ({
        type: 'RequestProtectionExtension',
        data: {
          by: this.ref(actor),
          requestId,
          days: input.days,
          reason: input.reason,
          maxExtensionDays: (await this.policyOf(deal)).maxExtensionDays,
          at: this.now().toISOString(),
        },
      }),
      undefined,
      request && { request, what: 'protection extension request' },
    ).then((r) => ({ ...r, requestId }));
  }

  decideProtectionExtension(
    dealId: string,
    input: { requestId: string; approve: boolean; reason?: string },
    actor: Actor,
  ): Promise<DealResult> {
    return this.execute(dealId, actor, async (deal) => ({
      type: 'DecideProtectionExtension',
      data: {
        by: this.ref(actor),
        partnerPamId: await this.pamOf(deal),
        ...input,
        at: this.now().toISOString(),
      },
    }));
  }

  expireRegistration(dealId: string, today: string, actor: Actor): Promise<DealResult> {
    return this.execute(dealId, actor, async (deal) => ({
      type: 'ExpireRegistration',
      data: { today, protectionDays: (await this.policyOf(deal)).protectionDays },
    }));
  }

  recordInfluence(
    dealId: string,
    input: {
      influenceId?: string;
      partnerId: string;
      activity: string;
      description?: string;
      weightPercent?: number;
      /** Idempotency key: the influence id derives from it (when not given); see RegisterDeal. */
      requestId?: string;
    },
    actor: Actor,
  ): Promise<DealResult & { influenceId: string }> {
    const { requestId, ...body } = input;
    const request = idempotentRequest(requestId, {
      namespace: RECORD_INFLUENCE_NAMESPACE,
      scope: [this.requester(actor), dealId],
      body,
    });
    const influenceId = input.influenceId || (request?.id ?? randomUUID());
    return this.execute(
      dealId,
      actor,
      async () => ({
        type: 'RecordInfluence',
        data: {
          by: this.ref(actor),
          ...body,
          influenceId,
          partner: await this.partnerFacts(input.partnerId),
        },
      }),
      undefined,
      request && { request, what: 'influence record' },
    ).then((r) => ({ ...r, influenceId }));
  }

  winDeal(
    dealId: string,
    input: { wonValue: { amount: string; currency: string }; closedOn: string },
    actor: Actor,
  ): Promise<DealResult> {
    return this.execute(dealId, actor, async (deal) => {
      const reporting = this.options.reportingCurrency;
      const currency = (input.wonValue?.currency ?? '').trim().toUpperCase();
      const closedOn = /^\d{4}-\d{2}-\d{2}$/.test(input.closedOn ?? '') ? input.closedOn : deal.registeredOn;
      return {
        type: 'WinDeal',
        data: {
          by: this.ref(actor),
          wonValue: input.wonValue,
          closedOn: input.closedOn,
          commissionId: randomUUID(),
          tierHistory: deal.partnerId ? await this.tierHistory(deal.partnerId) : [],
          entryTier: deal.partnerId ? await this.entryTier(deal.registered.program ?? 'default') : null,
          reporting:
            reporting && reporting !== currency
              ? { currency: reporting, rate: await this.rateOn(currency, reporting, closedOn) }
              : null,
          customerClass: await this.classOf(deal),
          at: this.now().toISOString(),
        },
      };
    });
  }

  loseDeal(
    dealId: string,
    input: { lostReason: string; note?: string; competitor?: string; closedOn: string },
    actor: Actor,
  ): Promise<DealResult> {
    return this.execute(dealId, actor, () => ({
      type: 'LoseDeal',
      data: { by: this.ref(actor), ...input, at: this.now().toISOString() },
    }));
  }

  approveCommission(dealId: string, commissionId: string, actor: Actor): Promise<DealResult> {
    return this.execute(dealId, actor, () => ({
      type: 'ApproveCommission',
      data: { by: this.ref(actor), commissionId },
    }));
  }

  payCommission(
    dealId: string,
    input: { commissionId: string; paidOn: string; paymentReference: string },
    actor: Actor,
  ): Promise<DealResult> {
    return this.execute(dealId, actor, () => ({
      type: 'PayCommission',
      data: { by: this.ref(actor), ...input, at: this.now().toISOString() },
    }));
  }

  correctCommission(
    dealId: string,
    input: {
      commissionId?: string;
      correctsCommissionId: string;
      direction: string;
      amount: string;
      reason: string;
      /** Idempotency key: the new entry's id derives from it (when not given); see RegisterDeal. */
      requestId?: string;
    },
    actor: Actor,
  ): Promise<DealResult & { commissionId: string }> {
    const { requestId, ...body } = input;
    const request = idempotentRequest(requestId, {
      namespace: CORRECT_COMMISSION_NAMESPACE,
      scope: [this.requester(actor), dealId],
      body,
    });
    const commissionId = input.commissionId || (request?.id ?? randomUUID());
    return this.execute(
      dealId,
      actor,
      () => ({ type: 'CorrectCommission', data: { by: this.ref(actor), ...body, commissionId } }),
      undefined,
      request && { request, what: 'commission correction' },
    ).then((r) => ({ ...r, commissionId }));
  }

  // ── vendor-level definitions ──────────────────────────────────────────────────────────
  private async appendDefinition(
    stream: string,
    type: DealEventTypeOfDefinition,
    data: unknown,
    actor: Actor,
    expected: number | 'any' | 'no-stream' = 'any',
  ) {
    const metadata = this.metadata(actor);
    return this.store.append(
      stream,
      [{ id: randomUUID(), type, schemaVersion: 1, data, metadata: { causationId: null, ...metadata } }],
      expected,
    );
  }

  async classifyCustomer(
    input: Omit<ClassifyCustomerInput, 'customerId'>,
    actor: Actor,
  ): Promise<{ customerId: string; customerClass: string; version: number }> {
    requireVendorAdmin(actor.role, 'classify customers');
    // Validate first with a provisional id, then find the customer by its keys.
    const probe = classifyCustomer({ ...input, customerId: randomUUID() }, null, 0);
    const keys = registryKeys(probe.customerKeys);
    const known = await this.customerClassFor(keys);
    const customerId = known?.customerId ?? probe.customerId;
    const openDeals = await this.db.query<{ n: string }>(
      `SELECT count(DISTINCT deal_id)::text AS n FROM deals_customer_registry WHERE key = ANY($1) AND active AND channel = 'partner'`,
      [keys],
    );
    const data = classifyCustomer(
      { ...input, customerId },
      known?.customerClass ?? null,
      Number(openDeals[0]?.n ?? 0),
    );
    const stream = customerStream(customerId);
    const current = await this.store.streamVersion(stream);
    const result = await this.appendDefinition(
      stream,
      'CustomerClassified',
      data,
      actor,
      current ?? 'no-stream',
    );
    await this.db.query(
      `INSERT INTO deals_customer_classes (key, customer_id, customer_class, account_owner, customer_name)
       SELECT k, $2, $3, $4, $5 FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET customer_id = EXCLUDED.customer_id, customer_class = EXCLUDED.customer_class,
         account_owner = EXCLUDED.account_owner, customer_name = EXCLUDED.customer_name`,
      [keys, customerId, data.customerClass, data.accountOwner ?? null, data.customerName],
    );
    return { customerId, customerClass: data.customerClass, version: result.nextExpectedVersion };
  }

  async recordExchangeRate(
    input: { from: string; to: string; rate: string; effectiveOn: string },
    actor: Actor,
  ): Promise<{ version: number }> {
    requireVendorAdmin(actor.role, 'record exchange rates');
    const data = exchangeRate(input);
    const result = await this.appendDefinition(
      exchangeRateStream(data.from, data.to),
      'ExchangeRateRecorded',
      data,
      actor,
    );
    return { version: result.nextExpectedVersion };
  }

  async defineDealPolicy(
    input: {
      program: string;
      protectionDays: number;
      maxExtensionDays: number;
      allowStageSkipping?: boolean;
    },
    actor: Actor,
  ): Promise<{ version: number } & Policy> {
    requireVendorAdmin(actor.role, 'define deal policies');
    const data = dealPolicy(input);
    const result = await this.appendDefinition(policyStream(data.program), 'DealPolicyDefined', data, actor);
    this.policies.delete(data.program);
    return {
      version: result.nextExpectedVersion,
      protectionDays: data.protectionDays,
      maxExtensionDays: data.maxExtensionDays,
      allowStageSkipping: data.allowStageSkipping ?? false,
    };
  }
}

type DealEventTypeOfDefinition = 'CustomerClassified' | 'ExchangeRateRecorded' | 'DealPolicyDefined';
