import {
  DealInfluenceRecordedData,
  DealLostData,
  DealRegistrationRejectedData,
  type DataOf,
} from '@prm/contracts';
import {
  convert,
  DomainError,
  fromMicros,
  amountBoundsProblem,
  isCalendarDate,
  isDecimal,
  normalizeCurrency,
  isKnownCurrency,
  isUuid,
  percentOf,
  toMicros,
  Violations,
} from '@prm/domain';
import {
  compareCustomers,
  isCountryCode,
  matchKeys,
  normalizeDomain,
  normalizeTaxId,
  type MatchKey,
  type MatchKeys,
} from '@prm/normalization';
import type {
  ActorRef,
  ApproveCommission,
  ApproveRegistration,
  AssignCoSeller,
  ChangeStage,
  CorrectCommission,
  DealCommand,
  DecideProtectionExtension,
  ExistingRegistration,
  ExpireRegistration,
  LoseDeal,
  MatchedOn,
  PartnerFacts,
  PayCommission,
  ProgramTierFacts,
  RecordInfluence,
  RevokeProtection,
  TierChange,
  RegisterDeal,
  RejectRegistration,
  RequestProtectionExtension,
  Stage,
  WinDeal,
} from './deal.commands';
import { STAGES } from './deal.commands';
import type { DealEvent } from './deal.events';
import {
  evolveDeal,
  initialDealState,
  isRegistered,
  type DealState,
  type RegisteredDeal,
} from './deal.state';

type Events = DealEvent[];

/** Journey stages from which a partner may register deals ("at least enabled"). */
export const REGISTERING_STAGES: readonly string[] = [
  'enabled',
  'first_deal_registered',
  'first_deal_won',
  'active',
  'dormant',
];
export const DEFAULT_PROTECTION_DAYS = 90;
export const DEFAULT_MAX_EXTENSION_DAYS = 60;

const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
// The closed lists are the contract's own, so the decider never accepts what the schema refuses.
const REJECT_CODES = DealRegistrationRejectedData.shape.reasonCode.options;
const LOST_REASONS = DealLostData.shape.lostReason.options;
const INFLUENCE_ACTIVITIES = DealInfluenceRecordedData.shape.activity.options;

// ── dates ────────────────────────────────────────────────────────────────────────────────
/** A calendar date that exists, within @prm/domain's year bounds (9999-12-31 is refused). */
export function isIsoDate(value: unknown): value is string {
  return isCalendarDate(value);
}
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
const dayOf = (at: string) => at.slice(0, 10);

// ── shared checks ────────────────────────────────────────────────────────────────────────
const isText = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

function checkMoney(
  value: { amount: string; currency: string } | undefined,
  field: string,
  v: Violations,
): { amount: string; currency: string } {
  const amount = value?.amount ?? '';
  const currency = (value?.currency ?? '').trim().toUpperCase();
  if (typeof amount === 'string' && amount.trim().startsWith('-'))
    v.add(`${field}.amount`, 'must not be negative');
  else if (!isDecimal(amount))
    v.add(`${field}.amount`, 'must be a decimal number such as "1250000.50" (at most 6 decimals)');
  else if (toMicros(amount) === 0n) v.add(`${field}.amount`, 'must be greater than zero');
  else {
    const bounds = amountBoundsProblem(amount, normalizeCurrency(currency));
    if (bounds) v.add(`${field}.amount`, bounds);
  }
  if (!/^[A-Z]{3}$/.test(currency) || !isKnownCurrency(currency))
    v.add(
      `${field}.currency`,
      `"${value?.currency ?? ''}" is not an ISO 4217 currency code (e.g. RUB, USD, EUR)`,
    );
  return { amount, currency };
}

function checkCountry(value: string | undefined, field: string, v: Violations): string {
  const code = (value ?? '').trim().toUpperCase();
  if (!isCountryCode(code))
    v.add(field, `"${value ?? ''}" is not an ISO 3166-1 alpha-2 country code (e.g. RU, DE)`);
  return code;
}

export interface CheckedCustomer {
  name: string;
  country: string;
  domain?: string;
  taxId?: { scheme: 'RU_INN' | 'OTHER'; value: string };
}

/**
 * An end customer's name, country, domain and tax id, normalized with @prm/normalization: one
 * violation per bad field (`field` names it where the caller keeps it), and `missing` when neither
 * a domain nor a tax id is given (a customer matched on its name alone is a guess).
 */
export function checkCustomer(
  input: { name?: string; domain?: string; taxId?: string; country?: string } | undefined,
  v: Violations,
  field: (name: 'name' | 'country' | 'domain' | 'taxId') => string,
  missing: { field: string; reason: string },
): CheckedCustomer {
  const name = typeof input?.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || name.length > 300) v.add(field('name'), 'is required (1 to 300 characters)');
  const country = checkCountry(input?.country, field('country'), v);
  let domain: string | undefined;
  if (input?.domain?.trim()) {
    const n = normalizeDomain(input.domain);
    if (n.ok) domain = n.value;
    else v.add(field('domain'), n.reason);
  }
  let taxId: CheckedCustomer['taxId'];
  if (input?.taxId?.trim() && /^[A-Z]{2}$/.test(country)) {
    const n = normalizeTaxId(country, input.taxId);
    if (n.ok) taxId = n.value as CheckedCustomer['taxId'];
    else v.add(field('taxId'), n.reason);
  }
  if (!input?.domain?.trim() && !input?.taxId?.trim()) v.add(missing.field, missing.reason);
  return { name, country, ...(domain && { domain }), ...(taxId && { taxId }) };
}

