import assert from 'node:assert/strict';
import { SAMPLE_IDS } from '@prm/contracts';
import { DomainError, type DomainErrorCode } from '@prm/domain';
import { spec } from '@prm/testing';
import type {
  ActorRef,
  CustomerClassFacts,
  DealCommand,
  PartnerFacts,
  RegisterDeal,
  WinDeal,
} from '../deal.commands';
import { dealDecider } from '../deal.decider';
import type { DealEvent } from '../deal.events';

/*
 * Shared givens for the deal specs: a Russian customer "ООО «Ромашка»" registered by an active
 * integrator on 2025-03-03 with a 90-day protection window. Every date below is worked out by
 * hand in the comment beside it; the specs never take an expectation from the decider.
 */

type Data<T extends DealEvent['type']> = Extract<DealEvent, { type: T }>['data'];

export const DEAL_ID = SAMPLE_IDS.deal;
export const OTHER_DEAL_ID = SAMPLE_IDS.otherDeal;
export const PARTNER_ID = SAMPLE_IDS.partner;
export const OTHER_PARTNER_ID = SAMPLE_IDS.otherPartner;
export const THIRD_PARTNER_ID = '00000000-0000-4000-8000-00000000a003';
export const COMMISSION_ID = SAMPLE_IDS.commission;
export const CORRECTION_ID = SAMPLE_IDS.correction;
export const SECOND_CORRECTION_ID = '00000000-0000-4000-8000-00000000c003';
export const REQUEST_ID = SAMPLE_IDS.extension;
export const SECOND_REQUEST_ID = '00000000-0000-4000-8000-00000000e002';
export const INFLUENCE_ID = SAMPLE_IDS.influence;
export const SECOND_INFLUENCE_ID = '00000000-0000-4000-8000-00000000d102';
export const CUSTOMER_ID = SAMPLE_IDS.customer;
export const VALID_INN = '7701234560';

export const PAM_ID = 'user:pam-anna';

export const ADMIN: ActorRef = { id: 'user:admin-ivan', role: 'vendor_admin' };
export const PAM: ActorRef = { id: PAM_ID, role: 'pam' };
export const OTHER_PAM: ActorRef = { id: 'user:pam-boris', role: 'pam' };
export const PARTNER_USER: ActorRef = {
  id: 'user:partner-petr',
  role: 'partner_user',
  partnerId: PARTNER_ID,
};
export const OTHER_PARTNER_USER: ActorRef = {
  id: 'user:partner-olga',
  role: 'partner_user',
  partnerId: OTHER_PARTNER_ID,
};
export const DIRECT_SALES: ActorRef = { id: 'user:direct-dmitry', role: 'direct_sales' };
export const SERVICE: ActorRef = { id: 'service:finance', role: 'service' };

/** Registration on 2025-03-03 (day 62 of 2025); +90 days is day 152 = 2025-06-01. */
export const AT = '2025-03-03T10:00:00.000Z';
export const PROTECTED_UNTIL = '2025-06-01';
/** Approval on 2025-03-10 (day 69); +90 days is day 159 = 2025-06-08. */
export const APPROVED_AT = '2025-03-10T12:00:00.000Z';
export const APPROVED_UNTIL = '2025-06-08';

export const partnerFacts = (overrides: Partial<PartnerFacts> = {}): PartnerFacts => ({
  partnerId: PARTNER_ID,
  stage: 'active',
  pamId: PAM_ID,
  program: 'default',
  ...overrides,
});

export const customerClass = (
  cls: 'A' | 'B' | 'C',
  accountOwner: string | null = 'user:owner-olga',
): CustomerClassFacts => ({ customerId: CUSTOMER_ID, customerClass: cls, accountOwner });

