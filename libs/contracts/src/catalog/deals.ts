import { z } from 'zod';
import {
  Count,
  CountryCode,
  CurrencyCode,
  CustomerClass,
  DealAttribution,
  DealStage,
  DecimalAmount,
  Id,
  IsoDate,
  IsoDateTime,
  Money,
  PartnerTier,
  Percent,
  Slug,
  TaxId,
  UserRef,
  WebDomain,
} from './common';

/*
 * Data schemas of the deals context. Deal events live in `deals.deal-<dealId>` (the commission
 * ledger of a deal too), customer classification in `deals.customer-<customerId>`, exchange rates
 * in `deals.exchange-rate-<FROM>-<TO>`, a program's deal policy in `deals.policy-<program>`.
 * Every deal event names the partner so a consumer can attribute it without a lookup; the partner
 * is null on a direct deal (one the vendor's direct team works without a partner).
 */

const dealId = Id.describe('The deal registration (aggregate id, UUID).');
const partnerId = Id.describe('The partner that registered the deal, UUID.');
const dealPartnerId = Id.nullable().describe(
  'The partner that registered the deal, UUID; null for a direct deal of the vendor’s own sales team.',
);
const commissionId = Id.describe('The commission ledger entry, UUID.');

export const EndCustomer = z
  .object({
    name: z.string().min(1).max(300).describe('End customer’s company name as entered.'),
    domain: WebDomain.optional().describe('End customer’s web domain, e.g. "customer.example".'),
    taxId: TaxId.optional(),
    country: CountryCode.describe('End customer’s country, ISO 3166-1 alpha-2.'),
  })
  .describe('The end customer of a deal.');

export const CustomerMatchKeys = z
  .object({
    domain: z.string().optional().describe('Normalized web domain (punycode, no www), when given.'),
    taxId: z.string().optional().describe('Normalized tax id as "<scheme>:<value>", when given.'),
    nameCountry: z
      .string()
      .describe('Normalized company name (legal forms and quotes stripped, transliterated) + "|" + country.'),
    nameVariants: z
      .array(z.string())
      .optional()
      .describe(
        'Other plausible Latin spellings of the name, same format as nameCountry (a Cyrillic name by three ' +
          'transliteration schemes, Latin diacritics plain and expanded; at most 5); absent when there are none.',
      ),
  })
  .describe(
    'The normalized keys the customer is matched on (libs/normalization), strongest first: tax id, domain, name.',
  );

export const DealRegisteredData = z.object({
  dealId,
  partnerId: dealPartnerId,
  channel: z
    .enum(['partner', 'direct'])
    .describe('partner: registered by a partner; direct: a deal of the vendor’s direct sales team.'),
  customer: EndCustomer,
  customerKeys: CustomerMatchKeys.optional(),
  customerId: Id.optional().describe('The end customer once matched to a classified customer, UUID.'),
  customerClass: CustomerClass.optional().describe(
    'ABC class of the customer at registration, when classified.',
  ),
  estimatedValue: Money.describe('Estimated deal value.'),
  expectedCloseDate: IsoDate.describe('When the partner expects to close.'),
  products: z
    .array(Slug)
    .min(1)
    .describe('Product codes in the deal, e.g. ["crm-enterprise", "crm-analytics"].'),
  attribution: DealAttribution.nullable().describe(
    'sourced: the partner found the deal; influenced: the partner helped a deal the vendor found; null for a direct deal.',
  ),
  registeredBy: UserRef.optional().describe('The partner user (or direct seller) who registered the deal.'),
  registeredAt: IsoDateTime.optional().describe('When the registration was recorded (UTC).'),
  pamId: UserRef.nullable().optional().describe('The partner’s PAM at registration; null when none.'),
  program: Slug.optional().describe('The partner’s program, whose policy sets the protection window.'),
  holdsProtection: z
    .boolean()
    .optional()
    .describe(
      'Whether this registration holds the customer’s protection (the first valid registration does).',
    ),
  protectedUntil: IsoDate.nullable()
    .optional()
    .describe('Last day of protection unless the deal progresses; null when it holds none.'),
  description: z.string().max(4000).optional().describe('Free-text description of the opportunity.'),
});