function mayPartnerAct(by: ActorRef, partnerId: string | null): boolean {
  return by.role === 'partner_user' && partnerId !== null && by.partnerId === partnerId;
}

/** The vendor's decisions on a registration: a vendor admin, or the partner's own PAM. */
function requireApprover(by: ActorRef, pamId: string | null, what: string): void {
  if (by.role === 'vendor_admin' || by.role === 'service') return;
  if (by.role === 'pam' && pamId !== null && by.id === pamId) return;
  if (by.role === 'pam')
    throw DomainError.permissionDenied(
      `only the partner’s own PAM (${pamId ?? 'none assigned'}) or a vendor admin may ${what}`,
    );
  throw DomainError.permissionDenied(`only a vendor admin or the partner’s PAM may ${what}`);
}

function requireSeller(by: ActorRef, deal: RegisteredDeal, what: string): void {
  const vendor = by.role === 'vendor_admin' || by.role === 'pam' || by.role === 'service';
  const direct = by.role === 'direct_sales' && deal.channel === 'direct';
  if (vendor || direct || mayPartnerAct(by, deal.partnerId)) return;
  throw DomainError.permissionDenied(`${by.role} ${by.id} may not ${what} deal ${deal.dealId}`);
}

function requireFinance(by: ActorRef, what: string): void {
  if (by.role !== 'vendor_admin' && by.role !== 'service')
    throw DomainError.permissionDenied(`only a vendor admin (finance) may ${what}`);
}

function requireOpen(deal: RegisteredDeal, what: string): void {
  if (deal.status !== 'open')
    throw DomainError.precondition(`deal ${deal.dealId} is ${deal.status}; cannot ${what}`, {
      dealId: deal.dealId,
      status: deal.status,
    });
}

function partnerRefusal(partnerId: string, partner: PartnerFacts | null): DomainError | null {
  if (!partner)
    return DomainError.precondition(
      `partner ${partnerId} is not known to the deals service (not registered, or its registration has not arrived yet)`,
      { partnerId },
    );
  if (partner.stage === 'churned')
    return DomainError.precondition(`partner ${partnerId} has churned and may not register deals`, {
      partnerId,
    });
  if (!REGISTERING_STAGES.includes(partner.stage ?? ''))
    return DomainError.precondition(
      `partner ${partnerId} is at journey stage "${partner.stage ?? 'unknown'}"; deals can be registered from "enabled" on`,
      { partnerId, stage: partner.stage },
    );
  return null;
}

// ── registration ─────────────────────────────────────────────────────────────────────────
function register(command: RegisterDeal, state: DealState): Events {
  const d = command.data;
  if (isRegistered(state))
    throw DomainError.alreadyExists(`deal ${state.dealId} is already registered`, { dealId: state.dealId });
  const v = new Violations();
  v.check(isUuid(d.dealId), 'dealId', 'must be a UUID');
  const partnerChannel = d.channel === 'partner';
  if (d.channel !== 'partner' && d.channel !== 'direct') v.add('channel', 'must be partner or direct');
  if (partnerChannel && !isUuid(d.partnerId))
    v.add('partnerId', 'must be the UUID of the registering partner');
  if (!partnerChannel && d.partnerId) v.add('partnerId', 'must be empty for a direct deal');

  const { name, country, domain, taxId } = checkCustomer(d.customer, v, (f) => `customer.${f}`, {
    field: 'customer',
    reason: 'give the customer’s web domain or tax id (at least one) so channel conflicts can be checked',
  });
  const estimatedValue = checkMoney(d.estimatedValue, 'estimatedValue', v);
  if (typeof d.at !== 'string' || Number.isNaN(Date.parse(d.at)) || !isIsoDate(d.at.slice(0, 10)))
    throw DomainError.invalid([{ field: 'at', reason: 'must be an ISO date-time (the service clock)' }]);
  const today = dayOf(d.at);
  if (!isIsoDate(d.expectedCloseDate)) v.add('expectedCloseDate', 'must be a date YYYY-MM-DD');
  else if (d.expectedCloseDate < today) v.add('expectedCloseDate', `is in the past (today is ${today})`);
  if (!Array.isArray(d.products) || d.products.length === 0)
    v.add('products', 'name at least one product code');
  else
    d.products.forEach((p, i) => {
      if (typeof p !== 'string' || !SLUG.test(p))
        v.add(`products[${i}]`, 'must be a lower-case product code');
    });
  if (partnerChannel && d.attribution !== 'sourced' && d.attribution !== 'influenced')
    v.add(
      'attribution',
      'must be sourced (the partner found the deal) or influenced (it helped a deal the vendor found)',
    );
  if (!partnerChannel && d.attribution) v.add('attribution', 'is only for partner registrations');
  if (d.description !== undefined && d.description.length > 4000)
    v.add('description', 'must be at most 4000 characters');
  v.throwIfAny();

  const by = d.registeredBy;
  if (partnerChannel) {
    const refusal = partnerRefusal(d.partnerId!, d.partner);
    if (refusal) throw refusal;
  }
  const keys = matchKeys({ name, country, domain, taxId: taxId?.value });
  const others = d.existing
    .filter((e) => !(partnerChannel && e.partnerId === d.partnerId))
    .map((e) => ({ ...e, ...evidenceOf(keys, e) }))
    .filter((e) => e.evidence !== undefined);
  // Only a registration of the same customer takes protection away; a possible one is for the vendor to decide.
  const holdsProtection =
    partnerChannel &&
    !others.some((e) => e.evidence === 'same_customer' && (e.holdsProtection || e.channel === 'direct'));
  const registered: DataOf<'DealRegistered'> = {
    dealId: d.dealId,
    partnerId: partnerChannel ? d.partnerId : null,
    channel: d.channel,
    customer: { name, ...(domain && { domain }), ...(taxId && { taxId }), country },
    customerKeys: keys,
    ...(d.customerClass && {
      customerId: d.customerClass.customerId,
      customerClass: d.customerClass.customerClass,
    }),
    estimatedValue,
    expectedCloseDate: d.expectedCloseDate,
    products: [...d.products],
    attribution: partnerChannel ? (d.attribution as 'sourced' | 'influenced') : null,
    registeredBy: by,
    registeredAt: d.at,
    pamId: d.partner?.pamId ?? null,
    ...(d.partner && { program: d.partner.program }),
    holdsProtection,
    protectedUntil: holdsProtection ? addDays(today, d.protectionDays) : null,
    ...(d.description?.trim() && { description: d.description.trim() }),
  };
  const events: Events = [{ type: 'DealRegistered', data: registered }];
  if (others.length > 0) {
    events.push({
      type: 'DealConflictDetected',
      data: {
        dealId: d.dealId,
        partnerId: registered.partnerId,
        conflicts: others.map((e) => ({
          kind: e.channel === 'direct' ? 'direct_deal' : 'partner_registration',
          conflictingDealId: e.dealId,
          conflictingPartnerId: e.partnerId,
          matchedOn: [...e.matchedOn],
          conflictingRegisteredAt: e.registeredAt,
          firstDealId: e.dealId,
          evidence: e.evidence!,
        })),
      },
    });
  }
  return events;
}