export const registerCommand = (overrides: Partial<RegisterDeal['data']> = {}): RegisterDeal => ({
  type: 'RegisterDeal',
  data: {
    dealId: DEAL_ID,
    channel: 'partner',
    partnerId: PARTNER_ID,
    partner: partnerFacts(),
    customer: {
      name: '  ООО «Ромашка»  ',
      domain: 'https://www.Romashka.RU/about',
      taxId: VALID_INN,
      country: 'RU',
    },
    estimatedValue: { amount: '1500000.00', currency: 'RUB' },
    expectedCloseDate: '2025-06-30',
    products: ['crm-enterprise', 'crm-analytics'],
    attribution: 'sourced',
    registeredBy: PARTNER_USER.id,
    existing: [],
    customerClass: null,
    protectionDays: 90,
    at: AT,
    ...overrides,
  },
});

/** The expected DealRegistered of registerCommand(): name trimmed, domain and keys normalized by hand. */
export const registeredData: Data<'DealRegistered'> = {
  dealId: DEAL_ID,
  partnerId: PARTNER_ID,
  channel: 'partner',
  customer: {
    name: 'ООО «Ромашка»',
    domain: 'romashka.ru',
    taxId: { scheme: 'RU_INN', value: VALID_INN },
    country: 'RU',
  },
  // Legal form ООО and the guillemets go, ромашка is transliterated; the INN is prefixed by its scheme.
  customerKeys: { domain: 'romashka.ru', taxId: `RU_INN:${VALID_INN}`, nameCountry: 'romashka|RU' },
  estimatedValue: { amount: '1500000.00', currency: 'RUB' },
  expectedCloseDate: '2025-06-30',
  products: ['crm-enterprise', 'crm-analytics'],
  attribution: 'sourced',
  registeredBy: PARTNER_USER.id,
  registeredAt: AT,
  pamId: PAM_ID,
  program: 'default',
  holdsProtection: true,
  protectedUntil: PROTECTED_UNTIL,
};

export const registered: DealEvent = { type: 'DealRegistered', data: registeredData };

export const registeredWith = (overrides: Partial<Data<'DealRegistered'>>): DealEvent => ({
  type: 'DealRegistered',
  data: { ...registeredData, ...overrides },
});

export const approved = (overrides: Partial<Data<'DealRegistrationApproved'>> = {}): DealEvent => ({
  type: 'DealRegistrationApproved',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    protectedUntil: APPROVED_UNTIL,
    coSellRequired: false,
    approvedBy: PAM_ID,
    ...overrides,
  },
});

export const stageChanged = (
  stage: Data<'DealStageChanged'>['stage'],
  previousStage: Data<'DealStageChanged'>['previousStage'],
  protectedUntil?: string,
): DealEvent => ({
  type: 'DealStageChanged',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    stage,
    previousStage,
    ...(protectedUntil !== undefined && { protectedUntil }),
  },
});

export const coSellerAssigned = (coSeller: string, previousCoSeller: string | null = null): DealEvent => ({
  type: 'DealCoSellerAssigned',
  data: { dealId: DEAL_ID, partnerId: PARTNER_ID, coSeller, previousCoSeller },
});

/** A registered partner deal, and the same deal approved by its PAM on 2025-03-10. */
export const registeredDeal: readonly DealEvent[] = [registered];
export const approvedDeal: readonly DealEvent[] = [registered, approved()];

const { program: _program, ...withoutProgram } = registeredData;

/** A direct deal of the vendor's own team: no partner (so no program), no attribution, no protection. */
export const directRegistered: DealEvent = {
  type: 'DealRegistered',
  data: {
    ...withoutProgram,
    partnerId: null,
    channel: 'direct',
    attribution: null,
    registeredBy: DIRECT_SALES.id,
    pamId: null,
    holdsProtection: false,
    protectedUntil: null,
  },
};
export const directDeal: readonly DealEvent[] = [directRegistered];

export const lost: DealEvent = {
  type: 'DealLost',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    lostReason: 'price',
    closedOn: '2025-04-01',
    cycleDays: 29,
    stage: 'approved',
  },
};

