import { z } from 'zod';
import {
  ClientSegment,
  Count,
  CountryCode,
  Id,
  IsoDate,
  IsoDateTime,
  JourneyStage,
  Money,
  PartnerTier,
  PartnerType,
  Percent,
  Slug,
  TaxId,
  UserRef,
  WebDomain,
} from './common';

/* Data schemas of the partners context (stream `partners.partner-<partnerId>`, except the IPP). */

const partnerId = Id.describe('The partner (aggregate id, UUID).');
const specializations = z
  .array(z.string().min(1).max(100))
  .describe('What the partner is good at, e.g. "erp-implementation", "cloud-migration".');
const clientSegments = z.array(ClientSegment).describe('Segments of the partner’s own clients.');
const industries = z
  .array(z.string().min(1).max(100))
  .describe('Industries the partner’s clients are in, e.g. "retail", "manufacturing".');
const legalName = z.string().min(1).max(300).describe('Registered legal name, as written by the partner.');
const region = z.string().min(1).max(100).describe('Region within the country, free text, e.g. "Siberia".');

export const PartnerRegisteredData = z.object({
  partnerId,
  legalName,
  country: CountryCode.describe('Country of registration, ISO 3166-1 alpha-2.'),
  region: region.optional(),
  websiteDomain: WebDomain.describe('The partner’s website domain, e.g. "integrator.example".'),
  taxId: TaxId,
  type: PartnerType,
  employeeCount: Count.describe('Number of employees.'),
  salesReps: Count.describe('Number of sales representatives.'),
  specializations,
  clientSegments,
  industries,
  tier: PartnerTier.optional().describe('Starting program tier, when set on registration.'),
  program: Slug.optional().describe(
    'The partner program the partner joined, e.g. "default"; decides its tiers and its deal protection window.',
  ),
});

/** Fields of the profile a PartnerProfileUpdated may carry. */
export const PROFILE_FIELDS = [
  'legalName',
  'country',
  'region',
  'websiteDomain',
  'taxId',
  'type',
  'employeeCount',
  'salesReps',
  'specializations',
  'clientSegments',
  'industries',
] as const;

export const PartnerProfileUpdatedData = z.object({
  partnerId,
  changedFields: z
    .array(z.enum(PROFILE_FIELDS))
    .min(1)
    .describe('Names of the fields that changed; each one is present below with its new value.'),
  legalName: legalName.optional(),
  country: CountryCode.optional().describe('New country, ISO 3166-1 alpha-2.'),
  region: region.nullable().optional().describe('New region; null when it was cleared.'),
  websiteDomain: WebDomain.optional().describe('New website domain.'),
  taxId: TaxId.optional(),
  type: PartnerType.optional(),
  employeeCount: Count.optional().describe('New number of employees.'),
  salesReps: Count.optional().describe('New number of sales representatives.'),
  specializations: specializations.optional(),
  clientSegments: clientSegments.optional(),
  industries: industries.optional(),
});

export const PartnerJourneyStageReachedData = z.object({
  partnerId,
  stage: JourneyStage.describe('The stage reached.'),
  previousStage: JourneyStage.nullable().describe('The stage before; null for the first stage recorded.'),
  reachedAt: IsoDateTime.describe(
    'When the stage was reached (may be earlier than the event when history is imported).',
  ),
  reason: z
    .string()
    .max(1000)
    .optional()
    .describe('Why, when it is worth saying (e.g. for dormant or churned).'),
});

export const OnboardingStepCompletedData = z.object({
  partnerId,
  step: Slug.describe(
    'Checklist step key: contract, questionnaire, demo_access, certification, distributor_registration, ' +
      'or a key the vendor defined.',
  ),
  stepName: z.string().min(1).max(200).optional().describe('Human name of the step.'),
  completedAt: IsoDateTime.describe('When the step was completed.'),
  completedBy: UserRef.optional().describe('Who completed (or confirmed) the step.'),
  submittedBy: UserRef.optional().describe(
    'For a step the vendor confirms: the partner user who ticked it (OnboardingStepSubmitted).',
  ),
});