const MATCHED_ON: Record<MatchKey, MatchedOn> = { taxId: 'tax_id', domain: 'domain', nameCountry: 'name' };

/**
 * How sure it is that an existing registration names this customer, by the platform's one matching
 * rule (@prm/normalization `compareCustomers`, the rule the mapping service matches accounts by):
 * a shared tax id or domain is the same customer; a name + country alone is a possible one; a name
 * shared by two different tax ids is no conflict at all (`evidence` undefined). Without the other's
 * keys (a registration in flight), the index's matchedOn decides the same way.
 */
export function evidenceOf(
  keys: MatchKeys,
  existing: Pick<ExistingRegistration, 'matchedOn' | 'customerKeys'>,
): { evidence?: ConflictEvidence; matchedOn: readonly MatchedOn[] } {
  if (existing.customerKeys) {
    const { sameness, matchedOn } = compareCustomers(keys, existing.customerKeys);
    if (sameness === 'none') return { matchedOn: [] };
    return {
      evidence: sameness === 'same' ? 'same_customer' : 'possible_same_customer',
      matchedOn: matchedOn.map((key) => MATCHED_ON[key]),
    };
  }
  const strong = existing.matchedOn.some((m) => m !== 'name');
  return { evidence: strong ? 'same_customer' : 'possible_same_customer', matchedOn: existing.matchedOn };
}

export type ConflictEvidence = 'same_customer' | 'possible_same_customer';

/** The conflict recorded on an earlier deal when a later registration of its customer arrives. */
export function conflictOnEarlierDeal(
  earlier: { dealId: string; partnerId: string | null },
  later: DataOf<'DealRegistered'>,
  matchedOn: readonly ('domain' | 'tax_id' | 'name')[],
  evidence?: ConflictEvidence,
): DealEvent {
  return {
    type: 'DealConflictDetected',
    data: {
      dealId: earlier.dealId,
      partnerId: earlier.partnerId,
      conflicts: [
        {
          kind: later.channel === 'direct' ? 'direct_deal' : 'partner_registration',
          conflictingDealId: later.dealId,
          conflictingPartnerId: later.partnerId,
          matchedOn: [...matchedOn],
          ...(later.registeredAt && { conflictingRegisteredAt: later.registeredAt }),
          firstDealId: earlier.dealId,
          ...(evidence && { evidence }),
        },
      ],
    },
  };
}

// ── approval ─────────────────────────────────────────────────────────────────────────────
function requirePartnerRegistration(deal: RegisteredDeal, what: string): void {
  if (deal.channel !== 'partner')
    throw DomainError.precondition(
      `deal ${deal.dealId} is a direct deal; only partner registrations ${what}`,
    );
}

