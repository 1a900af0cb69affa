import type { DataOf, RecordedEvent } from '@prm/contracts';
import { DEFAULT_SCORING, type ScoringConfig } from '../scoring';
import { EventFactory, rub } from './events';

export const P = '11111111-1111-4111-8111-111111111111';
const Q = '22222222-2222-4222-8222-222222222222';
const deal = (n: number) => `d0000000-0000-4000-8000-00000000000${n}`;
const cert = (n: number) => `c0000000-0000-4000-8000-00000000000${n}`;
const ALLOC = 'a0000000-0000-4000-8000-000000000001';
const SPEND = 'a0000000-0000-4000-8000-000000000002';
const COM1 = 'e0000000-0000-4000-8000-000000000001';
const COM2 = 'e0000000-0000-4000-8000-000000000002';
const customer = { name: 'Acme', country: 'RU' };

/** Partner P's registration: 250 employees, 10 sales reps, two segments, an integrator in Siberia. */
export const ALPHA: DataOf<'PartnerRegistered'> = {
  partnerId: P,
  legalName: 'Alpha',
  country: 'RU',
  region: 'Siberia',
  websiteDomain: 'alpha.example',
  taxId: { scheme: 'RU_INN', value: '7707083893' },
  type: 'integrator',
  employeeCount: 250,
  salesReps: 10,
  specializations: ['erp', 'crm'],
  clientSegments: ['smb', 'enterprise'],
  industries: ['retail'],
};

