import type { MatchKeys } from '@prm/normalization';
import type { CustomerClass, DealAttribution } from '@prm/contracts';

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
    readonly note?: string;
    readonly at: string;
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
  /** today: YYYY-MM-DD, the scheduler's clock. */
  readonly data: { readonly today: string };
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

/** The partner's tier on the registration date, from its tier history (the shell looks it up). */
export interface TierOnDate {
  readonly tier: 'registered' | 'silver' | 'gold' | 'platinum';
  readonly discountPercent: number;
  readonly effectiveFrom: string;
}

export interface WinDeal {
  readonly type: 'WinDeal';
  readonly data: {
    readonly by: ActorRef;
    readonly wonValue: { readonly amount: string; readonly currency: string };
    readonly closedOn: string;
    readonly commissionId: string;
    readonly tier: TierOnDate | null;
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
  | RecordInfluence
  | WinDeal
  | LoseDeal
  | ApproveCommission
  | PayCommission
  | CorrectCommission;