function approve(command: ApproveRegistration, deal: RegisteredDeal): Events {
  const d = command.data;
  requirePartnerRegistration(deal, 'are approved');
  requireApprover(d.by, d.partnerPamId, 'approve a registration');
  requireOpen(deal, 'approve it');
  if (deal.approved) throw DomainError.precondition(`deal ${deal.dealId} is already approved`);
  if (d.note !== undefined && d.note.length > 2000)
    throw DomainError.invalid([{ field: 'note', reason: 'must be at most 2000 characters' }]);
  const customerClass = d.customerClass?.customerClass ?? deal.customerClass ?? undefined;
  if (customerClass === 'A' && !deal.coSeller)
    throw DomainError.precondition(
      `the customer is class A: the vendor co-sells every deal, so assign a vendor co-seller before approving deal ${deal.dealId}`,
      { dealId: deal.dealId, customerClass },
    );
  // Exactly one registration protects a customer: approving one that holds none, while another
  // holds it, either is refused or explicitly takes protection over (the holder is revoked first).
  const holder =
    deal.protectedUntil === null && d.protectionHolder && d.protectionHolder.dealId !== deal.dealId
      ? d.protectionHolder
      : null;
  if (holder && !d.transferProtection)
    throw DomainError.precondition(
      `deal ${deal.dealId} is in conflict: registration ${holder.dealId} of partner ${holder.partnerId} protects this customer until ${holder.protectedUntil}; reject this registration, or approve it with a transfer of protection and a reason`,
      { dealId: deal.dealId, protectedBy: holder.dealId, protectedUntil: holder.protectedUntil },
    );
  if (holder && !isText(d.transferProtection?.reason, 2000))
    throw DomainError.invalid([
      {
        field: 'transferProtection.reason',
        reason: 'is required: both partners are told why protection moves (at most 2000 characters)',
      },
    ]);
  const suggested =
    customerClass === 'B' && !deal.coSeller
      ? (d.customerClass?.accountOwner ?? d.partnerPamId ?? undefined)
      : undefined;
  return [
    {
      type: 'DealRegistrationApproved',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        // Approval never shortens protection an extension already gave.
        protectedUntil: maxDate(deal.protectedUntil ?? '', addDays(dayOf(d.at), d.protectionDays)),
        ...(customerClass && { customerClass }),
        coSellRequired: customerClass === 'A',
        ...(deal.coSeller && { coSeller: deal.coSeller }),
        ...(suggested && { suggestedCoSeller: suggested }),
        approvedBy: d.by.id,
        ...(d.note?.trim() && { note: d.note.trim() }),
        ...(holder && { protectionTransferredFrom: holder.dealId }),
      },
    },
  ];
}

/** The first half of a transfer: the registration that holds protection loses it (it stays open). */
function revokeProtection(command: RevokeProtection, deal: RegisteredDeal): Events {
  const d = command.data;
  requirePartnerRegistration(deal, 'hold protection');
  requireApprover(d.by, d.partnerPamId, 'transfer protection');
  if (!isText(d.reason, 2000))
    throw DomainError.invalid([
      { field: 'reason', reason: 'is required: the partner is told why it loses protection' },
    ]);
  requireOpen(deal, 'revoke its protection');
  if (deal.protectedUntil === null) return [];
  return [
    {
      type: 'DealProtectionRevoked',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        protectedUntil: deal.protectedUntil,
        reason: d.reason.trim(),
        revokedBy: d.by.id,
        transferredToDealId: d.transferredTo.dealId,
        transferredToPartnerId: d.transferredTo.partnerId,
      },
    },
  ];
}

function reject(command: RejectRegistration, deal: RegisteredDeal): Events {
  const d = command.data;
  requirePartnerRegistration(deal, 'are rejected');
  requireApprover(d.by, d.partnerPamId, 'reject a registration');
  const v = new Violations();
  if (!REJECT_CODES.includes(d.reasonCode as (typeof REJECT_CODES)[number]))
    v.add('reasonCode', `must be one of ${REJECT_CODES.join(', ')}`);
  if (!isText(d.reason, 2000)) v.add('reason', 'is required: tell the partner why (at most 2000 characters)');
  v.throwIfAny();
  requireOpen(deal, 'reject it');
  if (deal.approved)
    throw DomainError.precondition(`deal ${deal.dealId} is already approved; mark it lost instead`);
  return [
    {
      type: 'DealRegistrationRejected',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        reasonCode: d.reasonCode as (typeof REJECT_CODES)[number],
        reason: d.reason.trim(),
        rejectedBy: d.by.id,
      },
    },
  ];
}

function assignCoSeller(command: AssignCoSeller, deal: RegisteredDeal): Events {
  const d = command.data;
  requireApprover(d.by, d.partnerPamId, 'assign a co-seller');
  if (!isText(d.coSeller, 200))
    throw DomainError.invalid([{ field: 'coSeller', reason: 'is required (a vendor user)' }]);
  requireOpen(deal, 'assign a co-seller');
  if (deal.coSeller === d.coSeller.trim()) return [];
  return [
    {
      type: 'DealCoSellerAssigned',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId,
        coSeller: d.coSeller.trim(),
        previousCoSeller: deal.coSeller,
      },
    },
  ];
}

// ── stages ───────────────────────────────────────────────────────────────────────────────
function changeStage(command: ChangeStage, deal: RegisteredDeal): Events {
  const d = command.data;
  requireSeller(d.by, deal, 'move');
  const v = new Violations();
  const stage = d.stage as Stage;
  if (!STAGES.includes(stage))
    v.add('stage', `must be one of ${STAGES.join(', ')} (won and lost have their own commands)`);
  const value = d.estimatedValue ? checkMoney(d.estimatedValue, 'estimatedValue', v) : undefined;
  if (d.expectedCloseDate !== undefined && d.expectedCloseDate !== '') {
    if (!isIsoDate(d.expectedCloseDate)) v.add('expectedCloseDate', 'must be a date YYYY-MM-DD');
    else if (d.expectedCloseDate < dayOf(d.at))
      v.add('expectedCloseDate', `is in the past (today is ${dayOf(d.at)})`);
  }
  v.throwIfAny();
  requireOpen(deal, 'change its stage');
  if (stage === 'approved' && deal.channel === 'partner')
    throw DomainError.precondition(
      'a registration is approved with ApproveRegistration, by a vendor admin or the partner’s PAM',
    );
  if (deal.channel === 'partner' && !deal.approved)
    throw DomainError.precondition(
      `deal ${deal.dealId} is not approved yet; it cannot move to ${stage} before approval`,
      {
        from: deal.stage,
        to: stage,
      },
    );
  const allowed = allowedNextStages(deal, d.allowStageSkipping === true);
  if (!allowed.includes(stage))
    throw DomainError.precondition(
      `deal ${deal.dealId} is at ${deal.stage}; allowed next stages: ${[...allowed, 'won', 'lost'].join(', ')}` +
        (d.allowStageSkipping ? '' : ' (the program does not allow skipping stages)'),
      { from: deal.stage, to: stage, allowed: [...allowed, 'won', 'lost'] },
    );
  // Progress renews the protection of a registration that holds it.
  const renewed =
    deal.channel === 'partner' && deal.protectedUntil !== null
      ? maxDate(deal.protectedUntil, addDays(dayOf(d.at), d.protectionDays))
      : undefined;
  return [
    {
      type: 'DealStageChanged',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId,
        stage,
        previousStage: deal.stage,
        ...(value && { estimatedValue: value }),
        ...(d.expectedCloseDate && { expectedCloseDate: d.expectedCloseDate }),
        ...(renewed && { protectedUntil: renewed }),
      },
    },
  ];
}

