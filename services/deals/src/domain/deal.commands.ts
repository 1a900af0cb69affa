import type { MatchKeys } from '@prm/normalization';
import type { CustomerClass, DealAttribution, PartnerTier } from '@prm/contracts';

export type Stage = 'registered' | 'approved' | 'qualified' | 'proposal' | 'negotiation';
/** Open stages in order; a deal only moves forward through them, then to won or lost. */
export const STAGES: readonly Stage[] = ['registered', 'approved', 'qualified', 'proposal', 'negotiation'];

export type Role = 'vendor_admin' | 'pam' | 'partner_user' | 'direct_sales' | 'service';

/** Who sends a command, as the shell authenticated it. */
export interface ActorRef {
  readonly id: string;
  readonly role: Role;
  /** For a partner user: its partner. */
  readonly partnerId?: string;
}

/** What the deals service knows of a partner, from its local view of prm.partners.events.v1. */
export interface PartnerFacts {
  readonly partnerId: string;
  /** Journey stage; null when the view has the partner but no stage yet. */
  readonly stage: string | null;
  readonly pamId: string | null;
  readonly program: string;
}

export type MatchedOn = 'domain' | 'tax_id' | 'name';

/** An active registration (or open direct deal) of the same customer found by the shell's index. */
export interface ExistingRegistration {
  readonly dealId: string;
  readonly partnerId: string | null;
  readonly channel: 'partner' | 'direct';
  readonly registeredAt: string;
  readonly matchedOn: readonly MatchedOn[];
  readonly holdsProtection: boolean;
  /**
   * The other deal's customer keys (from its DealRegistered), when its stream is read: the decider
   * compares them with this customer's by the shared rule (`compareCustomers`). Without them (a
   * registration still in flight) `matchedOn` from the index is the evidence.
   */
  readonly customerKeys?: MatchKeys;
}

/** The customer's ABC class, when it is classified. */
export interface CustomerClassFacts {
  readonly customerId: string;
  readonly customerClass: CustomerClass;
  readonly accountOwner: string | null;
}

export interface RegisterDeal {
  readonly type: 'RegisterDeal';
  readonly data: {
    readonly dealId: string;
    readonly channel: 'partner' | 'direct';
    /** The partner asked for (partner channel). */
    readonly partnerId: string | null;
    /** The partner as the local view knows it; null when unknown. */
    readonly partner: PartnerFacts | null;
    readonly customer: {
      readonly name: string;
      readonly domain?: string;
      readonly taxId?: string;
      readonly country: string;
    };
    readonly estimatedValue: { readonly amount: string; readonly currency: string };
    readonly expectedCloseDate: string;
    readonly products: readonly string[];
    readonly attribution?: DealAttribution | '';
    readonly description?: string;
    readonly registeredBy: string;
    readonly existing: readonly ExistingRegistration[];
    readonly customerClass: CustomerClassFacts | null;
    readonly protectionDays: number;
    /** ISO date-time of the registration (the shell's clock). */
    readonly at: string;
  };
}

export interface ApproveRegistration {
  readonly type: 'ApproveRegistration';
  readonly data: {
    readonly by: ActorRef;
    /** The partner's PAM now (from the local view); only it or a vendor admin may approve. */
    readonly partnerPamId: string | null;
    readonly customerClass: CustomerClassFacts | null;
    readonly protectionDays: number;
    /**
     * The registration of the same customer (another partner's) that holds protection now, from
     * the conflict registry checked against its stream; null when none does.
     */
    readonly protectionHolder: ProtectionHolder | null;
    /** Set to move protection from the holder to this registration (the holder is revoked first). */
    readonly transferProtection?: { readonly reason: string };
    readonly note?: string;
    readonly at: string;
  };
}

/** The registration that protects a customer. */
export interface ProtectionHolder {
  readonly dealId: string;
  readonly partnerId: string;
  readonly protectedUntil: string;
}

/**
 * Sent to the registration that holds protection when the vendor approves another one of the
 * same customer with a transfer: it loses protection (it stays open) before the other gains it.
 */
export interface RevokeProtection {
  readonly type: 'RevokeProtection';
  readonly data: {
    readonly by: ActorRef;
    readonly partnerPamId: string | null;
    readonly reason: string;
    readonly transferredTo: { readonly dealId: string; readonly partnerId: string };
  };
}

export interface RejectRegistration {
  readonly type: 'RejectRegistration';
  readonly data: {
    readonly by: ActorRef;
    readonly partnerPamId: string | null;
    readonly reasonCode: string;
    readonly reason: string;
    readonly at: string;
  };
}

