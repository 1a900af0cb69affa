import { toMicros } from '@prm/domain';
import type { CustomerClass, DataOf, DealAttribution } from '@prm/contracts';
import type { DealEvent } from './deal.events';
import type { Stage } from './deal.commands';

export type DealStatus = 'open' | 'won' | 'lost' | 'rejected' | 'expired';

export interface LedgerEntry {
  readonly commissionId: string;
  readonly kind: 'accrual' | 'correction';
  readonly direction: 'credit' | 'debit';
  /** Micro-units of `currency`. */
  readonly micros: bigint;
  readonly currency: string;
  readonly status: 'accrued' | 'approved' | 'paid';
  readonly corrects?: string;
  /** Once paid: the payment, so a replay with another payment is told apart from a retry. */
  readonly paidOn?: string;
  readonly paymentReference?: string;
}

export interface ExtensionRequest {
  readonly requestId: string;
  readonly days: number;
  readonly status: 'pending' | 'approved' | 'rejected';
}

export interface RegisteredDeal {
  readonly status: DealStatus;
  readonly dealId: string;
  readonly partnerId: string | null;
  readonly channel: 'partner' | 'direct';
  readonly stage: Stage;
  readonly registered: DataOf<'DealRegistered'>;
  /** YYYY-MM-DD of the registration. */
  readonly registeredOn: string;
  readonly attribution: DealAttribution | null;
  readonly estimatedValue: { amount: string; currency: string };
  readonly expectedCloseDate: string;
  readonly approved: boolean;
  readonly protectedUntil: string | null;
  /** Whether the registration held protection at some point (a later one in conflict never did). */
  readonly everProtected: boolean;
  readonly coSeller: string | null;
  readonly customerClass: CustomerClass | null;
  readonly conflicts: number;
  readonly extensions: Readonly<Record<string, ExtensionRequest>>;
  readonly influences: Readonly<Record<string, { partnerId: string; weightPercent: number }>>;
  readonly ledger: Readonly<Record<string, LedgerEntry>>;
}

export type DealState = { readonly status: 'none' } | RegisteredDeal;

export const initialDealState = (): DealState => ({ status: 'none' });

export function isRegistered(state: DealState): state is RegisteredDeal {
  return state.status !== 'none';
}

export function evolveDeal(state: DealState, event: DealEvent): DealState {
  if (event.type === 'DealRegistered') {
    const d = event.data;
    return {
      status: 'open',
      dealId: d.dealId,
      partnerId: d.partnerId,
      channel: d.channel,
      stage: 'registered',
      registered: d,
      registeredOn: (d.registeredAt ?? '').slice(0, 10),
      attribution: d.attribution,
      estimatedValue: d.estimatedValue,
      expectedCloseDate: d.expectedCloseDate,
      approved: false,
      protectedUntil: d.protectedUntil ?? null,
      everProtected: d.protectedUntil != null,
      coSeller: null,
      customerClass: d.customerClass ?? null,
      conflicts: 0,
      extensions: {},
      influences: {},
      ledger: {},
    };
  }
  if (!isRegistered(state)) return state;
  switch (event.type) {
    case 'DealConflictDetected':
      return { ...state, conflicts: state.conflicts + event.data.conflicts.length };
    case 'DealRegistrationApproved':
      return {
        ...state,
        stage: 'approved',
        approved: true,
        protectedUntil: event.data.protectedUntil,
        everProtected: true,
        customerClass: event.data.customerClass ?? state.customerClass,
      };
    case 'DealRegistrationRejected':
      return { ...state, status: 'rejected', protectedUntil: null };
    case 'DealRegistrationExpired':
      return { ...state, status: 'expired', protectedUntil: null };
    // The deal stays open without protection: it may progress and be won.
    case 'DealProtectionLapsed':
    case 'DealProtectionRevoked':
      return { ...state, protectedUntil: null };
    case 'DealCoSellerAssigned':
      return { ...state, coSeller: event.data.coSeller };
    case 'DealProtectionExtensionRequested':
      return {
        ...state,
        extensions: {
          ...state.extensions,
          [event.data.requestId]: {
            requestId: event.data.requestId,
            days: event.data.days,
            status: 'pending',
          },
        },
      };
    case 'DealProtectionExtended': {
      const request = state.extensions[event.data.requestId];
      return {
        ...state,
        protectedUntil: event.data.protectedUntil,
        extensions: request
          ? { ...state.extensions, [request.requestId]: { ...request, status: 'approved' } }
          : state.extensions,
      };
    }
    case 'DealProtectionExtensionRejected': {
      const request = state.extensions[event.data.requestId];
      return request
        ? {
            ...state,
            extensions: { ...state.extensions, [request.requestId]: { ...request, status: 'rejected' } },
          }
        : state;
    }
    case 'DealStageChanged':
      return {
        ...state,
        stage: event.data.stage,
        approved: state.approved || event.data.stage !== 'registered',
        estimatedValue: event.data.estimatedValue ?? state.estimatedValue,
        expectedCloseDate: event.data.expectedCloseDate ?? state.expectedCloseDate,
        protectedUntil: event.data.protectedUntil ?? state.protectedUntil,
      };
    case 'DealInfluenceRecorded':
      return {
        ...state,
        influences: {
          ...state.influences,
          [event.data.influenceId]: {
            partnerId: event.data.partnerId,
            weightPercent: event.data.weightPercent ?? 0,
          },
        },
      };
    case 'DealWon':
      return { ...state, status: 'won', protectedUntil: null };
    case 'DealLost':
      return { ...state, status: 'lost', protectedUntil: null };
    case 'CommissionAccrued':
      return {
        ...state,
        ledger: {
          ...state.ledger,
          [event.data.commissionId]: {
            commissionId: event.data.commissionId,
            kind: 'accrual',
            direction: 'credit',
            micros: toMicros(event.data.amount.amount),
            currency: event.data.amount.currency,
            status: 'accrued',
          },
        },
      };
    case 'CommissionCorrected':
      return {
        ...state,
        ledger: {
          ...state.ledger,
          [event.data.commissionId]: {
            commissionId: event.data.commissionId,
            kind: 'correction',
            direction: event.data.direction,
            micros: toMicros(event.data.amount.amount),
            currency: event.data.amount.currency,
            status: 'accrued',
            corrects: event.data.correctsCommissionId,
          },
        },
      };
    case 'CommissionApproved':
    case 'CommissionPaid': {
      const entry = state.ledger[event.data.commissionId];
      if (!entry) return state;
      const paid =
        event.type === 'CommissionPaid'
          ? { paidOn: event.data.paidOn, paymentReference: event.data.paymentReference }
          : {};
      const status = event.type === 'CommissionApproved' ? 'approved' : 'paid';
      return { ...state, ledger: { ...state.ledger, [entry.commissionId]: { ...entry, status, ...paid } } };
    }
    default:
      return state;
  }
}