const maxDate = (a: string, b: string) => (a > b ? a : b);

/**
 * The one stage rule: an open deal moves forward by one stage (any later open stage when its
 * program allows skipping), or to won or lost with their own commands. A partner registration
 * reaches "approved" only through ApproveRegistration.
 */
export function allowedNextStages(
  deal: { stage: Stage; channel: 'partner' | 'direct' },
  allowSkipping: boolean,
): Stage[] {
  const later = STAGES.slice(STAGES.indexOf(deal.stage) + 1).filter(
    (s) => !(s === 'approved' && deal.channel === 'partner'),
  );
  return allowSkipping ? later : later.slice(0, 1);
}

// ── protection ───────────────────────────────────────────────────────────────────────────
function requestExtension(command: RequestProtectionExtension, deal: RegisteredDeal): Events {
  const d = command.data;
  requirePartnerRegistration(deal, 'have protection');
  if (!(mayPartnerAct(d.by, deal.partnerId) || d.by.role === 'pam' || d.by.role === 'vendor_admin'))
    throw DomainError.permissionDenied(`${d.by.role} ${d.by.id} may not ask to extend deal ${deal.dealId}`);
  const v = new Violations();
  v.check(isUuid(d.requestId), 'requestId', 'must be a UUID');
  if (!Number.isInteger(d.days) || d.days < 1) v.add('days', 'must be a whole number of days, at least 1');
  else if (d.days > d.maxExtensionDays)
    v.add('days', `may be at most ${d.maxExtensionDays} (the program’s maximum extension)`);
  if (!isText(d.reason, 2000)) v.add('reason', 'is required (at most 2000 characters)');
  v.throwIfAny();
  requireOpen(deal, 'extend its protection');
  if (deal.protectedUntil === null)
    throw DomainError.precondition(
      `deal ${deal.dealId} holds no protection to extend (another registration holds it)`,
    );
  if (deal.extensions[d.requestId]) return [];
  if (Object.values(deal.extensions).some((e) => e.status === 'pending'))
    throw DomainError.precondition(
      `deal ${deal.dealId} already has an extension request waiting for a decision`,
    );
  return [
    {
      type: 'DealProtectionExtensionRequested',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        requestId: d.requestId,
        days: d.days,
        reason: d.reason.trim(),
        protectedUntil: deal.protectedUntil,
      },
    },
  ];
}

function decideExtension(command: DecideProtectionExtension, deal: RegisteredDeal): Events {
  const d = command.data;
  requireApprover(d.by, d.partnerPamId, 'decide on a protection extension');
  const v = new Violations();
  v.check(isUuid(d.requestId), 'requestId', 'must be the UUID of the extension request to decide');
  v.throwIfAny();
  const request = deal.extensions[d.requestId];
  if (!request) throw DomainError.notFound(`deal ${deal.dealId} has no extension request ${d.requestId}`);
  if (request.status !== 'pending') {
    if ((request.status === 'approved') === d.approve) return [];
    throw DomainError.precondition(`extension request ${d.requestId} was already ${request.status}`);
  }
  requireOpen(deal, 'decide on its protection');
  if (!d.approve) {
    if (!isText(d.reason, 2000))
      throw DomainError.invalid([{ field: 'reason', reason: 'is required when refusing' }]);
    return [
      {
        type: 'DealProtectionExtensionRejected',
        data: {
          dealId: deal.dealId,
          partnerId: deal.partnerId!,
          requestId: d.requestId,
          reason: d.reason!.trim(),
        },
      },
    ];
  }
  const previous = deal.protectedUntil ?? dayOf(d.at);
  return [
    {
      type: 'DealProtectionExtended',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        requestId: d.requestId,
        protectedUntil: addDays(previous, request.days),
        previousProtectedUntil: previous,
      },
    },
  ];
}

/**
 * The end of a protection window. A registration that holds protection loses it
 * (DealProtectionLapsed: the deal stays open, another partner may now register the customer with
 * protection). A registration that never held protection closes when the same window, counted
 * from its registration day, ends (DealRegistrationExpired with neverProtected).
 */
