import { z } from 'zod';

/*
 * Building blocks shared by every context's event payloads. Each is a function or a schema
 * that a field refines with its own `.describe(...)`, so the exported JSON Schema says what
 * the field means where it is used (a shared description would say only "an id").
 */

/** A platform-generated id (UUID, lower or upper case hex). */
export const Id = z.uuid();

/** A reference to a user of the vendor or a partner (an identity-provider subject, not always a UUID). */
export const UserRef = z.string().min(1).max(200);

/** ISO-8601 UTC date-time, e.g. `2025-03-14T09:30:00.000Z` (what `Date#toISOString()` gives). */
export const IsoDateTime = z.iso.datetime();

/** ISO-8601 calendar date, e.g. `2025-03-14`, for dates without a time of day. */
export const IsoDate = z.iso.date();

/** ISO 3166-1 alpha-2 country code in upper case, e.g. `RU`, `DE`. */
export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code (two upper-case letters)');

/** ISO 4217 currency code in upper case, e.g. `RUB`, `EUR`. */
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code (three upper-case letters)');

/**
 * A non-negative decimal amount as a string (never a float): digits, optionally a dot and up
 * to 6 fractional digits, no sign, no exponent, no leading zeros. `"0"`, `"1250000.50"`.
 */
export const DecimalAmount = z
  .string()
  .regex(
    /^(0|[1-9][0-9]*)(\.[0-9]{1,6})?$/,
    'must be a non-negative decimal string such as "1250000.50" (no sign, no exponent, at most 6 decimals)',
  );

/** A money amount in one currency. Amounts are decimal strings so no precision is lost in JSON. */
export const Money = z
  .object({
    amount: DecimalAmount.describe('Non-negative decimal amount as a string, e.g. "1250000.50".'),
    currency: CurrencyCode.describe('ISO 4217 currency code, e.g. "RUB".'),
  })
  .describe('A money amount: decimal string plus ISO 4217 currency.');
export type Money = z.infer<typeof Money>;

/** A share, 0..1 (e.g. a win rate of 0.35). */
export const Ratio = z.number().min(0).max(1);

/** A score or percentage, 0..100. */
export const Percent = z.number().min(0).max(100);

/** A count of things. */
export const Count = z.int().min(0);

/** A web domain as entered or normalized, e.g. `example.com` (no scheme, no path). */
export const WebDomain = z
  .string()
  .min(3)
  .max(253)
  .regex(/^[^\s/:@]+\.[^\s/:@]+$/, 'must be a bare web domain such as "example.com" (no scheme, no path)');

/** A lower-case machine key such as `demo_access` or `sales-basics`. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, 'must be a lower-case key of letters, digits, "-" and "_"');

/**
 * A tax id. In Russia the INN: 10 digits for an organization, 12 for an individual
 * entrepreneur. The contract checks the shape only; the check digit is the domain's job.
 */
export const TaxId = z
  .discriminatedUnion('scheme', [
    z.object({
      scheme: z.literal('RU_INN').describe('Russian INN.'),
      value: z
        .string()
        .regex(/^(\d{10}|\d{12})$/, 'must be a Russian INN: 10 or 12 digits')
        .describe('The INN, 10 digits (organization) or 12 digits (individual entrepreneur).'),
    }),
    z.object({
      scheme: z.literal('OTHER').describe('Any other national tax or registration number.'),
      value: z.string().min(1).max(64).describe('The number as written by its issuer.'),
    }),
  ])
  .describe('A tax id: `RU_INN` (10 or 12 digits) or `OTHER`.');
export type TaxId = z.infer<typeof TaxId>;

export const PartnerType = z
  .enum(['integrator', 'reseller', 'msp', 'distributor', 'referral'])
  .describe('Kind of partner: integrator, reseller, msp (managed service provider), distributor, referral.');
export type PartnerType = z.infer<typeof PartnerType>;

/** The partner journey, from first contact to first deal and beyond. */
export const JourneyStage = z
  .enum([
    'prospect',
    'contacted',
    'agreement_signed',
    'onboarding',
    'enabled',
    'first_deal_registered',
    'first_deal_won',
    'active',
    'dormant',
    'churned',
  ])
  .describe(
    'Partner journey stage: prospect → contacted → agreement_signed → onboarding → enabled → ' +
      'first_deal_registered → first_deal_won → active; or dormant / churned.',
  );
export type JourneyStage = z.infer<typeof JourneyStage>;

export const PartnerTier = z
  .enum(['registered', 'silver', 'gold', 'platinum'])
  .describe('Partner program tier, lowest to highest: registered, silver, gold, platinum.');
export type PartnerTier = z.infer<typeof PartnerTier>;

export const ClientSegment = z
  .enum(['smb', 'mid_market', 'enterprise', 'public_sector'])
  .describe('Client segment: smb, mid_market, enterprise, public_sector.');
export type ClientSegment = z.infer<typeof ClientSegment>;

/** Partner-health quadrant from potential (x) and utilization (y). */
export const Quadrant = z
  .enum(['retain', 'grow', 'harvest', 'exit'])
  .describe(
    'Partner quadrant: retain (high potential, high utilization), grow (high potential, low utilization), ' +
      'harvest (low potential, high utilization), exit (low potential, low utilization).',
  );
export type Quadrant = z.infer<typeof Quadrant>;

/** The status an account has in its owner's CRM. */
export const AccountPopulation = z
  .enum(['customer', 'opportunity', 'prospect'])
  .describe('CRM account status: customer, opportunity (in the pipeline), prospect (target).');
export type AccountPopulation = z.infer<typeof AccountPopulation>;

/** How much of a population one side of an account mapping shares with the other. */
export const ShareLevel = z
  .enum(['none', 'counts', 'accounts'])
  .describe('What is shared: none, counts (overlap counts only), accounts (the matching accounts).');
export type ShareLevel = z.infer<typeof ShareLevel>;

/** Whether the partner found the deal (sourced) or helped a deal the vendor found (influenced). */
export const DealAttribution = z
  .enum(['sourced', 'influenced'])
  .describe('sourced: the partner found the deal; influenced: the partner helped a deal the vendor found.');
export type DealAttribution = z.infer<typeof DealAttribution>;

/** ABC customer class: how the vendor engages. */
export const CustomerClass = z
  .enum(['A', 'B', 'C'])
  .describe(
    'ABC customer class: A strategic (vendor joins every deal, co-sell required), B shared responsibility, ' +
      'C the partner sells alone.',
  );
export type CustomerClass = z.infer<typeof CustomerClass>;

/** Open stages of a deal, in order; won and lost are their own events (DealWon, DealLost). */
export const DealStage = z
  .enum(['registered', 'approved', 'qualified', 'proposal', 'negotiation'])
  .describe('Open deal stage, in order: registered, approved, qualified, proposal, negotiation.');
export type DealStage = z.infer<typeof DealStage>;

/** Onboarding checklist steps every vendor has; a vendor may add its own step keys. */
export const STANDARD_ONBOARDING_STEPS = [
  'contract',
  'questionnaire',
  'demo_access',
  'certification',
  'distributor_registration',
] as const;
