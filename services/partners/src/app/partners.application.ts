import { randomUUID } from 'node:crypto';
import type { DataOf } from '@prm/contracts';
import { migrate, type Database } from '@prm/database';
import {
  DomainError,
  idempotentRequest,
  isUuid,
  replayedRequest,
  requestMetadata,
  type IdempotentRequest,
} from '@prm/domain';
import {
  handleCommand,
  WrongExpectedVersionError,
  type CommandMetadata,
  type EventStore,
} from '@prm/event-store';
import {
  DEFAULT_PAM_CAPACITY,
  checklistOf,
  DEFAULT_PROGRAM_DEFINITION,
  defineIdealPartnerProfile,
  defineProgram,
  isNotRegistered,
  programOf,
  type ProgramDefinition,
  partnerDecider,
  PAM_LOAD_EXCLUDED_STAGES,
  pamCapacityOf,
  pamDecider,
  type PamCommand,
  type PamEvent,
  type PamLoadCause,
  type PamState,
  type PartnerCommand,
  type PartnerEvent,
  type PartnerState,
  type RecordedRate,
  type RecordTraining,
  type RegisterPartner,
  type UpdatePartnerProfile,
  trailing12MonthRevenue,
  trailing12MonthStart,
} from '../domain';
import { PartnerIdentityRepository, type IdentityKey } from './partner-identity.repository';
import { partnerSummaryProjection, type PartnerSummaryRow } from './partner-summary.projection';
import { partnersMigrations } from './partners.migrations';
import { IDEAL_PARTNER_PROFILE_STREAM, pamStream, partnerStream, programStream } from './streams';

/** Who sends a command, as the gateway or an internal caller states it. */
export interface Actor {
  id: string;
  role: 'vendor_admin' | 'pam' | 'partner_user' | 'service';
  correlationId?: string;
  /** For a partner user: the partner it belongs to (it may touch nothing else). */
  partnerId?: string;
}

/** Namespace of the partner ids derived from a client's request id (UUID v5). */
const REGISTER_PARTNER_NAMESPACE = '4c0d6a52-7f5e-5b8e-9a3f-2f1b0c9d8e71';
/** Namespaces of the other create commands' request ids (and the ids they derive). */
const RECORD_TRAINING_NAMESPACE = '4c0d6a52-7f5e-5b8e-9a3f-2f1b0c9d8e72';
const DEFINE_PROFILE_NAMESPACE = '4c0d6a52-7f5e-5b8e-9a3f-2f1b0c9d8e73';

export interface CommandResult {
  partnerId: string;
  version: number;
  events: readonly PartnerEvent[];
}

export interface PartnersApplicationOptions {
  /** The clock; injected so schedulers and tests control time. */
  now?: () => Date;
  pamCapacity?: number;
  /** The currency tier revenue is counted in (ISO 4217); the requirement's own when missing. */
  reportingCurrency?: string;
  /** Days without a deal registration, win or training after which an active partner is dormant; 90 when missing. */
  dormantAfterDays?: number;
}

/** The default period of the dormancy rule. */
export const DEFAULT_DORMANT_AFTER_DAYS = 90;

const ROLE_FOR_OVERRIDE = 'vendor_admin';
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

/**
 * The partners service's application layer: reads the aggregate, lets the pure decider
 * decide, appends with optimistic concurrency (retrying on conflict), and keeps the INN /
 * domain uniqueness claims. Queries read the read models.
 */
export class PartnersApplication {
  private readonly identities: PartnerIdentityRepository;
  readonly now: () => Date;

  private constructor(
    private readonly store: EventStore,
    readonly db: Database,
    private readonly options: PartnersApplicationOptions,
  ) {
    this.identities = new PartnerIdentityRepository(db, store);
    this.now = options.now ?? (() => new Date());
  }

  get pamCapacity(): number {
    return this.options.pamCapacity ?? DEFAULT_PAM_CAPACITY;
  }

  get dormantAfterDays(): number {
    return this.options.dormantAfterDays ?? DEFAULT_DORMANT_AFTER_DAYS;
  }