function expire(command: ExpireRegistration, deal: RegisteredDeal): Events {
  const { today, protectionDays } = command.data;
  if (!isIsoDate(today)) throw DomainError.invalid([{ field: 'today', reason: 'must be a date YYYY-MM-DD' }]);
  if (deal.status !== 'open' || deal.channel !== 'partner') return [];
  if (deal.protectedUntil !== null) {
    if (deal.protectedUntil >= today) return [];
    return [
      {
        type: 'DealProtectionLapsed',
        data: {
          dealId: deal.dealId,
          partnerId: deal.partnerId!,
          protectedUntil: deal.protectedUntil,
          lastStage: deal.stage,
        },
      },
    ];
  }
  if (deal.everProtected || deal.approved) return [];
  if (!Number.isInteger(protectionDays) || protectionDays < 1)
    throw DomainError.invalid([
      { field: 'protectionDays', reason: 'must be a whole number of days, at least 1' },
    ]);
  const windowEnd = addDays(deal.registeredOn, protectionDays);
  if (windowEnd >= today) return [];
  return [
    {
      type: 'DealRegistrationExpired',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        protectedUntil: windowEnd,
        lastStage: deal.stage,
        neverProtected: true,
      },
    },
  ];
}

// ── attribution ──────────────────────────────────────────────────────────────────────────
function recordInfluence(command: RecordInfluence, deal: RegisteredDeal): Events {
  const d = command.data;
  if (!['vendor_admin', 'pam', 'direct_sales', 'service'].includes(d.by.role))
    throw DomainError.permissionDenied(
      'influence on a deal is recorded by the vendor (admin, PAM, direct sales)',
    );
  const v = new Violations();
  v.check(isUuid(d.influenceId), 'influenceId', 'must be a UUID');
  v.check(isUuid(d.partnerId), 'partnerId', 'must be the UUID of the influencing partner');
  if (!INFLUENCE_ACTIVITIES.includes(d.activity as (typeof INFLUENCE_ACTIVITIES)[number]))
    v.add('activity', `must be one of ${INFLUENCE_ACTIVITIES.join(', ')}`);
  if (
    d.weightPercent !== undefined &&
    !(Number.isFinite(d.weightPercent) && d.weightPercent >= 0 && d.weightPercent <= 100)
  )
    v.add('weightPercent', 'must be between 0 and 100');
  if (d.description !== undefined && d.description.length > 2000)
    v.add('description', 'must be at most 2000 characters');
  v.throwIfAny();
  if (deal.status === 'lost' || deal.status === 'rejected' || deal.status === 'expired')
    throw DomainError.precondition(
      `deal ${deal.dealId} is ${deal.status}; influence is recorded on open or won deals`,
    );
  if (deal.influences[d.influenceId]) return [];
  if (d.partnerId === deal.partnerId)
    throw DomainError.precondition(
      'the registering partner’s credit is its own attribution; influence records are for other partners',
    );
  const refusal = partnerRefusal(d.partnerId, d.partner);
  if (refusal) throw refusal;
  const total =
    Object.values(deal.influences).reduce((s, i) => s + i.weightPercent, 0) + (d.weightPercent ?? 0);
  if (total > 100)
    throw DomainError.invalid([
      {
        field: 'weightPercent',
        reason: `influence weights on the deal would add up to ${total} %, over 100 %`,
      },
    ]);
  return [
    {
      type: 'DealInfluenceRecorded',
      data: {
        dealId: deal.dealId,
        partnerId: d.partnerId,
        influenceId: d.influenceId,
        activity: d.activity as (typeof INFLUENCE_ACTIVITIES)[number],
        ...(d.description?.trim() && { description: d.description.trim() }),
        ...(d.weightPercent !== undefined && { weightPercent: d.weightPercent }),
      },
    },
  ];
}

// ── closing ──────────────────────────────────────────────────────────────────────────────
function checkCloseDate(closedOn: string, deal: RegisteredDeal, at: string, v: Violations): void {
  if (!isIsoDate(closedOn)) v.add('closedOn', 'must be a date YYYY-MM-DD');
  else if (closedOn > dayOf(at)) v.add('closedOn', `is in the future (today is ${dayOf(at)})`);
  else if (closedOn < deal.registeredOn)
    v.add('closedOn', `is before the registration (${deal.registeredOn})`);
}

function requireCloser(by: ActorRef, deal: RegisteredDeal, partnerMayClose: boolean): void {
  const vendor = by.role === 'vendor_admin' || by.role === 'pam' || by.role === 'service';
  const direct = by.role === 'direct_sales' && deal.channel === 'direct';
  if (vendor || direct || (partnerMayClose && mayPartnerAct(by, deal.partnerId))) return;
  throw DomainError.permissionDenied(
    partnerMayClose
      ? `${by.role} ${by.id} may not close deal ${deal.dealId}`
      : 'a win is confirmed by the vendor (admin, PAM or direct sales): it accrues the partner’s commission',
  );
}

