import { z } from 'zod';
import {
  Count,
  CountryCode,
  CustomerClass,
  DealAttribution,
  DealStage,
  Id,
  IsoDate,
  Money,
  PartnerTier,
  Percent,
  Slug,
  TaxId,
  UserRef,
  WebDomain,
} from './common';

/*
 * Data schemas of the deals context. Deal events live in `deals.deal-<dealId>`, customer
 * classification in `deals.customer-<customerId>`. Every deal event names the partner so a
 * consumer can attribute it without a lookup.
 */

const dealId = Id.describe('The deal registration (aggregate id, UUID).');
const partnerId = Id.describe('The partner that registered the deal, UUID.');

export const EndCustomer = z
  .object({
    name: z.string().min(1).max(300).describe('End customer’s company name as entered.'),
    domain: WebDomain.optional().describe('End customer’s web domain, e.g. "customer.example".'),
    taxId: TaxId.optional(),
    country: CountryCode.describe('End customer’s country, ISO 3166-1 alpha-2.'),
  })
  .describe('The end customer of a deal.');

export const DealRegisteredData = z.object({
  dealId,
  partnerId,
  customer: EndCustomer,
  customerId: Id.optional().describe('The end customer once matched to a known customer, UUID.'),
  estimatedValue: Money.describe('Estimated deal value.'),
  expectedCloseDate: IsoDate.describe('When the partner expects to close.'),
  products: z
    .array(Slug)
    .min(1)
    .describe('Product codes in the deal, e.g. ["crm-enterprise", "crm-analytics"].'),
  attribution: DealAttribution,
  registeredBy: UserRef.optional().describe('The partner user who registered the deal.'),
  description: z.string().max(4000).optional().describe('Free-text description of the opportunity.'),
});

export const DealConflictDetectedData = z.object({
  dealId,
  partnerId,
  conflicts: z
    .array(
      z.object({
        kind: z
          .enum(['partner_registration', 'direct_deal'])
          .describe(
            'partner_registration: another partner registered the same customer; direct_deal: the vendor’s ' +
              'direct team already works it.',
          ),
        conflictingDealId: Id.nullable().describe('The other deal, when known; UUID.'),
        conflictingPartnerId: Id.nullable().describe('The other partner; null for a direct deal.'),
        matchedOn: z
          .array(z.enum(['domain', 'tax_id', 'name']))
          .min(1)
          .describe('Normalized keys that matched: domain, tax_id, name.'),
      }),
    )
    .min(1)
    .describe('Each conflicting registration or direct deal found.'),
});

export const DealRegistrationApprovedData = z.object({
  dealId,
  partnerId,
  protectedUntil: IsoDate.describe(
    'Last day the registration protects the partner unless the deal progresses.',
  ),
  customerClass: CustomerClass.optional().describe('ABC class of the customer at approval, when known.'),
  coSellRequired: z
    .boolean()
    .optional()
    .describe('Whether the vendor takes part in the deal (always for class A).'),
  note: z.string().max(2000).optional().describe('Note from the approver.'),
});

export const DealRegistrationRejectedData = z.object({
  dealId,
  partnerId,
  reasonCode: z
    .enum([
      'channel_conflict',
      'duplicate',
      'direct_deal_exists',
      'not_qualified',
      'insufficient_information',
      'other',
    ])
    .describe(
      'Why: channel_conflict, duplicate, direct_deal_exists, not_qualified, insufficient_information, other.',
    ),
  reason: z.string().min(1).max(2000).describe('The reason in words, as shown to the partner.'),
});

export const DealRegistrationExpiredData = z.object({
  dealId,
  partnerId,
  protectedUntil: IsoDate.describe('The protection end date that passed without progress.'),
  lastStage: DealStage.optional().describe('Stage the deal was in when it expired.'),
});

export const DealStageChangedData = z.object({
  dealId,
  partnerId,
  stage: DealStage.describe('The new stage.'),
  previousStage: DealStage.describe('The stage before.'),
  estimatedValue: Money.optional().describe('Updated estimated value, when it changed with the stage.'),
  expectedCloseDate: IsoDate.optional().describe(
    'Updated expected close date, when it changed with the stage.',
  ),
});

export const DealInfluenceRecordedData = z.object({
  dealId,
  partnerId: Id.describe('The partner that influenced the deal, UUID.'),
  influenceId: Id.describe('This influence record, UUID.'),
  activity: z
    .enum([
      'introduction',
      'presale',
      'demo',
      'technical_validation',
      'implementation_plan',
      'executive_access',
      'other',
    ])
    .describe(
      'What the partner did: introduction, presale, demo, technical_validation, implementation_plan, ' +
        'executive_access, other.',
    ),
  description: z.string().max(2000).optional().describe('Free-text description of the influence.'),
  weightPercent: Percent.optional().describe('Share of the credit given to this influence, 0..100.'),
});

export const DealWonData = z.object({
  dealId,
  partnerId,
  wonValue: Money.describe('Final contract value.'),
  closedOn: IsoDate.describe('Date the deal was won.'),
  attribution: DealAttribution,
  cycleDays: Count.describe('Days from registration to win.'),
  customerClass: CustomerClass.optional().describe('ABC class of the customer at close.'),
  products: z.array(Slug).optional().describe('Product codes sold.'),
});

export const DealLostData = z.object({
  dealId,
  partnerId,
  lostReason: z
    .enum(['price', 'competitor', 'no_decision', 'budget', 'timing', 'product_fit', 'other'])
    .describe('Why: price, competitor, no_decision, budget, timing, product_fit, other.'),
  note: z.string().max(2000).optional().describe('Free-text explanation.'),
  competitor: z.string().max(200).optional().describe('Who won instead, when known.'),
  closedOn: IsoDate.describe('Date the deal was lost.'),
  cycleDays: Count.describe('Days from registration to loss.'),
  stage: DealStage.optional().describe('Stage the deal was in when lost.'),
});

export const CommissionAccruedData = z.object({
  dealId,
  partnerId,
  commissionId: Id.describe('This commission accrual, UUID.'),
  tier: PartnerTier.describe('The partner’s tier the rate came from.'),
  ratePercent: Percent.describe('Commission (margin) rate applied, 0..100.'),
  baseAmount: Money.describe('The amount the rate was applied to (normally the won value).'),
  amount: Money.describe('Commission due to the partner, same currency as the base.'),
  attribution: DealAttribution,
  payableFrom: IsoDate.optional().describe('First day the commission may be paid out.'),
});

export const CustomerClassifiedData = z.object({
  customerId: Id.describe('The end customer (aggregate id, UUID).'),
  customerName: z.string().min(1).max(300).describe('End customer’s company name.'),
  domain: WebDomain.optional().describe('End customer’s web domain.'),
  taxId: TaxId.optional(),
  customerClass: CustomerClass,
  previousClass: CustomerClass.nullable().describe('The class before; null on the first classification.'),
  reason: z.string().max(2000).optional().describe('Why this class.'),
  openDealCount: Count.optional().describe('Open partner deals for this customer when it was classified.'),
});