/** The hand-made story of partner P, from 2026-01-01 to 2026-04-01 (see the expectations). */
export function story(f = new EventFactory()): RecordedEvent[] {
  const reg = (
    n: number,
    at: string,
    amount: string,
    attribution: 'sourced' | 'influenced',
    keys: { taxId?: string; domain?: string; nameCountry: string },
    customerClass?: 'A' | 'B' | 'C',
  ) =>
    f.event(
      'DealRegistered',
      {
        dealId: deal(n),
        partnerId: P,
        channel: 'partner',
        customer,
        customerKeys: keys,
        estimatedValue: rub(amount),
        expectedCloseDate: '2026-06-30',
        products: ['crm'],
        attribution,
        registeredAt: at,
        pamId: 'pam-1',
        ...(customerClass && { customerClass }),
      },
      at,
    );
  return [
    f.event('PartnerRegistered', ALPHA, '2026-01-01T00:00:00.000Z'),
    f.event(
      'PartnerJourneyStageReached',
      {
        partnerId: P,
        stage: 'agreement_signed',
        previousStage: 'contacted',
        reachedAt: '2026-01-11T00:00:00.000Z',
      },
      '2026-01-11T00:00:00.000Z',
    ),
    f.event(
      'PartnerTierChanged',
      { partnerId: P, tier: 'silver', previousTier: null, discountPercent: 10, effectiveFrom: '2026-01-11' },
      '2026-01-11T00:00:00.000Z',
    ),
    f.event('PamAssigned', { partnerId: P, pamId: 'pam-1', previousPamId: null }, '2026-01-11T00:00:00.000Z'),
    f.event(
      'CertificationGranted',
      {
        partnerId: P,
        certificationId: cert(1),
        certificationCode: 'sales',
        certificationName: 'Sales',
        holderId: 'h1',
        grantedOn: '2026-01-12',
        expiresOn: '2026-12-31',
      },
      '2026-01-12T00:00:00.000Z',
    ),
    f.event(
      'CertificationGranted',
      {
        partnerId: P,
        certificationId: cert(2),
        certificationCode: 'presale',
        certificationName: 'Presale',
        holderId: 'h1',
        grantedOn: '2026-01-12',
        expiresOn: null,
      },
      '2026-01-12T00:00:00.000Z',
    ),
    f.event(
      'CertificationGranted',
      {
        partnerId: P,
        certificationId: cert(3),
        certificationCode: 'sales',
        certificationName: 'Sales',
        holderId: 'h2',
        grantedOn: '2026-01-12',
        expiresOn: '2026-04-20',
      },
      '2026-01-12T00:00:00.000Z',
    ),
    f.event(
      'CertificationGranted',
      {
        partnerId: P,
        certificationId: cert(4),
        certificationCode: 'sales',
        certificationName: 'Sales',
        holderId: 'h3',
        grantedOn: '2025-01-12',
        expiresOn: '2026-01-15',
      },
      '2026-01-12T00:00:00.000Z',
    ),
    f.event(
      'CertificationExpired',
      {
        partnerId: P,
        certificationId: cert(4),
        certificationCode: 'sales',
        holderId: 'h3',
        expiredOn: '2026-01-15',
      },
      '2026-01-15T00:00:00.000Z',
    ),
    f.event(
      'TrainingCompleted',
      {
        partnerId: P,
        trainingCode: 'old',
        trainingName: 'Old',
        attendeeId: 'h1',
        completedAt: '2025-12-01T00:00:00.000Z',
        hours: 8,
      },
      '2026-01-15T00:00:00.000Z',
    ),
    f.event(
      'MdfAllocated',
      {
        partnerId: P,
        allocationId: ALLOC,
        amount: rub('1000.00'),
        validFrom: '2026-01-01',
        validUntil: '2026-12-31',
      },
      '2026-01-16T00:00:00.000Z',
    ),
    f.event(
      'MdfSpent',
      {
        partnerId: P,
        allocationId: ALLOC,
        spendId: SPEND,
        amount: rub('250'),
        spentOn: '2026-01-20',
        activity: 'webinar',
      },
      '2026-01-20T00:00:00.000Z',
    ),
    reg(
      1,
      '2026-01-21T00:00:00.000Z',
      '1000000',
      'sourced',
      { taxId: 'RU_INN:1', nameCountry: 'one|RU' },
      'A',
    ),
    f.event(
      'DealRegistrationApproved',
      { dealId: deal(1), partnerId: P, protectedUntil: '2026-04-21' },
      '2026-01-22T00:00:00.000Z',
    ),
    reg(
      2,
      '2026-02-01T00:00:00.000Z',
      '500000',
      'influenced',
      { domain: 'b.example', nameCountry: 'two|RU' },
      'B',
    ),
    f.event(
      'DealConflictDetected',
      {
        dealId: deal(2),
        partnerId: P,
        conflicts: [
          { kind: 'direct_deal', conflictingDealId: null, conflictingPartnerId: null, matchedOn: ['domain'] },
        ],
      },
      '2026-02-01T00:00:00.000Z',
    ),
    f.event(
      'DealRegistrationRejected',
      { dealId: deal(2), partnerId: P, reasonCode: 'direct_deal_exists', reason: 'direct' },
      '2026-02-02T00:00:00.000Z',
    ),
    f.event(
      'DealWon',
      {
        dealId: deal(1),
        partnerId: P,
        wonValue: rub('1200000'),
        closedOn: '2026-02-10',
        attribution: 'sourced',
        cycleDays: 20,
      },
      '2026-02-10T00:00:00.000Z',
    ),
    f.event(
      'CommissionAccrued',
      {
        dealId: deal(1),
        partnerId: P,
        commissionId: COM1,
        tier: 'silver',
        ratePercent: 10,
        baseAmount: rub('1200000'),
        amount: rub('120000'),
        attribution: 'sourced',
      },
      '2026-02-10T00:00:00.000Z',
    ),
    f.event(
      'CommissionPaid',
      { dealId: deal(1), partnerId: P, commissionId: COM1, paidOn: '2026-02-20', paymentReference: 'INV-1' },
      '2026-02-20T00:00:00.000Z',
    ),
    f.event(
      'CommissionCorrected',
      {
        dealId: deal(1),
        partnerId: P,
        commissionId: COM2,
        correctsCommissionId: COM1,
        direction: 'debit',
        amount: rub('20000'),
        reason: 'discount',
      },
      '2026-02-21T00:00:00.000Z',
    ),
    reg(3, '2026-03-01T00:00:00.000Z', '300000', 'sourced', { taxId: 'RU_INN:1', nameCountry: 'one|RU' }),
    f.event(
      'DealRegistrationApproved',
      { dealId: deal(3), partnerId: P, protectedUntil: '2026-06-01', customerClass: 'A' },
      '2026-03-02T00:00:00.000Z',
    ),
    f.event(
      'DealStageChanged',
      {
        dealId: deal(3),
        partnerId: P,
        stage: 'qualified',
        previousStage: 'approved',
        estimatedValue: rub('400000'),
      },
      '2026-03-03T00:00:00.000Z',
    ),
    reg(4, '2026-03-05T00:00:00.000Z', '100000', 'sourced', { nameCountry: 'gamma|RU' }, 'C'),
    f.event(
      'DealRegistrationApproved',
      { dealId: deal(4), partnerId: P, protectedUntil: '2026-06-05' },
      '2026-03-06T00:00:00.000Z',
    ),
    reg(6, '2026-03-10T00:00:00.000Z', '50000', 'sourced', { domain: 'b.example', nameCountry: 'two|RU' }),
    f.event(
      'DealWon',
      {
        dealId: deal(5),
        partnerId: Q,
        wonValue: rub('800000'),
        closedOn: '2026-03-20',
        attribution: 'sourced',
        cycleDays: 40,
        influencingPartnerIds: [P],
      },
      '2026-03-20T00:00:00.000Z',
    ),
    f.event(
      'DealLost',
      { dealId: deal(4), partnerId: P, lostReason: 'price', closedOn: '2026-03-25', cycleDays: 24 },
      '2026-03-25T00:00:00.000Z',
    ),
    f.event(
      'DealRegistrationExpired',
      { dealId: deal(6), partnerId: P, protectedUntil: '2026-03-28' },
      '2026-03-28T00:00:00.000Z',
    ),
    f.event(
      'OverlapsComputed',
      {
        partnerId: P,
        computationId: 'f0000000-0000-4000-8000-000000000001',
        vendorListId: 'f0000000-0000-4000-8000-000000000002',
        partnerListId: 'f0000000-0000-4000-8000-000000000003',
        vendorAccountCount: 1000,
        partnerAccountCount: 400,
        cells: [
          { vendorPopulation: 'prospect', partnerPopulation: 'customer', count: 30 },
          { vendorPopulation: 'opportunity', partnerPopulation: 'customer', count: 10 },
          { vendorPopulation: 'customer', partnerPopulation: 'prospect', count: 5 },
          { vendorPopulation: 'customer', partnerPopulation: 'customer', count: 7 },
        ],
      },
      '2026-03-30T00:00:00.000Z',
    ),
    f.event(
      'TrainingCompleted',
      {
        partnerId: P,
        trainingCode: 'p101',
        trainingName: 'Product 101',
        attendeeId: 'h2',
        completedAt: '2026-03-15T00:00:00.000Z',
        hours: 4,
      },
      '2026-04-01T00:00:00.000Z',
    ),
  ];
}

/** A test scoring config chosen so every component of the story is a round number. */
export const TEST_SCORING: ScoringConfig = {
  ...DEFAULT_SCORING,
  version: 7,
  potential: {
    weights: DEFAULT_SCORING.potential.weights,
    targets: { employees: 500, salesReps: 20, clientSegments: 4, overlapAccounts: 80, certifiedPeople: 4 },
  },
  utilization: {
    weights: DEFAULT_SCORING.utilization.weights,
    targets: { revenue12m: 8_000_000, pipeline: 1_600_000, registrations90d: 20, trainings90d: 4 },
  },
};