function win(command: WinDeal, deal: RegisteredDeal): Events {
  const d = command.data;
  requireCloser(d.by, deal, false);
  const v = new Violations();
  const wonValue = checkMoney(d.wonValue, 'wonValue', v);
  checkCloseDate(d.closedOn, deal, d.at, v);
  if (deal.channel === 'partner') v.check(isUuid(d.commissionId), 'commissionId', 'must be a UUID');
  v.throwIfAny();
  requireOpen(deal, 'win it');
  if (deal.channel === 'partner' && !deal.approved)
    throw DomainError.precondition(
      `deal ${deal.dealId} is not approved; approve the registration before it is won`,
    );
  if (wonValue.currency !== deal.estimatedValue.currency)
    throw DomainError.invalid([
      { field: 'wonValue.currency', reason: `must be the deal’s currency ${deal.estimatedValue.currency}` },
    ]);
  const customerClass = d.customerClass?.customerClass ?? deal.customerClass ?? undefined;
  if (deal.channel === 'partner' && customerClass === 'A' && !deal.coSeller)
    throw DomainError.precondition(
      `the customer is class A: the vendor co-sells every deal, so assign a vendor co-seller before deal ${deal.dealId} is won`,
      { dealId: deal.dealId, customerClass },
    );
  const tier =
    deal.channel === 'partner'
      ? tierInForce(
          d.tierHistory ?? [],
          d.entryTier,
          deal.registered.registeredAt ?? `${deal.registeredOn}T00:00:00.000Z`,
        )
      : null;
  if (deal.channel === 'partner' && !tier)
    throw DomainError.precondition(
      `the commission of deal ${deal.dealId} cannot be computed: partner ${deal.partnerId} had no tier at its registration and the deals service does not know the entry tier of its program "${deal.registered.program ?? 'default'}"; the win is not recorded`,
      { dealId: deal.dealId, partnerId: deal.partnerId, program: deal.registered.program ?? 'default' },
    );
  const influencers = [...new Set(Object.values(deal.influences).map((i) => i.partnerId))];
  const events: Events = [
    {
      type: 'DealWon',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId,
        wonValue,
        closedOn: d.closedOn,
        attribution: deal.attribution,
        cycleDays: daysBetween(deal.registeredOn, d.closedOn),
        ...(customerClass && { customerClass }),
        products: [...deal.registered.products],
        ...(influencers.length > 0 && { influencingPartnerIds: influencers }),
      },
    },
  ];
  if (deal.channel === 'partner' && tier) {
    const amount = percentOf(wonValue.amount, tier.discountPercent);
    let reporting: DataOf<'CommissionAccrued'>['reporting'];
    if (d.reporting && d.reporting.currency !== wonValue.currency) {
      if (!d.reporting.rate)
        throw DomainError.precondition(
          `no exchange rate ${wonValue.currency}→${d.reporting.currency} on or before ${d.closedOn}; record one (RecordExchangeRate) and win the deal again`,
          { from: wonValue.currency, to: d.reporting.currency, closedOn: d.closedOn },
        );
      reporting = {
        amount: { amount: convert(amount, d.reporting.rate.rate), currency: d.reporting.currency },
        rate: d.reporting.rate.rate,
        rateDate: d.reporting.rate.effectiveOn,
      };
    }
    events.push({
      type: 'CommissionAccrued',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        commissionId: d.commissionId,
        tier: tier.tier,
        ratePercent: tier.discountPercent,
        baseAmount: wonValue,
        amount: { amount, currency: wonValue.currency },
        attribution: deal.attribution ?? 'sourced',
        tierOn: deal.registeredOn,
        accruedOn: d.closedOn,
        ...(reporting && { reporting }),
        ...(deal.registered.registeredAt && { tierAt: deal.registered.registeredAt }),
        ...(tier.entry && { entryTier: true }),
        protectedAtWin: deal.protectedUntil !== null,
      },
    });
  }
  return events;
}

/**
 * The tier that pays a deal: the one in force at the instant of its registration. A tier row is
 * in force from the start of its effectiveFrom day, but never before the instant it was made, so
 * a change made after the registration (even dated the same day, or backdated) pays later deals
 * only, and a future-dated one only from its day. Of the rows in force, the last one made wins:
 * the partners service keeps tier changes in effective-date order, and the starting tier the view
 * records at a partner's registration is superseded by any change made after it, even one dated
 * before the registration. With no row in force, the program's entry tier: every registered
 * partner has a tier. Null only when even that is unknown.
 */
export function tierInForce(
  history: readonly TierChange[],
  entryTier: ProgramTierFacts | null,
  at: string,
): (ProgramTierFacts & { entry: boolean }) | null {
  const day = dayOf(at);
  const instant = Date.parse(at);
  let best: TierChange | null = null;
  for (const change of history) {
    const made = Date.parse(change.changedAt);
    if (change.effectiveFrom > day || made > instant) continue;
    if (!best || made >= Date.parse(best.changedAt)) best = change;
  }
  if (best) return { tier: best.tier, discountPercent: best.discountPercent, entry: false };
  return entryTier ? { ...entryTier, entry: true } : null;
}

function lose(command: LoseDeal, deal: RegisteredDeal): Events {
  const d = command.data;
  requireCloser(d.by, deal, true);
  const v = new Violations();
  if (!LOST_REASONS.includes(d.lostReason as (typeof LOST_REASONS)[number]))
    v.add('lostReason', `must be one of ${LOST_REASONS.join(', ')}`);
  checkCloseDate(d.closedOn, deal, d.at, v);
  if (d.note !== undefined && d.note.length > 2000) v.add('note', 'must be at most 2000 characters');
  if (d.competitor !== undefined && d.competitor.length > 200)
    v.add('competitor', 'must be at most 200 characters');
  v.throwIfAny();
  requireOpen(deal, 'mark it lost');
  return [
    {
      type: 'DealLost',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId,
        lostReason: d.lostReason as (typeof LOST_REASONS)[number],
        ...(d.note?.trim() && { note: d.note.trim() }),
        ...(d.competitor?.trim() && { competitor: d.competitor.trim() }),
        closedOn: d.closedOn,
        cycleDays: daysBetween(deal.registeredOn, d.closedOn),
        stage: deal.stage,
      },
    },
  ];
}

// ── commission ledger ────────────────────────────────────────────────────────────────────
function entryOf(deal: RegisteredDeal, commissionId: string) {
  const entry = deal.ledger[commissionId];
  if (!entry)
    throw DomainError.notFound(`deal ${deal.dealId} has no commission entry ${commissionId}`, {
      commissionId,
    });
  return entry;
}