  /**
   * Keeps the deals service's facts the partners context decides with (idempotent: redelivery
   * changes nothing): the latest registration and win per partner (dormancy, stalled view), won
   * deals (tier revenue) and exchange rates (revenue and requirements in the reporting currency).
   */
  async recordDealFact(event: {
    type: string;
    data: unknown;
    metadata: { occurredAt: string };
  }): Promise<void> {
    const at = event.metadata.occurredAt;
    if (event.type === 'ExchangeRateRecorded') {
      const d = event.data as DataOf<'ExchangeRateRecorded'>;
      await this.db.query(
        `INSERT INTO partners_exchange_rates (from_currency, to_currency, effective_on, rate) VALUES ($1, $2, $3, $4)
         ON CONFLICT (from_currency, to_currency, effective_on) DO UPDATE SET rate = EXCLUDED.rate`,
        [d.from, d.to, d.effectiveOn, d.rate],
      );
      return;
    }
    if (event.type !== 'DealRegistered' && event.type !== 'DealWon') return;
    const partnerId = (event.data as { partnerId?: string | null }).partnerId;
    if (!partnerId || !isUuid(partnerId)) return;
    const column = event.type === 'DealRegistered' ? 'last_registered_at' : 'last_won_at';
    await this.db.query(
      `INSERT INTO partners_deal_activity (partner_id, ${column}) VALUES ($1, $2)
       ON CONFLICT (partner_id) DO UPDATE SET ${column} = greatest(partners_deal_activity.${column}, EXCLUDED.${column})`,
      [partnerId, at],
    );
    if (event.type === 'DealWon') {
      const d = event.data as DataOf<'DealWon'>;
      await this.db.query(
        `INSERT INTO partners_won_deals (deal_id, partner_id, amount, currency, closed_on) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (deal_id) DO NOTHING`,
        [d.dealId, partnerId, d.wonValue.amount, d.wonValue.currency, d.closedOn],
      );
    }
  }

  /** The partner's won revenue of the 12 months up to `today` in `currency`, from its won deals. */
  async trailingRevenue(partnerId: string, currency: string, today: string) {
    const deals = await this.db.query<{
      deal_id: string;
      amount: string;
      currency: string;
      closed_on: string;
    }>(
      `SELECT deal_id, amount, currency, to_char(closed_on, 'YYYY-MM-DD') AS closed_on
       FROM partners_won_deals WHERE partner_id = $1 AND closed_on >= $2::date AND closed_on <= $3::date`,
      [partnerId, trailing12MonthStart(today), today],
    );
    const rates = await this.exchangeRates();
    const result = trailing12MonthRevenue(
      deals.map((d) => ({
        dealId: d.deal_id,
        wonValue: { amount: d.amount, currency: d.currency },
        closedOn: d.closed_on,
      })),
      rates,
      currency,
      today,
    );
    return { ...result, rates };
  }

  private async exchangeRates(): Promise<RecordedRate[]> {
    const rows = await this.db.query<{
      from_currency: string;
      to_currency: string;
      rate: string;
      effective_on: string;
    }>(
      `SELECT from_currency, to_currency, rate, to_char(effective_on, 'YYYY-MM-DD') AS effective_on
       FROM partners_exchange_rates ORDER BY effective_on`,
    );
    return rows.map((r) => ({
      from: r.from_currency,
      to: r.to_currency,
      rate: r.rate,
      effectiveOn: r.effective_on,
    }));
  }

  static async create(
    store: EventStore,
    db: Database,
    options: PartnersApplicationOptions = {},
  ): Promise<PartnersApplication> {
    await migrate(db, 'partners', partnersMigrations);
    // The summary read model is the projection's; migrating it here too (same component,
    // idempotent) lets commands read PAM workload before the projection first runs.
    await migrate(db, `projection:${partnerSummaryProjection.name}`, partnerSummaryProjection.migrations);
    return new PartnersApplication(store, db, options);
  }

  private metadata(actor: Actor): CommandMetadata {
    return {
      correlationId: actor.correlationId || randomUUID(),
      actor: actor.id,
      occurredAt: this.now().toISOString(),
    };
  }

