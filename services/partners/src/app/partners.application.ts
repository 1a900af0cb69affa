import { randomUUID } from 'node:crypto';
import { migrate, type Database } from '@prm/database';
import { DomainError, isUuid } from '@prm/domain';
import { handleCommand, type CommandMetadata, type EventStore } from '@prm/event-store';
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
  type PartnerCommand,
  type PartnerEvent,
  type PartnerState,
  type RegisterPartner,
  type UpdatePartnerProfile,
} from '../domain';
import { PartnerIdentityRepository, type IdentityKey } from './partner-identity.repository';
import { partnerSummaryProjection, type PartnerSummaryRow } from './partner-summary.projection';
import { partnersMigrations } from './partners.migrations';
import { IDEAL_PARTNER_PROFILE_STREAM, partnerStream, programStream } from './streams';

/** Who sends a command, as the gateway or an internal caller states it. */
export interface Actor {
  id: string;
  role: 'vendor_admin' | 'pam' | 'partner_user' | 'service';
  correlationId?: string;
  /** For a partner user: the partner it belongs to (it may touch nothing else). */
  partnerId?: string;
}

export interface CommandResult {
  partnerId: string;
  version: number;
  events: readonly PartnerEvent[];
}

export interface PartnersApplicationOptions {
  /** The clock; injected so schedulers and tests control time. */
  now?: () => Date;
  pamCapacity?: number;
}

const ROLE_FOR_OVERRIDE = 'vendor_admin';

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
  ): Promise<CommandResult & { state: PartnerState }> {
    let result;
    try {
      result = await handleCommand(
        this.store,
        partnerStream(partnerId),
        partnerDecider,
        command,
        this.metadata(actor),
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
    return { partnerId, version: result.nextExpectedVersion, events: result.events, state: result.state };
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
  ): Promise<number> {
    const event = {
      id: randomUUID(),
      type,
      schemaVersion: 1,
      data,
      metadata: { causationId: null, ...this.metadata(actor) },
    };
    return (await this.store.append(stream, [event], 'any')).nextExpectedVersion;
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
    },
    actor: Actor,
  ): Promise<CommandResult> {
    const partnerId = input.partnerId || randomUUID();
    this.requireUuid('partnerId', partnerId);
    const { program: programName, ...profile } = input;
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
      return await this.execute(partnerId, command, actor);
    } catch (error) {
      await this.identities.release(partnerId, keys);
      throw error;
    }
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
      data: { ...changes, at: this.now().toISOString() },
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
      { type: 'CompleteOnboardingStep', data: { step, completedBy: actor.id, at: this.now().toISOString() } },
      actor,
    );
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
    return this.execute(
      partnerId,
      {
        type: 'ChangeTier',
        data: {
          program: programOf(await this.program(input.program ?? 'default')),
          tier: input.tier,
          effectiveFrom: input.effectiveFrom,
          // Revenue arrives with the deals service's events; until then it is zero.
          facts: { certifiedPeople, trailing12MonthRevenue: { amount: '0', currency: 'RUB' } },
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
    const capacity = this.pamCapacity;
    const rows = await this.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM partners_partner_summary WHERE pam_id = $1 AND partner_id <> $2',
      [pamId, partnerId],
    );
    const pamPartnerCount = Number(rows[0]?.n ?? 0);
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
    const data = defineIdealPartnerProfile({
      ...input,
      profileId: (input.profileId as string) || randomUUID(),
    });
    const version = await this.appendDefinition(
      IDEAL_PARTNER_PROFILE_STREAM,
      'IdealPartnerProfileDefined',
      data,
      actor,
    );
    return { profileId: data.profileId, version };
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