function approveCommission(command: ApproveCommission, deal: RegisteredDeal): Events {
  requireFinance(command.data.by, 'approve commissions');
  const entry = entryOf(deal, command.data.commissionId);
  if (entry.status !== 'accrued') return [];
  return [
    {
      type: 'CommissionApproved',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        commissionId: entry.commissionId,
        approvedBy: command.data.by.id,
      },
    },
  ];
}

function payCommission(command: PayCommission, deal: RegisteredDeal): Events {
  const d = command.data;
  requireFinance(d.by, 'pay commissions');
  const v = new Violations();
  if (!isIsoDate(d.paidOn)) v.add('paidOn', 'must be a date YYYY-MM-DD');
  else if (d.paidOn > dayOf(d.at)) v.add('paidOn', `is in the future (today is ${dayOf(d.at)})`);
  if (!isText(d.paymentReference, 200))
    v.add('paymentReference', 'is required (invoice or transfer reference)');
  v.throwIfAny();
  const entry = entryOf(deal, d.commissionId);
  if (entry.status === 'paid') {
    // A retry of the same payment changes nothing; another payment of a paid entry is refused.
    if (entry.paymentReference === d.paymentReference.trim() && entry.paidOn === d.paidOn) return [];
    throw DomainError.precondition(
      `paymentReference: commission ${entry.commissionId} was already paid on ${entry.paidOn} with payment reference ` +
        `"${entry.paymentReference}"; a different payment of it is refused (correct the ledger instead)`,
      { field: 'paymentReference', paidOn: entry.paidOn, paymentReference: entry.paymentReference },
    );
  }
  if (entry.status !== 'approved')
    throw DomainError.precondition(
      `commission ${entry.commissionId} is ${entry.status}; approve it before paying`,
    );
  if (entry.direction === 'debit')
    throw DomainError.precondition(
      `commission ${entry.commissionId} is a debit; it is settled against the next payout, not paid`,
    );
  return [
    {
      type: 'CommissionPaid',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        commissionId: entry.commissionId,
        paidOn: d.paidOn,
        paymentReference: d.paymentReference.trim(),
      },
    },
  ];
}

function correctCommission(command: CorrectCommission, deal: RegisteredDeal): Events {
  const d = command.data;
  requireFinance(d.by, 'correct commissions');
  const v = new Violations();
  v.check(isUuid(d.commissionId), 'commissionId', 'must be a UUID (the new entry)');
  if (d.direction !== 'credit' && d.direction !== 'debit') v.add('direction', 'must be credit or debit');
  if (!isDecimal(d.amount) || toMicros(d.amount) === 0n)
    v.add('amount', 'must be a positive decimal such as "1500.00"');
  else {
    const bounds = amountBoundsProblem(d.amount, deal.estimatedValue.currency);
    if (bounds) v.add('amount', bounds);
  }
  if (!isText(d.reason, 2000)) v.add('reason', 'is required (at most 2000 characters)');
  v.throwIfAny();
  const same = deal.ledger[d.commissionId];
  if (same) {
    if (same.kind === 'correction' && same.corrects === d.correctsCommissionId) return [];
    throw DomainError.alreadyExists(
      `ledger entry ${d.commissionId} already exists; a correction needs a new id`,
      {
        commissionId: d.commissionId,
      },
    );
  }
  const corrected = entryOf(deal, d.correctsCommissionId);
  if (corrected.kind !== 'accrual')
    throw DomainError.precondition('corrections apply to an accrual entry, not to another correction');
  if (d.direction === 'debit') {
    const net = Object.values(deal.ledger)
      .filter((e) => e.commissionId === corrected.commissionId || e.corrects === corrected.commissionId)
      .reduce((sum, e) => sum + (e.direction === 'credit' ? e.micros : -e.micros), 0n);
    if (toMicros(d.amount) > net)
      throw DomainError.invalid([
        {
          field: 'amount',
          reason: `a debit of ${d.amount} exceeds what is due on the entry (${fromMicros(net)})`,
        },
      ]);
  }
  return [
    {
      type: 'CommissionCorrected',
      data: {
        dealId: deal.dealId,
        partnerId: deal.partnerId!,
        commissionId: d.commissionId,
        correctsCommissionId: corrected.commissionId,
        direction: d.direction as 'credit' | 'debit',
        amount: { amount: d.amount, currency: corrected.currency },
        reason: d.reason.trim(),
      },
    },
  ];
}

// ── the decider ──────────────────────────────────────────────────────────────────────────
function decide(command: DealCommand, state: DealState): readonly DealEvent[] {
  if (command.type === 'RegisterDeal') return register(command, state);
  if (!isRegistered(state)) throw DomainError.notFound('deal does not exist');
  switch (command.type) {
    case 'ApproveRegistration':
      return approve(command, state);
    case 'RejectRegistration':
      return reject(command, state);
    case 'AssignCoSeller':
      return assignCoSeller(command, state);
    case 'ChangeStage':
      return changeStage(command, state);
    case 'RequestProtectionExtension':
      return requestExtension(command, state);
    case 'DecideProtectionExtension':
      return decideExtension(command, state);
    case 'ExpireRegistration':
      return expire(command, state);
    case 'RevokeProtection':
      return revokeProtection(command, state);
    case 'RecordInfluence':
      return recordInfluence(command, state);
    case 'WinDeal':
      return win(command, state);
    case 'LoseDeal':
      return lose(command, state);
    case 'ApproveCommission':
      return approveCommission(command, state);
    case 'PayCommission':
      return payCommission(command, state);
    case 'CorrectCommission':
      return correctCommission(command, state);
  }
}

export const dealDecider = {
  decide,
  evolve: evolveDeal,
  initialState: initialDealState,
};