  private async execute(
    partnerId: string,
    command: PartnerCommand,
    actor: Actor,
    /** An idempotent command: applied already (its events carry it), it answers as it did then. */
    request?: { request: IdempotentRequest; what: string; mode: 'stream' | 'within' },
  ): Promise<CommandResult & { state: PartnerState }> {
    let result;
    try {
      result = await handleCommand(
        this.store,
        partnerStream(partnerId),
        partnerDecider,
        command,
        { ...this.metadata(actor), ...requestMetadata(request?.request) },
        request && {
          replay: (history) => replayedRequest(history, request.request, request.what, request.mode),
        },
      );
    } catch (error) {
      // The decider refuses any command but registration on an empty stream; name the partner.
      if (isNotRegistered(error)) {
        throw DomainError.notFound(`partner ${partnerId} does not exist`, { partnerId });
      }
      throw error;
    }
    if (result.nextExpectedVersion === null)
      throw DomainError.notFound(`partner ${partnerId} does not exist`, { partnerId });
    await this.reviewPamLoads(partnerId, result.events, actor);
    return { partnerId, version: result.nextExpectedVersion, events: result.events, state: result.state };
  }

  /**
   * Re-evaluates the over-capacity warning of every PAM whose load the events changed: the new
   * and the previous PAM of an assignment, the PAM of a partner that churned or came back.
   * Counted like the workload view (churned excluded), this partner as it is after the events.
   */
  private async reviewPamLoads(
    partnerId: string,
    events: readonly PartnerEvent[],
    actor: Actor,
  ): Promise<void> {
    const reviews: Array<{ pamId: string; withThisPartner: boolean; cause: PamLoadCause }> = [];
    let pamId: string | null = null;
    for (const e of events) {
      if (e.type === 'PamAssigned') {
        reviews.push({ pamId: e.data.pamId, withThisPartner: true, cause: 'assigned' });
        if (e.data.previousPamId)
          reviews.push({ pamId: e.data.previousPamId, withThisPartner: false, cause: 'reassigned_away' });
      } else if (e.type === 'PartnerChurned' || e.type === 'PartnerReactivated') {
        pamId ??= await this.pamOf(partnerId);
        if (pamId)
          reviews.push({
            pamId,
            withThisPartner: e.type === 'PartnerReactivated',
            cause: e.type === 'PartnerChurned' ? 'churned' : 'reactivated',
          });
      }
    }
    for (const r of reviews) {
      const others = await this.pamPartnerCount(r.pamId, partnerId);
      await this.runPam(
        r.pamId,
        {
          type: 'ReviewPamLoad',
          data: {
            pamId: r.pamId,
            partnerCount: others + (r.withThisPartner ? 1 : 0),
            defaultCapacity: this.pamCapacity,
            cause: r.cause,
            partnerId,
          },
        },
        actor,
      );
    }
  }

  private async pamOf(partnerId: string): Promise<string | null> {
    const state = await this.state(partnerId);
    return state.status === 'Registered' ? state.pamId : null;
  }

