import type { EventMetadata } from '../envelope';
import { eventCatalog, type CatalogEvent, type DataOf, type EventType } from './index';

/*
 * One valid `data` per event type, for tests in any project (`sampleEventData.DealWon`).
 * The ids are fixed and readable; the INNs have valid check digits. Copy and change a
 * sample rather than editing it: other teams' tests rely on these values.
 */

export const SAMPLE_IDS = {
  partner: '00000000-0000-4000-8000-00000000a001',
  otherPartner: '00000000-0000-4000-8000-00000000a002',
  deal: '00000000-0000-4000-8000-00000000d001',
  otherDeal: '00000000-0000-4000-8000-00000000d002',
  customer: '00000000-0000-4000-8000-00000000c001',
  idealPartnerProfile: '00000000-0000-4000-8000-00000000b001',
  certification: '00000000-0000-4000-8000-00000000e001',
  mdfAllocation: '00000000-0000-4000-8000-00000000f001',
  mdfSpend: '00000000-0000-4000-8000-00000000f002',
  influence: '00000000-0000-4000-8000-00000000d101',
  commission: '00000000-0000-4000-8000-00000000d201',
  vendorAccountList: '00000000-0000-4000-8000-000000001001',
  partnerAccountList: '00000000-0000-4000-8000-000000001002',
  overlapComputation: '00000000-0000-4000-8000-000000001101',
  event: '00000000-0000-4000-8000-000000009001',
} as const;