export const DealConflictDetectedData = z.object({
  dealId,
  partnerId: dealPartnerId,
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
        conflictingRegisteredAt: IsoDateTime.optional().describe('When the other deal was registered.'),
        firstDealId: Id.optional().describe(
          'Which of the two deals was registered first (it holds protection).',
        ),
        evidence: z
          .enum(['same_customer', 'possible_same_customer'])
          .optional()
          .describe(
            'same_customer: a shared tax id or web domain, the protection rules apply; possible_same_customer: ' +
              'only the name and country match (and the tax ids do not differ), so the vendor decides whether it ' +
              'is one customer and neither registration loses protection by it. Absent (older events): same_customer.',
          ),
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
  coSeller: UserRef.optional().describe('The vendor co-seller assigned to the deal, when there is one.'),
  suggestedCoSeller: UserRef.optional().describe(
    'For a class B customer without a co-seller: the vendor seller suggested to join (account owner or PAM).',
  ),
  approvedBy: UserRef.optional().describe('The vendor admin or PAM who approved.'),
  note: z.string().max(2000).optional().describe('Note from the approver.'),
  protectionTransferredFrom: Id.optional().describe(
    'When the approval took protection over from another registration of the same customer: that deal ' +
      '(it got DealProtectionRevoked first, with the reason). Absent when nobody else held protection.',
  ),
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
  rejectedBy: UserRef.optional().describe('The vendor admin or PAM who rejected.'),
});

export const DealRegistrationExpiredData = z.object({
  dealId,
  partnerId,
  protectedUntil: IsoDate.describe('The protection end date that passed without progress.'),
  lastStage: DealStage.optional().describe('Stage the deal was in when it expired.'),
  neverProtected: z
    .boolean()
    .optional()
    .describe(
      'true when the registration never held protection (a later registration in conflict): it closes when ' +
        'the same window a protected one would have had ends, and `protectedUntil` is that window’s last day.',
    ),
});

export const DealProtectionLapsedData = z.object({
  dealId,
  partnerId,
  protectedUntil: IsoDate.describe('The last day of protection, passed without progress.'),
  lastStage: DealStage.optional().describe('Stage the deal was in when its protection lapsed.'),
});

export const DealProtectionRevokedData = z.object({
  dealId,
  partnerId,
  protectedUntil: IsoDate.describe('The last day of protection the registration had before the revocation.'),
  reason: z.string().min(1).max(2000).describe('Why, as shown to the partner.'),
  revokedBy: UserRef.describe('The vendor admin or PAM who transferred the protection.'),
  transferredToDealId: Id.describe('The registration of the same customer that holds protection now.'),
  transferredToPartnerId: Id.describe('The partner of that registration.'),
});

export const DealCoSellerAssignedData = z.object({
  dealId,
  partnerId: dealPartnerId,
  coSeller: UserRef.describe('The vendor seller who co-sells the deal with the partner.'),
  previousCoSeller: UserRef.nullable().describe('The co-seller before; null when none.'),
});

export const DealProtectionExtensionRequestedData = z.object({
  dealId,
  partnerId,
  requestId: Id.describe('This extension request, UUID.'),
  days: z.int().min(1).max(365).describe('Days of protection asked for beyond the current end.'),
  reason: z.string().min(1).max(2000).describe('Why the partner needs more time.'),
  protectedUntil: IsoDate.describe('The protection end at the time of the request.'),
});

export const DealProtectionExtendedData = z.object({
  dealId,
  partnerId,
  requestId: Id.describe('The extension request approved, UUID.'),
  protectedUntil: IsoDate.describe('The new last day of protection.'),
  previousProtectedUntil: IsoDate.describe('The last day of protection before.'),
});

export const DealProtectionExtensionRejectedData = z.object({
  dealId,
  partnerId,
  requestId: Id.describe('The extension request refused, UUID.'),
  reason: z.string().min(1).max(2000).describe('Why, as shown to the partner.'),
});

export const DealStageChangedData = z.object({
  dealId,
  partnerId: dealPartnerId,
  stage: DealStage.describe('The new stage.'),
  previousStage: DealStage.describe('The stage before.'),
  estimatedValue: Money.optional().describe('Updated estimated value, when it changed with the stage.'),
  expectedCloseDate: IsoDate.optional().describe(
    'Updated expected close date, when it changed with the stage.',
  ),
  protectedUntil: IsoDate.optional().describe('The protection end, renewed because the deal progressed.'),
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
  partnerId: dealPartnerId,
  wonValue: Money.describe('Final contract value.'),
  closedOn: IsoDate.describe('Date the deal was won.'),
  attribution: DealAttribution.nullable().describe('sourced or influenced; null for a direct deal.'),
  cycleDays: Count.describe('Days from registration to win.'),
  customerClass: CustomerClass.optional().describe('ABC class of the customer at close.'),
  products: z.array(Slug).optional().describe('Product codes sold.'),
  influencingPartnerIds: z
    .array(Id)
    .optional()
    .describe('Partners with influence records on the deal (credited as influenced revenue).'),
});