export const PartnerTierChangedData = z.object({
  partnerId,
  tier: PartnerTier.describe('The new tier.'),
  previousTier: PartnerTier.nullable().describe('The tier before; null when the partner had none.'),
  discountPercent: Percent.describe('Discount (the partner’s margin) that comes with the new tier, 0..100.'),
  effectiveFrom: IsoDate.describe('First day the new tier applies.'),
  reason: z.string().max(1000).optional().describe('Why the tier changed.'),
  overriddenBy: UserRef.optional().describe(
    'The vendor admin who granted the tier although its requirements were not met; `reason` says why.',
  ),
  waivedRequirements: z
    .array(
      z.object({
        requirement: z
          .enum(['certifiedPeople', 'trailing12MonthRevenue'])
          .describe('The requirement waived.'),
        actual: z.string().min(1).max(100).describe('What the partner had, e.g. "2500000.50 RUB".'),
        required: z.string().min(1).max(100).describe('What the tier asks, in the same unit.'),
      }),
    )
    .optional()
    .describe('With overriddenBy: each requirement the vendor admin waived, actual against required.'),
});

export const PamAssignedData = z.object({
  partnerId,
  pamId: UserRef.describe('The partner account manager now responsible for the partner.'),
  previousPamId: UserRef.nullable().describe('The PAM before; null when none was assigned.'),
  pamPartnerCount: Count.optional().describe(
    'How many partners the PAM runs after this assignment (about 10 is a full load).',
  ),
});

const certificationId = Id.describe('This certificate (one person, one certification), UUID.');
const holderId = z
  .string()
  .min(1)
  .max(200)
  .describe('The certified person at the partner (an id, not a name: BI sees this).');
const certificationCode = Slug.describe(
  'Which certification, e.g. "sales-professional", "presale-engineer".',
);

export const CertificationGrantedData = z.object({
  partnerId,
  certificationId,
  certificationCode,
  certificationName: z.string().min(1).max(200).describe('Human name of the certification.'),
  holderId,
  grantedOn: IsoDate.describe('Date the certificate was granted.'),
  expiresOn: IsoDate.nullable().describe('Date the certificate expires; null when it does not.'),
});

export const CertificationExpiredData = z.object({
  partnerId,
  certificationId,
  certificationCode,
  holderId,
  expiredOn: IsoDate.describe('Date the certificate expired.'),
});

export const TrainingCompletedData = z.object({
  partnerId,
  trainingCode: Slug.describe('Which training, e.g. "product-101".'),
  trainingName: z.string().min(1).max(200).describe('Human name of the training.'),
  attendeeId: z.string().min(1).max(200).describe('The person at the partner who completed it (an id).'),
  completedAt: IsoDateTime.describe('When it was completed.'),
  hours: z.number().min(0).optional().describe('Length of the training in hours.'),
  score: Percent.optional().describe('Result, 0..100, when the training is graded.'),
});

const allocationId = Id.describe('The MDF allocation, UUID.');

export const MdfAllocatedData = z.object({
  partnerId,
  allocationId,
  amount: Money.describe('Marketing development funds allocated.'),
  validFrom: IsoDate.describe('First day the funds may be spent.'),
  validUntil: IsoDate.describe('Last day the funds may be spent.'),
  purpose: z.string().max(1000).optional().describe('What the funds are for, e.g. a campaign.'),
});

export const MdfSpentData = z.object({
  partnerId,
  allocationId,
  spendId: Id.describe('This spend, UUID.'),
  amount: Money.describe('Amount spent, in the allocation’s currency.'),
  spentOn: IsoDate.describe('Date of the spend.'),
  activity: z
    .string()
    .min(1)
    .max(1000)
    .describe('What the money was spent on, e.g. "webinar", "trade show".'),
  claimReference: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Reference of the claim the partner filed for the spend (invoice or report number).'),
  claimedBy: UserRef.optional().describe(
    'The partner user who claimed the spend (MdfSpendClaimed), when it did.',
  ),
  confirmedBy: UserRef.optional().describe('The vendor user who confirmed a partner’s claim.'),
});

export const PartnerChurnedData = z.object({
  partnerId,
  reason: z
    .enum(['inactive', 'terminated_by_vendor', 'terminated_by_partner', 'acquired', 'other'])
    .describe(
      'Why the partner left: inactive, terminated_by_vendor, terminated_by_partner, acquired, other.',
    ),
  note: z.string().max(2000).optional().describe('Free-text explanation.'),
  lastDealWonOn: IsoDate.nullable().optional().describe('Date of the partner’s last won deal; null if none.'),
});