/** 1 234 567.89 RUB won on 2025-05-20, 78 days after 2025-03-03 (day 140 − day 62). */
export const WON_AMOUNT = '1234567.89';
export const CLOSED_ON = '2025-05-20';
export const WIN_AT = '2025-05-21T08:00:00.000Z';
/** Gold from 2025-01-01, decided on 2024-12-20: in force at the registration (2025-03-03 10:00). */
export const GOLD = {
  tier: 'gold',
  discountPercent: 12.5,
  effectiveFrom: '2025-01-01',
  changedAt: '2024-12-20T09:00:00.000Z',
} as const;
/** The program's entry tier: what a partner holds before its first tier change. */
export const ENTRY_TIER = { tier: 'registered', discountPercent: 10 } as const;

export const winCommand = (overrides: Partial<WinDeal['data']> = {}): WinDeal => ({
  type: 'WinDeal',
  data: {
    by: PAM,
    wonValue: { amount: WON_AMOUNT, currency: 'RUB' },
    closedOn: CLOSED_ON,
    commissionId: COMMISSION_ID,
    tierHistory: [GOLD],
    entryTier: ENTRY_TIER,
    reporting: null,
    customerClass: null,
    at: WIN_AT,
    ...overrides,
  },
});

export const won: DealEvent = {
  type: 'DealWon',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    wonValue: { amount: WON_AMOUNT, currency: 'RUB' },
    closedOn: CLOSED_ON,
    attribution: 'sourced',
    cycleDays: 78,
    products: ['crm-enterprise', 'crm-analytics'],
  },
};

/** 1 234 567.89 × 12.5 % = 154 320.98625 → 154 320.99 (half-up to the cent). */
export const accrued: DealEvent = {
  type: 'CommissionAccrued',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    commissionId: COMMISSION_ID,
    tier: 'gold',
    ratePercent: 12.5,
    baseAmount: { amount: WON_AMOUNT, currency: 'RUB' },
    amount: { amount: '154320.99', currency: 'RUB' },
    attribution: 'sourced',
    tierOn: '2025-03-03',
    accruedOn: CLOSED_ON,
    tierAt: AT,
    protectedAtWin: true,
  },
};

export const wonDeal: readonly DealEvent[] = [...approvedDeal, won, accrued];

export const commissionApproved = (commissionId: string = COMMISSION_ID): DealEvent => ({
  type: 'CommissionApproved',
  data: { dealId: DEAL_ID, partnerId: PARTNER_ID, commissionId, approvedBy: ADMIN.id },
});

export const commissionPaid = (commissionId: string = COMMISSION_ID): DealEvent => ({
  type: 'CommissionPaid',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    commissionId,
    paidOn: '2025-06-10',
    paymentReference: 'PP-2025-0610',
  },
});

export const corrected = (
  commissionId: string,
  direction: 'credit' | 'debit',
  amount: string,
  correctsCommissionId = COMMISSION_ID,
): DealEvent => ({
  type: 'CommissionCorrected',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    commissionId,
    correctsCommissionId,
    direction,
    amount: { amount, currency: 'RUB' },
    reason: 'won value revised',
  },
});

/** A pending protection extension of 30 days asked on 2025-04-01. */
export const extensionRequested = (requestId = REQUEST_ID, days = 30): DealEvent => ({
  type: 'DealProtectionExtensionRequested',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    requestId,
    days,
    reason: 'the customer’s budget committee meets in July',
    protectedUntil: APPROVED_UNTIL,
  },
});

/**
 * Asserts the command is refused with `code` and a message matching `message` (through the
 * given/when/then spec), and returns the error for checks on its violations and details.
 */
export function refused(
  given: readonly DealEvent[],
  command: DealCommand,
  code: DomainErrorCode,
  message: RegExp,
): DomainError {
  spec(dealDecider).given(given).when(command).thenThrows(DomainError, message);
  const state = given.reduce(dealDecider.evolve, dealDecider.initialState());
  try {
    dealDecider.decide(command, state);
  } catch (error) {
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail('expected the command to be refused');
}

export const fieldsOf = (error: DomainError): string[] => error.violations.map((v) => v.field);

export const given = (events: readonly DealEvent[]) => spec(dealDecider).given(events);