export const DealLostData = z.object({
  dealId,
  partnerId: dealPartnerId,
  lostReason: z
    .enum(['price', 'competitor', 'no_decision', 'budget', 'timing', 'product_fit', 'other'])
    .describe('Why: price, competitor, no_decision, budget, timing, product_fit, other.'),
  note: z.string().max(2000).optional().describe('Free-text explanation.'),
  competitor: z.string().max(200).optional().describe('Who won instead, when known.'),
  closedOn: IsoDate.describe('Date the deal was lost.'),
  cycleDays: Count.describe('Days from registration to loss.'),
  stage: DealStage.optional().describe('Stage the deal was in when lost.'),
});

const ReportingAmount = z
  .object({
    amount: Money.describe('The commission in the reporting currency.'),
    rate: DecimalAmount.describe('Units of the reporting currency per unit of the deal currency.'),
    rateDate: IsoDate.describe('Date of the exchange rate used (the latest on or before the close date).'),
  })
  .describe('The commission converted to the configured reporting currency.');

export const CommissionAccruedData = z.object({
  dealId,
  partnerId,
  commissionId,
  tier: PartnerTier.describe('The partner’s tier the rate came from.'),
  ratePercent: Percent.describe('Commission (margin) rate applied, 0..100.'),
  baseAmount: Money.describe('The amount the rate was applied to (normally the won value).'),
  amount: Money.describe('Commission due to the partner, same currency as the base.'),
  attribution: DealAttribution,
  payableFrom: IsoDate.optional().describe('First day the commission may be paid out.'),
  tierOn: IsoDate.optional().describe('The date whose tier was used: the deal’s registration date.'),
  accruedOn: IsoDate.optional().describe('The date of the accrual (the close date).'),
  reporting: ReportingAmount.optional(),
  tierAt: IsoDateTime.optional().describe(
    'The instant whose tier was used: the registration time. A tier change recorded after it pays later deals only.',
  ),
  entryTier: z
    .boolean()
    .optional()
    .describe('true when no tier change was in force at registration and the program’s entry tier paid.'),
  protectedAtWin: z
    .boolean()
    .optional()
    .describe(
      'Whether the registration still held protection when won; a win without protection earns the same rate.',
    ),
});

export const CommissionApprovedData = z.object({
  dealId,
  partnerId,
  commissionId,
  approvedBy: UserRef.describe('Who approved the ledger entry for payout.'),
});

export const CommissionPaidData = z.object({
  dealId,
  partnerId,
  commissionId,
  paidOn: IsoDate.describe('Date of the payout.'),
  paymentReference: z.string().min(1).max(200).describe('Reference of the payment (invoice, transfer).'),
});

export const CommissionCorrectedData = z.object({
  dealId,
  partnerId,
  commissionId: commissionId.describe('This correction, a new ledger entry, UUID.'),
  correctsCommissionId: Id.describe('The ledger entry corrected, UUID (never edited).'),
  direction: z
    .enum(['credit', 'debit'])
    .describe('credit: more is due to the partner; debit: less is due (a claw-back).'),
  amount: Money.describe('The size of the correction, in the corrected entry’s currency.'),
  reason: z.string().min(1).max(2000).describe('Why the correction was made.'),
});

export const CustomerClassifiedData = z.object({
  customerId: Id.describe('The end customer (aggregate id, UUID).'),
  customerName: z.string().min(1).max(300).describe('End customer’s company name.'),
  domain: WebDomain.optional().describe('End customer’s web domain.'),
  taxId: TaxId.optional(),
  country: CountryCode.optional().describe('End customer’s country, ISO 3166-1 alpha-2.'),
  customerKeys: CustomerMatchKeys.optional(),
  customerClass: CustomerClass,
  previousClass: CustomerClass.nullable().describe('The class before; null on the first classification.'),
  accountOwner: UserRef.optional().describe(
    'The vendor seller who owns the account; suggested as co-seller on class B deals.',
  ),
  reason: z.string().max(2000).optional().describe('Why this class.'),
  openDealCount: Count.optional().describe('Open partner deals for this customer when it was classified.'),
});

export const ExchangeRateRecordedData = z.object({
  from: CurrencyCode.describe('The currency converted from (a deal currency).'),
  to: CurrencyCode.describe('The currency converted to (the reporting currency).'),
  rate: DecimalAmount.describe('Units of `to` per unit of `from`, e.g. "0.0105".'),
  effectiveOn: IsoDate.describe('The day the rate applies from.'),
});

export const DealPolicyDefinedData = z.object({
  program: Slug.describe('The partner program the policy applies to, e.g. "default".'),
  protectionDays: z
    .int()
    .min(1)
    .max(730)
    .describe('Days a registration protects its partner unless the deal progresses.'),
  maxExtensionDays: z.int().min(0).max(365).describe('The most days one extension request may add.'),
  allowStageSkipping: z
    .boolean()
    .optional()
    .describe(
      'Whether a deal may skip open stages forward (e.g. qualified → negotiation); absent or false: one stage at a time.',
    ),
});