export const PartnerReactivatedData = z.object({
  partnerId,
  reactivatedAt: IsoDateTime.describe(
    'When the churned partner was taken back; its journey restarts at contacted.',
  ),
  note: z.string().max(2000).optional().describe('Free-text explanation.'),
});

export const OnboardingChecklistAssignedData = z.object({
  partnerId,
  steps: z
    .array(
      z.object({
        step: Slug.describe('Checklist step key, e.g. "contract", "demo_access".'),
        name: z.string().min(1).max(200).describe('Human name of the step.'),
        required: z.boolean().describe('Whether the step must be completed before the partner is enabled.'),
      }),
    )
    .describe('The onboarding checklist the partner goes through, in order (from its program).'),
});

const checklistStep = z.object({
  step: Slug.describe('Checklist step key, e.g. "contract", "demo_access".'),
  name: z.string().min(1).max(200).describe('Human name of the step.'),
  required: z.boolean().describe('Whether the step must be completed before the partner is enabled.'),
});

export const PartnerProgramDefinedData = z.object({
  program: Slug.describe('The program key, e.g. "default", "enterprise".'),
  name: z.string().min(1).max(200).describe('Human name of the program.'),
  tiers: z
    .array(
      z.object({
        tier: PartnerTier,
        discountPercent: Percent.describe('Discount (the partner’s margin) in this tier, 0..100.'),
        requirements: z
          .object({
            certifiedPeople: Count.optional().describe('Certified people the partner needs at least.'),
            trailing12MonthRevenue: Money.optional().describe(
              'Revenue over the last 12 months the partner needs at least.',
            ),
          })
          .describe('What a partner must meet to hold the tier; empty means nothing.'),
      }),
    )
    .min(1)
    .describe('The program’s tiers, lowest first.'),
  onboardingChecklist: z
    .array(checklistStep)
    .describe('Onboarding steps of partners in this program, in order.'),
});

export const PamOverCapacityData = z.object({
  partnerId,
  pamId: UserRef.describe('The partner account manager who now runs more partners than the capacity.'),
  partnerCount: Count.describe('How many partners the PAM runs after the assignment.'),
  capacity: Count.describe('How many partners a PAM runs well (10 unless configured).'),
});

const range = (what: string) =>
  z
    .object({
      min: Count.optional().describe(`Smallest ${what}.`),
      max: Count.optional().describe(`Largest ${what}.`),
    })
    .describe(`Range of ${what}; a missing bound is open.`);

export const IdealPartnerProfileDefinedData = z.object({
  profileId: Id.describe('The ideal partner profile (aggregate id, UUID).'),
  name: z.string().min(1).max(200).describe('Name of the profile, e.g. "Enterprise integrators, CIS".'),
  partnerTypes: z.array(PartnerType).describe('Partner types that fit; empty means any.'),
  employeeCount: range('employee count').optional(),
  salesReps: range('number of sales reps').optional(),
  countries: z.array(CountryCode).describe('Countries that fit (ISO 3166-1 alpha-2); empty means any.'),
  regions: z.array(region).optional().describe('Regions that fit; empty or missing means any.'),
  specializations: specializations.describe('Specializations that fit; empty means any.'),
  clientSegments: clientSegments.describe('Client segments that fit; empty means any.'),
  industries: industries.describe('Industries that fit; empty means any.'),
  weights: z
    .object({
      partnerType: Percent.optional(),
      size: Percent.optional(),
      geography: Percent.optional(),
      specialization: Percent.optional(),
      clientSegments: Percent.optional(),
      industries: Percent.optional(),
    })
    .optional()
    .describe(
      'Relative weight of each criterion in the fit score, 0..100 each; missing means equal weights.',
    ),
});

/**
 * The tiers of the built-in "default" partner program (lowest first), until a vendor redefines it
 * with PartnerProgramDefined. Shared by the partners service (its default program) and the deals
 * service (the entry tier a partner holds before its first PartnerTierChanged).
 */