  /** The PAM's partners (other than `partnerId`), counted like the workload view (churned excluded). */
  private async pamPartnerCount(pamId: string, partnerId: string | null): Promise<number> {
    const rows = await this.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM partners_partner_summary
       WHERE pam_id = $1 AND partner_id IS DISTINCT FROM $2::uuid AND stage <> ALL($3::text[])`,
      [pamId, partnerId, [...PAM_LOAD_EXCLUDED_STAGES]],
    );
    return Number(rows[0]?.n ?? 0);
  }

  private async runPam(
    pamId: string,
    command: PamCommand,
    actor: Actor,
  ): Promise<{ events: readonly PamEvent[]; state: PamState }> {
    const result = await handleCommand(
      this.store,
      pamStream(pamId),
      pamDecider,
      command,
      this.metadata(actor),
    );
    return { events: result.events, state: result.state };
  }

  private async pamState(pamId: string): Promise<PamState> {
    const history = await this.store.readStream(pamStream(pamId));
    return history.reduce(
      (s, e) => pamDecider.evolve(s, { type: e.type, data: e.data } as PamEvent),
      pamDecider.initialState(),
    );
  }

  /** The capacity that applies to a PAM: its own (PamCapacitySet), else the configured default. */
  async capacityOfPam(pamId: string): Promise<number> {
    return pamCapacityOf(await this.pamState(pamId), this.pamCapacity);
  }

  /** A vendor admin sets how many partners a PAM runs well; the warning is re-evaluated with it. */
  async setPamCapacity(
    pamId: string,
    input: { capacity: number; reason?: string },
    actor: Actor,
  ): Promise<{
    pamId: string;
    capacity: number;
    partnerCount: number;
    overCapacity: boolean;
    events: readonly PamEvent[];
  }> {
    const partnerCount = await this.pamPartnerCount(pamId, null);
    const { events, state } = await this.runPam(
      pamId,
      {
        type: 'SetPamCapacity',
        data: {
          pamId,
          capacity: input.capacity,
          setBy: actor.id,
          role: actor.role,
          ...(input.reason ? { reason: input.reason } : {}),
          partnerCount,
          defaultCapacity: this.pamCapacity,
        },
      },
      actor,
    );
    const capacity = pamCapacityOf(state, this.pamCapacity);
    return { pamId, capacity, partnerCount, overCapacity: partnerCount > capacity, events };
  }

  /** Reads a partner's state, refusing unknown partners with NOT_FOUND. */
  private async state(partnerId: string): Promise<PartnerState> {
    const history = await this.store.readStream(partnerStream(partnerId));
    if (history.length === 0)
      throw DomainError.notFound(`partner ${partnerId} does not exist`, { partnerId });
    return history.reduce(
      (s, e) => partnerDecider.evolve(s, { type: e.type, data: e.data } as PartnerEvent),
      partnerDecider.initialState(),
    );
  }

  private requireUuid(field: string, value: string): void {
    if (!isUuid(value)) {
      throw DomainError.invalid([{ field, reason: 'must be a UUID' }]);
    }
  }

  /** Vendor-level definitions are for vendor admins; checked before the input is. */
  private requireVendorAdmin(actor: Actor, what: string): void {
    if (actor.role !== 'vendor_admin')
      throw DomainError.permissionDenied(`only a vendor admin defines ${what}`);
  }

  /** A vendor-level definition: the last one in its stream is current, so any expected version will do. */
  private async appendDefinition(
    stream: string,
    type: 'PartnerProgramDefined' | 'IdealPartnerProfileDefined',
    data: unknown,
    actor: Actor,
    extraMetadata: Record<string, string> = {},
    expected: number | 'no-stream' | 'any' = 'any',
  ): Promise<number> {
    const event = {
      id: randomUUID(),
      type,
      schemaVersion: 1,
      data,
      metadata: { causationId: null, ...this.metadata(actor), ...extraMetadata },
    };
    return (await this.store.append(stream, [event], expected)).nextExpectedVersion;
  }

  /** Defines (or redefines) a partner program: tiers as data and the onboarding checklist. */
  async defineProgram(
    input: Record<string, unknown>,
    actor: Actor,
  ): Promise<{ program: string; version: number }> {
    this.requireVendorAdmin(actor, 'partner programs');
    const data = defineProgram(input);
    const version = await this.appendDefinition(
      programStream(data.program),
      'PartnerProgramDefined',
      data,
      actor,
    );
    return { program: data.program, version };
  }

  /** The program's latest definition; "default" is built in until it is redefined. */
  async program(name: string): Promise<ProgramDefinition> {
    const key = name || 'default';
    const history = await this.store.readStream(programStream(key));
    const last = history[history.length - 1];
    if (last) return last.data as ProgramDefinition;
    if (key === 'default') return DEFAULT_PROGRAM_DEFINITION;
    throw DomainError.invalid([{ field: 'program', reason: `unknown program "${key}"; define it first` }]);
  }

  async registerPartner(
    input: Omit<RegisterPartner['data'], 'at' | 'partnerId' | 'checklist'> & {
      partnerId?: string;
      program?: string;
      /**
       * The client's idempotency key: the same key with the same body returns the first
       * registration; with another body it is ALREADY_EXISTS.
       */
      requestId?: string;
    },
    actor: Actor,
  ): Promise<CommandResult> {
    const { requestId, ...body } = input;
    // As RegisterDeal: a request id gives the partner a deterministic id (per caller), so a retry
    // lands on the same stream and the store's 'no-stream' lets one registration in.
    const request = idempotentRequest(requestId, {
      namespace: REGISTER_PARTNER_NAMESPACE,
      scope: [actor.id],
      body,
    });
    const partnerId = input.partnerId || (request ? request.id : randomUUID());
    this.requireUuid('partnerId', partnerId);
    if (request) {
      const replay = await this.replayedRegistration(partnerId, request);
      if (replay) return replay;
    }
    const { program: programName, ...profile } = body;
    const checklist = checklistOf(await this.program(programName ?? 'default'));
    const command: RegisterPartner = {
      type: 'RegisterPartner',
      data: {
        ...profile,
        partnerId,
        checklist,
        program: programName || 'default',
        at: this.now().toISOString(),
      },
    };
    // Decide once on an empty state first: bad input is refused before any claim is taken.
    const events = partnerDecider.decide(command, partnerDecider.initialState());
    const registered = events.find((e) => e.type === 'PartnerRegistered');
    const keys = registered?.type === 'PartnerRegistered' ? identityKeys(registered.data) : [];
    if ((await this.store.streamVersion(partnerStream(partnerId))) !== null) {
      throw DomainError.alreadyExists(`partner ${partnerId} is already registered`, {
        existingPartnerId: partnerId,
      });
    }
    await this.claimIdentities(partnerId, keys, actor);
    try {
      return await this.execute(
        partnerId,
        command,
        actor,
        request && { request, what: 'partner registration', mode: 'stream' },
      );
    } catch (error) {
      if (request) {
        // The same request won a race: its claims are this partner id's too; keep them, answer as it did.
        const replay = await this.replayedRegistration(partnerId, request);
        if (replay) return replay;
      }
      await this.identities.release(partnerId, keys);
      throw error;
    }
  }

  /**
   * The first answer to a registration sent again under the same request id, from the events it
   * appended (marked with its request); ALREADY_EXISTS when the id came with another body.
   */
  private async replayedRegistration(
    partnerId: string,
    request: IdempotentRequest,
  ): Promise<CommandResult | null> {
    const history = await this.store.readStream(partnerStream(partnerId));
    const first = replayedRequest(history, request, 'partner registration', 'stream');
    if (!first) return null;
    return {
      partnerId,
      version: first[first.length - 1]!.streamVersion,
      events: first.map((e) => ({ type: e.type, data: e.data }) as PartnerEvent),
    };
  }

  /**
   * Records a completed training. Under a request id (idempotency key, scoped to the caller and
   * the partner) a retry answers as the first call did, even when completedAt was left to the
   * clock; another body under the key is ALREADY_EXISTS.
   */
  async recordTraining(
    partnerId: string,
    input: Omit<RecordTraining['data'], 'completedAt'> & { completedAt?: string; requestId?: string },
    actor: Actor,
  ): Promise<CommandResult> {
    const { requestId, ...body } = input;
    const request = idempotentRequest(requestId, {
      namespace: RECORD_TRAINING_NAMESPACE,
      scope: [actor.partnerId ?? actor.id, partnerId],
      body,
    });
    return this.execute(
      partnerId,
      {
        type: 'RecordTraining',
        data: { ...body, completedAt: body.completedAt || this.now().toISOString() },
      },
      actor,
      request && { request, what: 'training record', mode: 'within' },
    );
  }

  /**
   * Claims the INN and web domain for the partner. The vendor's people learn which partner holds
   * a taken one; a partner user does not (it would be a lookup oracle: any INN → its partner id).
   */
  private async claimIdentities(
    partnerId: string,
    keys: readonly IdentityKey[],
    actor: Actor,
  ): Promise<void> {
    try {
      await this.identities.claim(partnerId, keys);
    } catch (error) {
      if (actor.role !== 'partner_user' || !(error instanceof DomainError) || error.code !== 'ALREADY_EXISTS')
        throw error;
      const field = error.details.field === 'taxId' ? 'taxId' : 'website';
      throw DomainError.alreadyExists(
        `another partner is registered with this ${field === 'taxId' ? 'tax id' : 'website domain'}`,
        { field },
      );
    }
  }

  async updatePartnerProfile(
    partnerId: string,
    changes: Omit<UpdatePartnerProfile['data'], 'at'>,
    actor: Actor,
  ): Promise<CommandResult> {
    const before = await this.state(partnerId);
    const command: UpdatePartnerProfile = {
      type: 'UpdatePartnerProfile',
      // A partner user's self-reported numbers are proposed until the vendor confirms them.
      data: {
        ...changes,
        ...(actor.role === 'partner_user' ? { proposedBy: actor.id } : {}),
        at: this.now().toISOString(),
      },
    };
    const events = partnerDecider.decide(command, before);
    const updated = events.find((e) => e.type === 'PartnerProfileUpdated');
    const newKeys: IdentityKey[] = [];
    if (updated?.type === 'PartnerProfileUpdated') {
      if (updated.data.taxId)
        newKeys.push({ kind: 'tax_id', value: `${updated.data.taxId.scheme}:${updated.data.taxId.value}` });
      if (updated.data.websiteDomain)
        newKeys.push({ kind: 'website_domain', value: updated.data.websiteDomain });
    }
    await this.claimIdentities(partnerId, newKeys, actor);
    let result: CommandResult;
    try {
      result = await this.execute(partnerId, command, actor);
    } catch (error) {
      await this.identities.release(partnerId, newKeys);
      throw error;
    }
    if (before.status === 'Registered' && newKeys.length > 0) {
      const old = identityKeys(before.profile).filter(
        (k) => !newKeys.some((n) => n.kind === k.kind && n.value === k.value),
      );
      await this.identities.release(
        partnerId,
        old.filter((k) => newKeys.some((n) => n.kind === k.kind)),
      );
    }
    return result;
  }

  async advanceJourney(partnerId: string, stage: string, actor: Actor): Promise<CommandResult> {
    return this.execute(
      partnerId,
      { type: 'AdvanceJourney', data: { stage, at: this.now().toISOString() } },
      actor,
    );
  }

  async completeOnboardingStep(partnerId: string, step: string, actor: Actor): Promise<CommandResult> {
    return this.execute(
      partnerId,
      {
        type: 'CompleteOnboardingStep',
        data: {
          step,
          completedBy: actor.id,
          byPartner: actor.role === 'partner_user',
          at: this.now().toISOString(),
        },
      },
      actor,
    );
  }

  /** The vendor confirms the self-reported values a partner user proposed. */
  async confirmPartnerProfile(partnerId: string, actor: Actor): Promise<CommandResult> {
    this.requireVendor(actor, 'confirms a partner’s self-reported values');
    return this.execute(
      partnerId,
      { type: 'ConfirmPartnerProfile', data: { confirmedBy: actor.id, at: this.now().toISOString() } },
      actor,
    );
  }

  /** The vendor confirms an MDF spend a partner user claimed. */
  async confirmMdfSpend(partnerId: string, spendId: string, actor: Actor): Promise<CommandResult> {
    this.requireVendor(actor, 'confirms an MDF spend');
    return this.execute(
      partnerId,
      { type: 'ConfirmMdfSpend', data: { spendId, confirmedBy: actor.id } },
      actor,
    );
  }

  private requireVendor(actor: Actor, what: string): void {
    if (actor.role === 'partner_user') throw DomainError.permissionDenied(`only the vendor ${what}`);
  }

  async changeTier(
    partnerId: string,
    input: { program?: string; tier: string; effectiveFrom: string; overrideReason?: string },
    actor: Actor,
  ): Promise<CommandResult> {
    const state = await this.state(partnerId);
    if (input.overrideReason && actor.role !== ROLE_FOR_OVERRIDE) {
      throw DomainError.permissionDenied('only a vendor admin may override tier requirements');
    }
    const certifiedPeople =
      state.status === 'Registered'
        ? new Set(
            Object.values(state.certifications)
              .filter((c) => !c.expired)
              .map((c) => c.data.holderId),
          ).size
        : 0;
    const program = programOf(await this.program(input.program ?? 'default'));
    const required = program.tiers.find((t) => t.tier === input.tier)?.requirements.trailing12MonthRevenue;
    const currency = this.options.reportingCurrency ?? required?.currency ?? 'RUB';
    const today = this.now().toISOString().slice(0, 10);
    const revenue = await this.trailingRevenue(partnerId, currency, today);
    return this.execute(
      partnerId,
      {
        type: 'ChangeTier',
        data: {
          program,
          tier: input.tier,
          effectiveFrom: input.effectiveFrom,
          // Revenue: the partner's won deals of the last 12 months (DealWon), in the reporting currency.
          facts: {
            certifiedPeople,
            trailing12MonthRevenue: revenue.revenue,
            exchangeRates: revenue.rates,
            unconvertedRevenue: revenue.unconverted,
          },
          override: input.overrideReason
            ? { by: actor.id, role: 'vendor_admin', reason: input.overrideReason }
            : undefined,
          at: this.now().toISOString(),
        },
      },
      actor,
    );
  }

  async assignPam(
    partnerId: string,
    pamId: string,
    actor: Actor,
  ): Promise<CommandResult & { overCapacity: boolean; pamPartnerCount: number; capacity: number }> {
    const capacity = isText(pamId) ? await this.capacityOfPam(pamId) : this.pamCapacity;
    const pamPartnerCount = isText(pamId) ? await this.pamPartnerCount(pamId, partnerId) : 0;
    const result = await this.execute(
      partnerId,
      { type: 'AssignPam', data: { pamId, pamPartnerCount, capacity, at: this.now().toISOString() } },
      actor,
    );
    return {
      ...result,
      overCapacity: result.events.some((e) => e.type === 'PamOverCapacity'),
      pamPartnerCount: pamPartnerCount + 1,
      capacity,
    };
  }

  async run(partnerId: string, command: PartnerCommand, actor: Actor): Promise<CommandResult> {
    return this.execute(partnerId, command, actor);
  }

  /** Defines (or redefines) the vendor's ideal partner profile; every partner's fit is recomputed from it. */
  async defineIdealPartnerProfile(
    input: Record<string, unknown>,
    actor: Actor,
  ): Promise<{ profileId: string; version: number }> {
    this.requireVendorAdmin(actor, 'the ideal partner profile');
    const { requestId, ...body } = input as Record<string, unknown> & { requestId?: string };
    const request = idempotentRequest(requestId, {
      namespace: DEFINE_PROFILE_NAMESPACE,
      scope: [actor.id],
      body,
    });
    const data = defineIdealPartnerProfile({
      ...body,
      profileId: (body.profileId as string) || (request?.id ?? randomUUID()),
    });
    if (!request) {
      const version = await this.appendDefinition(
        IDEAL_PARTNER_PROFILE_STREAM,
        'IdealPartnerProfileDefined',
        data,
        actor,
      );
      return { profileId: data.profileId, version };
    }
    // The definition stream is the vendor's one: a retry finds its first event there; appending at
    // the version read lets one of concurrent sends in, the others read again and find it.
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(IDEAL_PARTNER_PROFILE_STREAM);
      const first = replayedRequest(history, request, 'ideal partner profile definition', 'within');
      if (first)
        return {
          profileId: (first[0]!.data as { profileId: string }).profileId,
          version: first[0]!.streamVersion,
        };
      try {
        const version = await this.appendDefinition(
          IDEAL_PARTNER_PROFILE_STREAM,
          'IdealPartnerProfileDefined',
          data,
          actor,
          requestMetadata(request),
          history.length === 0 ? 'no-stream' : history[history.length - 1]!.streamVersion,
        );
        return { profileId: data.profileId, version };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= 5) throw error;
      }
    }
  }

  async getPartner(partnerId: string): Promise<PartnerSummaryRow> {
    this.requireUuid('partnerId', partnerId);
    const rows = await this.db.query<PartnerSummaryRow>(
      'SELECT * FROM partners_partner_summary WHERE partner_id = $1',
      [partnerId],
    );
    if (rows.length === 0)
      throw DomainError.notFound(`partner ${partnerId} does not exist (or is not projected yet)`, {
        partnerId,
      });
    return rows[0]!;
  }
}

function identityKeys(profile: {
  taxId: { scheme: string; value: string };
  websiteDomain: string;
}): IdentityKey[] {
  return [
    { kind: 'tax_id', value: `${profile.taxId.scheme}:${profile.taxId.value}` },
    { kind: 'website_domain', value: profile.websiteDomain },
  ];
}