export const sampleEventData: { readonly [T in EventType]: DataOf<T> } = {
  PartnerRegistered: {
    partnerId: SAMPLE_IDS.partner,
    legalName: 'ООО «Интегратор Плюс»',
    country: 'RU',
    region: 'Siberia',
    websiteDomain: 'integrator-plus.example',
    taxId: { scheme: 'RU_INN', value: '7701234560' },
    type: 'integrator',
    employeeCount: 120,
    salesReps: 8,
    specializations: ['erp-implementation', 'cloud-migration'],
    clientSegments: ['mid_market', 'enterprise'],
    industries: ['retail', 'manufacturing'],
    tier: 'registered',
  },
  PartnerProfileUpdated: {
    partnerId: SAMPLE_IDS.partner,
    changedFields: ['employeeCount', 'salesReps'],
    employeeCount: 150,
    salesReps: 10,
  },
  PartnerJourneyStageReached: {
    partnerId: SAMPLE_IDS.partner,
    stage: 'agreement_signed',
    previousStage: 'contacted',
    reachedAt: '2025-02-10T12:00:00.000Z',
  },
  OnboardingStepCompleted: {
    partnerId: SAMPLE_IDS.partner,
    step: 'demo_access',
    stepName: 'Demo environment access',
    completedAt: '2025-02-20T09:15:00.000Z',
  },
  PartnerTierChanged: {
    partnerId: SAMPLE_IDS.partner,
    tier: 'silver',
    previousTier: 'registered',
    discountPercent: 20,
    effectiveFrom: '2025-04-01',
    reason: 'Two certified sales people and first revenue',
  },
  PamAssigned: {
    partnerId: SAMPLE_IDS.partner,
    pamId: 'user:pam-anna',
    previousPamId: null,
    pamPartnerCount: 9,
  },
  CertificationGranted: {
    partnerId: SAMPLE_IDS.partner,
    certificationId: SAMPLE_IDS.certification,
    certificationCode: 'sales-professional',
    certificationName: 'Sales Professional',
    holderId: 'person-42',
    grantedOn: '2025-03-01',
    expiresOn: '2026-03-01',
  },
  CertificationExpired: {
    partnerId: SAMPLE_IDS.partner,
    certificationId: SAMPLE_IDS.certification,
    certificationCode: 'sales-professional',
    holderId: 'person-42',
    expiredOn: '2026-03-01',
  },
  TrainingCompleted: {
    partnerId: SAMPLE_IDS.partner,
    trainingCode: 'product-101',
    trainingName: 'Product fundamentals',
    attendeeId: 'person-42',
    completedAt: '2025-02-25T15:00:00.000Z',
    hours: 4,
    score: 92,
  },
  MdfAllocated: {
    partnerId: SAMPLE_IDS.partner,
    allocationId: SAMPLE_IDS.mdfAllocation,
    amount: { amount: '500000.00', currency: 'RUB' },
    validFrom: '2025-04-01',
    validUntil: '2025-06-30',
    purpose: 'Q2 webinar series',
  },
  MdfSpent: {
    partnerId: SAMPLE_IDS.partner,
    allocationId: SAMPLE_IDS.mdfAllocation,
    spendId: SAMPLE_IDS.mdfSpend,
    amount: { amount: '120000.00', currency: 'RUB' },
    spentOn: '2025-04-20',
    activity: 'webinar',
  },
  PartnerChurned: {
    partnerId: SAMPLE_IDS.otherPartner,
    reason: 'inactive',
    note: 'No registrations for 12 months',
    lastDealWonOn: null,
  },
  PartnerReactivated: {
    partnerId: SAMPLE_IDS.otherPartner,
    reactivatedAt: '2025-09-01T08:00:00.000Z',
    note: 'New management, wants to resell again',
  },
  OnboardingChecklistAssigned: {
    partnerId: SAMPLE_IDS.partner,
    steps: [
      { step: 'contract', name: 'Contract signed', required: true },
      { step: 'questionnaire', name: 'Partner questionnaire', required: true },
      { step: 'demo_access', name: 'Demo environment access', required: true },
      { step: 'certification', name: 'First certification', required: true },
      { step: 'distributor_registration', name: 'Registered with a distributor', required: false },
    ],
  },
  PartnerProgramDefined: {
    program: 'enterprise',
    name: 'Enterprise partners',
    tiers: [
      { tier: 'registered', discountPercent: 5, requirements: {} },
      {
        tier: 'gold',
        discountPercent: 35,
        requirements: {
          certifiedPeople: 3,
          trailing12MonthRevenue: { amount: '20000000.00', currency: 'RUB' },
        },
      },
    ],
    onboardingChecklist: [
      { step: 'contract', name: 'Contract signed', required: true },
      { step: 'nda', name: 'NDA signed', required: true },
    ],
  },
  PamOverCapacity: {
    partnerId: SAMPLE_IDS.partner,
    pamId: 'user:pam-anna',
    partnerCount: 11,
    capacity: 10,
  },
  IdealPartnerProfileDefined: {
    profileId: SAMPLE_IDS.idealPartnerProfile,
    name: 'Enterprise integrators, Russia',
    partnerTypes: ['integrator', 'msp'],
    employeeCount: { min: 50, max: 1000 },
    salesReps: { min: 3 },
    countries: ['RU', 'KZ'],
    specializations: ['erp-implementation'],
    clientSegments: ['enterprise', 'mid_market'],
    industries: ['retail', 'manufacturing'],
    weights: { size: 20, clientSegments: 30, geography: 10, specialization: 30, industries: 10 },
  },
  DealRegistered: {
    dealId: SAMPLE_IDS.deal,
    partnerId: SAMPLE_IDS.partner,
    customer: {
      name: 'АО «Ромашка»',
      domain: 'romashka.example',
      taxId: { scheme: 'RU_INN', value: '5409876540' },
      country: 'RU',
    },
    estimatedValue: { amount: '2400000.00', currency: 'RUB' },
    expectedCloseDate: '2025-06-30',
    products: ['crm-enterprise'],
    attribution: 'sourced',
    registeredBy: 'partner-user:ivan',
  },
  DealConflictDetected: {
    dealId: SAMPLE_IDS.deal,
    partnerId: SAMPLE_IDS.partner,
    conflicts: [
      {
        kind: 'partner_registration',
        conflictingDealId: SAMPLE_IDS.otherDeal,
        conflictingPartnerId: SAMPLE_IDS.otherPartner,
        matchedOn: ['domain', 'tax_id'],
      },
    ],
  },
  DealRegistrationApproved: {
    dealId: SAMPLE_IDS.deal,
    partnerId: SAMPLE_IDS.partner,
    protectedUntil: '2025-07-01',
    customerClass: 'B',
    coSellRequired: false,
  },
  DealRegistrationRejected: {
    dealId: SAMPLE_IDS.otherDeal,
    partnerId: SAMPLE_IDS.otherPartner,
    reasonCode: 'channel_conflict',
    reason: 'The customer is already registered by another partner.',
  },
  DealRegistrationExpired: {
    dealId: SAMPLE_IDS.deal,
    partnerId: SAMPLE_IDS.partner,
    protectedUntil: '2025-07-01',
    lastStage: 'qualification',
  },
  DealStageChanged: {
    dealId: SAMPLE_IDS.deal,
    partnerId: SAMPLE_IDS.partner,
    stage: 'proposal',
    previousStage: 'qualification',
    estimatedValue: { amount: '2600000.00', currency: 'RUB' },
  },
  DealInfluenceRecorded: {
    dealId: SAMPLE_IDS.deal,
    partnerId: SAMPLE_IDS.otherPartner,
    influenceId: SAMPLE_IDS.influence,
    activity: 'presale',
    weightPercent: 25,
  },
  DealWon: {
    dealId: SAMPLE_IDS.deal,
    partnerId: SAMPLE_IDS.partner,
    wonValue: { amount: '2500000.00', currency: 'RUB' },
    closedOn: '2025-06-15',
    attribution: 'sourced',
    cycleDays: 96,
    customerClass: 'B',
    products: ['crm-enterprise'],
  },
  DealLost: {
    dealId: SAMPLE_IDS.otherDeal,
    partnerId: SAMPLE_IDS.otherPartner,
    lostReason: 'competitor',
    competitor: 'Other Vendor',
    closedOn: '2025-05-30',
    cycleDays: 60,
    stage: 'negotiation',
  },
  CommissionAccrued: {
    dealId: SAMPLE_IDS.deal,
    partnerId: SAMPLE_IDS.partner,
    commissionId: SAMPLE_IDS.commission,
    tier: 'silver',
    ratePercent: 20,
    baseAmount: { amount: '2500000.00', currency: 'RUB' },
    amount: { amount: '500000.00', currency: 'RUB' },
    attribution: 'sourced',
    payableFrom: '2025-07-15',
  },
  CustomerClassified: {
    customerId: SAMPLE_IDS.customer,
    customerName: 'АО «Ромашка»',
    domain: 'romashka.example',
    taxId: { scheme: 'RU_INN', value: '5409876540' },
    customerClass: 'B',
    previousClass: null,
  },
  AccountListImported: {
    listId: SAMPLE_IDS.partnerAccountList,
    owner: 'partner',
    partnerId: SAMPLE_IDS.partner,
    source: 'csv',
    accountCount: 340,
    rejectedCount: 6,
    populations: { customer: 120, opportunity: 40, prospect: 180 },
    keyCoverage: { domain: 300, taxId: 250, name: 340 },
  },
  SharingPolicyChanged: {
    partnerId: SAMPLE_IDS.partner,
    side: 'partner',
    populations: { customer: 'accounts', opportunity: 'counts', prospect: 'none' },
  },
  OverlapsComputed: {
    partnerId: SAMPLE_IDS.partner,
    computationId: SAMPLE_IDS.overlapComputation,
    vendorListId: SAMPLE_IDS.vendorAccountList,
    partnerListId: SAMPLE_IDS.partnerAccountList,
    vendorAccountCount: 5200,
    partnerAccountCount: 340,
    cells: [
      { vendorPopulation: 'prospect', partnerPopulation: 'customer', count: 37 },
      { vendorPopulation: 'opportunity', partnerPopulation: 'customer', count: 9 },
      { vendorPopulation: 'customer', partnerPopulation: 'prospect', count: 14 },
    ],
    matchedOn: { domain: 41, taxId: 15, name: 4 },
  },
  PartnerScorecardUpdated: {
    partnerId: SAMPLE_IDS.partner,
    asOf: '2025-06-15T00:00:00.000Z',
    potential: 78,
    utilization: 41,
    quadrant: 'grow',
    metrics: {
      employeeCount: 150,
      salesReps: 10,
      ippFit: 82,
      journeyStage: 'first_deal_won',
      certifiedPeople: 2,
      mdfAllocated: { amount: '500000.00', currency: 'RUB' },
      mdfSpent: { amount: '120000.00', currency: 'RUB' },
      mdfUtilization: 0.24,
      registrations: 3,
      approvalRate: 0.67,
      conflictRate: 0.33,
      dealsWon: 1,
      dealsLost: 0,
      winRate: 1,
      wonRevenueSourced: { amount: '2500000.00', currency: 'RUB' },
      wonRevenueInfluenced: { amount: '0', currency: 'RUB' },
      daysToFirstDeal: 125,
      daysSinceLastDealWon: 0,
      overlapOurProspectsTheirCustomers: 37,
    },
    changedMetrics: ['dealsWon', 'winRate', 'wonRevenueSourced'],
  },
  PartnerQuadrantChanged: {
    partnerId: SAMPLE_IDS.partner,
    asOf: '2025-06-15T00:00:00.000Z',
    quadrant: 'grow',
    previousQuadrant: 'exit',
    potential: 78,
    utilization: 41,
    thresholds: { potential: 50, utilization: 50 },
  },
};

/** Metadata valid against `eventMetadataSchema`. */
export const sampleMetadata: EventMetadata = {
  correlationId: '00000000-0000-4000-8000-000000008001',
  causationId: null,
  actor: 'partner-user:ivan',
  occurredAt: '2025-06-15T10:00:00.000Z',
};

/** A sample event of the given type: `{ type, data }`, data from `sampleEventData`. */
export function sampleEvent<T extends EventType>(type: T): CatalogEvent<T> {
  return { type, data: sampleEventData[type] } as CatalogEvent<T>;
}

/**
 * The Kafka message value the relay would publish for a sample event (see the JSON Schema
 * files in `schemas/`).
 */
export function sampleMessageValue(type: EventType, streamVersion = 0, globalPosition = '1') {
  const definition = eventCatalog[type];
  return {
    id: SAMPLE_IDS.event,
    type,
    schemaVersion: definition.schemaVersion,
    streamId: `${definition.context}.sample-${SAMPLE_IDS.partner}`,
    streamVersion,
    globalPosition,
    data: sampleEventData[type],
    metadata: sampleMetadata,
    recordedAt: '2025-06-15T10:00:00.123Z',
  };
}