export const DEFAULT_PROGRAM_TIERS: z.infer<typeof PartnerProgramDefinedData>['tiers'] = [
  { tier: 'registered', discountPercent: 10, requirements: {} },
  { tier: 'silver', discountPercent: 20, requirements: { certifiedPeople: 2 } },
  {
    tier: 'gold',
    discountPercent: 30,
    requirements: {
      certifiedPeople: 5,
      trailing12MonthRevenue: { amount: '10000000.00', currency: 'RUB' },
    },
  },
  {
    tier: 'platinum',
    discountPercent: 40,
    requirements: {
      certifiedPeople: 10,
      trailing12MonthRevenue: { amount: '50000000.00', currency: 'RUB' },
    },
  },
];
export const PamCapacitySetData = z.object({
  pamId: UserRef.describe('The partner account manager (stream `partners.pam-<pamId>`).'),
  capacity: z.int().min(1).describe('How many partners this PAM runs well, from now on.'),
  previousCapacity: z
    .int()
    .min(1)
    .nullable()
    .describe('The PAM’s own capacity before; null when the default applied.'),
  setBy: UserRef.describe('The vendor admin who set it.'),
  reason: z.string().max(1000).optional().describe('Why.'),
});

export const PamLoadReviewedData = z.object({
  pamId: UserRef.describe('The partner account manager whose load was re-evaluated.'),
  partnerCount: Count.describe('Partners the PAM runs now (churned partners do not count).'),
  capacity: z.int().min(1).describe('The PAM’s capacity (its own, or the default).'),
  overCapacity: z
    .boolean()
    .describe('partnerCount > capacity: the warning is raised (true) or cleared (false).'),
  cause: z
    .enum(['assigned', 'reassigned_away', 'churned', 'reactivated', 'capacity_changed'])
    .describe(
      'What changed the load: a partner assigned, moved to another PAM, churned, reactivated; or the capacity.',
    ),
  partnerId: Id.optional().describe('The partner whose change caused the review, when one did.'),
});

export const PartnerDormancyDetectedData = z.object({
  partnerId,
  lastActivityKind: z
    .enum(['deal_registered', 'deal_won', 'training', 'became_active'])
    .describe(
      'The latest of the partner’s deal registrations, wins and trainings; became_active when it had none since it became active.',
    ),
  lastActivityAt: IsoDateTime.describe('When that last activity happened.'),
  inactiveDays: Count.describe('Whole days from the last activity to the check.'),
  dormantAfterDays: z
    .int()
    .min(1)
    .describe('The configured period without activity that makes a partner dormant.'),
});

/** Profile fields a partner user may propose about itself; the vendor confirms them. */
export const SELF_REPORTED_PROFILE_FIELDS = ['employeeCount', 'salesReps', 'clientSegments'] as const;

export const PartnerProfileChangeProposedData = z.object({
  partnerId,
  proposedFields: z
    .array(z.enum(SELF_REPORTED_PROFILE_FIELDS))
    .min(1)
    .describe(
      'The self-reported fields proposed; each one is present below. Scores use them once confirmed.',
    ),
  employeeCount: Count.optional().describe('Proposed number of employees.'),
  salesReps: Count.optional().describe('Proposed number of sales representatives.'),
  clientSegments: clientSegments.optional(),
  proposedBy: UserRef.describe('The partner user who proposed the values.'),
  proposedAt: IsoDateTime.describe('When.'),
});

export const OnboardingStepSubmittedData = z.object({
  partnerId,
  step: Slug.describe('The checklist step ticked by the partner; it needs the vendor’s confirmation.'),
  stepName: z.string().min(1).max(200).optional().describe('Human name of the step.'),
  submittedBy: UserRef.describe('The partner user who ticked it.'),
  submittedAt: IsoDateTime.describe('When.'),
});

export const MdfSpendClaimedData = z.object({
  partnerId,
  allocationId,
  spendId: Id.describe(
    'The claimed spend, UUID; MdfSpent with this id follows on the vendor’s confirmation.',
  ),
  amount: Money.describe('Amount claimed, in the allocation’s currency.'),
  spentOn: IsoDate.describe('Date of the spend.'),
  activity: z.string().min(1).max(1000).describe('What the money was spent on.'),
  claimReference: z.string().min(1).max(200).optional().describe('Invoice or report number.'),
  claimedBy: UserRef.describe('The partner user who claimed it.'),
});