export interface AssignCoSeller {
  readonly type: 'AssignCoSeller';
  readonly data: { readonly by: ActorRef; readonly partnerPamId: string | null; readonly coSeller: string };
}

export interface ChangeStage {
  readonly type: 'ChangeStage';
  readonly data: {
    readonly by: ActorRef;
    readonly stage: string;
    readonly estimatedValue?: { readonly amount: string; readonly currency: string };
    readonly expectedCloseDate?: string;
    readonly protectionDays: number;
    /** The program's DealPolicyDefined.allowStageSkipping: open stages may be skipped forward. */
    readonly allowStageSkipping?: boolean;
    readonly at: string;
  };
}

export interface RequestProtectionExtension {
  readonly type: 'RequestProtectionExtension';
  readonly data: {
    readonly by: ActorRef;
    readonly requestId: string;
    readonly days: number;
    readonly reason: string;
    readonly maxExtensionDays: number;
    readonly at: string;
  };
}

export interface DecideProtectionExtension {
  readonly type: 'DecideProtectionExtension';
  readonly data: {
    readonly by: ActorRef;
    readonly partnerPamId: string | null;
    readonly requestId: string;
    readonly approve: boolean;
    readonly reason?: string;
    readonly at: string;
  };
}

export interface ExpireRegistration {
  readonly type: 'ExpireRegistration';
  /**
   * today: YYYY-MM-DD, the scheduler's clock; protectionDays: the program's window, which also
   * closes a registration that never held protection (registration day + protectionDays).
   */
  readonly data: { readonly today: string; readonly protectionDays: number };
}

export interface RecordInfluence {
  readonly type: 'RecordInfluence';
  readonly data: {
    readonly by: ActorRef;
    readonly influenceId: string;
    readonly partner: PartnerFacts | null;
    readonly partnerId: string;
    readonly activity: string;
    readonly description?: string;
    readonly weightPercent?: number;
  };
}

/** One PartnerTierChanged of the partner, as the local partner view recorded it. */
export interface TierChange {
  readonly tier: PartnerTier;
  readonly discountPercent: number;
  /** First day the tier applies (YYYY-MM-DD). */
  readonly effectiveFrom: string;
  /** When the change was made (ISO date-time): it is not in force before that instant. */
  readonly changedAt: string;
}

/** A tier of the partner's program (the entry tier is the program's first, lowest). */
export interface ProgramTierFacts {
  readonly tier: PartnerTier;
  readonly discountPercent: number;
}

export interface WinDeal {
  readonly type: 'WinDeal';
  readonly data: {
    readonly by: ActorRef;
    readonly wonValue: { readonly amount: string; readonly currency: string };
    readonly closedOn: string;
    readonly commissionId: string;
    /** The partner's tier history (every PartnerTierChanged the view has), any order. */
    readonly tierHistory: readonly TierChange[];
    /** The entry tier of the partner's program; null when the view does not know the program. */
    readonly entryTier: ProgramTierFacts | null;
    /** Set when a reporting currency is configured and differs from the deal's. */
    readonly reporting: {
      readonly currency: string;
      readonly rate: { readonly rate: string; readonly effectiveOn: string } | null;
    } | null;
    readonly customerClass: CustomerClassFacts | null;
    readonly at: string;
  };
}

export interface LoseDeal {
  readonly type: 'LoseDeal';
  readonly data: {
    readonly by: ActorRef;
    readonly lostReason: string;
    readonly note?: string;
    readonly competitor?: string;
    readonly closedOn: string;
    readonly at: string;
  };
}

export interface ApproveCommission {
  readonly type: 'ApproveCommission';
  readonly data: { readonly by: ActorRef; readonly commissionId: string };
}

export interface PayCommission {
  readonly type: 'PayCommission';
  readonly data: {
    readonly by: ActorRef;
    readonly commissionId: string;
    readonly paidOn: string;
    readonly paymentReference: string;
    readonly at: string;
  };
}

export interface CorrectCommission {
  readonly type: 'CorrectCommission';
  readonly data: {
    readonly by: ActorRef;
    readonly commissionId: string;
    readonly correctsCommissionId: string;
    readonly direction: string;
    readonly amount: string;
    readonly reason: string;
  };
}

export type DealCommand =
  | RegisterDeal
  | ApproveRegistration
  | RejectRegistration
  | AssignCoSeller
  | ChangeStage
  | RequestProtectionExtension
  | DecideProtectionExtension
  | ExpireRegistration
  | RevokeProtection
  | RecordInfluence
  | WinDeal
  | LoseDeal
  | ApproveCommission
  | PayCommission
  | CorrectCommission;
