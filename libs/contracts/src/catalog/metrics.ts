import { z } from 'zod';
import { Count, Id, IsoDateTime, JourneyStage, Money, Percent, Quadrant, Ratio } from './common';

/*
 * Data schemas of the metrics context (stream `metrics.partner-health-<partnerId>`): what the
 * metrics service publishes from its projections, for BI and notifications.
 */

const partnerId = Id.describe('The partner (aggregate id, UUID).');
const potential = Percent.describe('Potential score, 0..100: how much this partner could matter to us.');
const utilization = Percent.describe('Utilization score, 0..100: how much of that potential we use today.');
const asOf = IsoDateTime.describe('The moment the scores were computed for (log position time).');

/**
 * The partner scorecard. Every metric is optional: a metric the service cannot compute yet
 * is left out, and metrics added later appear here without a new schema version. Counts and
 * money are lifetime totals unless the name says otherwise; rates are 0..1.
 */
export const PartnerScorecardMetrics = z
  .object({
    // profile
    employeeCount: Count.optional().describe('Employees.'),
    salesReps: Count.optional().describe('Sales representatives.'),
    ippFit: Percent.optional().describe('Fit to the ideal partner profile, 0..100.'),
    journeyStage: JourneyStage.optional(),
    daysInJourneyStage: Count.optional().describe('Days in the current journey stage.'),
    daysToFirstDeal: Count.nullable()
      .optional()
      .describe('Days from agreement to first won deal; null if none yet.'),
    // enablement
    certifiedPeople: Count.optional().describe('People with at least one valid certification.'),
    activeCertifications: Count.optional().describe('Valid certificates.'),
    certificationsExpiringIn30Days: Count.optional().describe('Certificates expiring in the next 30 days.'),
    trainingsCompleted90d: Count.optional().describe('Trainings completed in the last 90 days.'),
    mdfAllocated: Money.optional().describe('MDF allocated.'),
    mdfSpent: Money.optional().describe('MDF spent.'),
    mdfUtilization: Ratio.optional().describe('MDF spent / allocated, 0..1.'),
    // registrations
    registrations: Count.optional().describe('Deals registered.'),
    registrations90d: Count.optional().describe('Deals registered in the last 90 days.'),
    approvalRate: Ratio.optional().describe('Approved / decided registrations, 0..1.'),
    conflictRate: Ratio.optional().describe('Registrations with a channel conflict / all, 0..1.'),
    expiredRegistrations: Count.optional().describe('Registrations that expired.'),
    // pipeline and revenue
    openDeals: Count.optional().describe('Open deals.'),
    openPipeline: Money.optional().describe('Estimated value of open deals.'),
    dealsWon: Count.optional().describe('Deals won.'),
    dealsLost: Count.optional().describe('Deals lost.'),
    winRate: Ratio.optional().describe('Won / (won + lost), 0..1.'),
    wonRevenueSourced: Money.optional().describe('Won revenue from deals the partner sourced.'),
    wonRevenueInfluenced: Money.optional().describe('Won revenue from deals the partner influenced.'),
    wonRevenue12m: Money.optional().describe('Won revenue (sourced + influenced) in the last 12 months.'),
    averageDealSize: Money.optional().describe('Average won deal value.'),
    averageDealCycleDays: z.number().min(0).optional().describe('Average days from registration to close.'),
    daysSinceLastDealWon: Count.nullable().optional().describe('Days since the last won deal; null if none.'),
    commissionAccrued: Money.optional().describe('Commission accrued.'),
    // customers
    customersA: Count.optional().describe('Distinct class A customers in the partner’s deals.'),
    customersB: Count.optional().describe('Distinct class B customers in the partner’s deals.'),
    customersC: Count.optional().describe('Distinct class C customers in the partner’s deals.'),
    // account mapping
    overlapOurProspectsTheirCustomers: Count.optional().describe(
      'Our prospects that are the partner’s customers (the partner can introduce us).',
    ),
    overlapOurOpportunitiesTheirCustomers: Count.optional().describe(
      'Our opportunities that are the partner’s customers (the partner can accelerate them).',
    ),
    overlapOurCustomersTheirProspects: Count.optional().describe(
      'Our customers that are the partner’s prospects.',
    ),
  })
  .describe('The partner’s metrics; any metric may be missing when it cannot be computed yet.');

export const PartnerScorecardUpdatedData = z.object({
  partnerId,
  asOf,
  potential,
  utilization,
  quadrant: Quadrant,
  metrics: PartnerScorecardMetrics,
  changedMetrics: z
    .array(z.string().min(1))
    .optional()
    .describe('Names of the metrics that changed since the previous scorecard.'),
});

export const PartnerQuadrantChangedData = z.object({
  partnerId,
  asOf,
  quadrant: Quadrant.describe('The new quadrant.'),
  previousQuadrant: Quadrant.nullable().describe('The quadrant before; null on the first placement.'),
  potential,
  utilization,
  thresholds: z
    .object({
      potential: Percent.describe('Potential at or above this is "high".'),
      utilization: Percent.describe('Utilization at or above this is "high".'),
    })
    .optional()
    .describe('The cut-offs used to place the partner.'),
});

export const ScoringClockTickedData = z.object({
  asOf: IsoDateTime.describe(
    'Every registered partner is scored again as of this moment (midnight UTC of the day it closes).',
  ),
});
