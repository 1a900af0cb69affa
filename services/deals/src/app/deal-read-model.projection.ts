import type { DataOf, RecordedEvent } from '@prm/contracts';
import type { Projection } from '@prm/projections';
import type { EntityManager } from 'typeorm';
import { dealReadModelMigrations } from './deals.migrations';

/** The strongest normalized key of a customer: how deals of one customer are grouped. */
export function customerKeyOf(keys: DataOf<'DealRegistered'>['customerKeys'], fallback: string): string {
  if (keys?.taxId) return `tax_id:${keys.taxId}`;
  if (keys?.domain) return `domain:${keys.domain}`;
  if (keys?.nameCountry) return `name:${keys.nameCountry}`;
  return `name:${fallback}`;
}

/**
 * The deals read models: the deal list (by partner, status, customer, PAM), the conflict queue
 * and the commission ledger. Every handler is an idempotent upsert/update keyed by ids from the
 * event, so a rebuild gives the same rows.
 */
export const dealReadModelProjection: Projection = {
  name: 'deals-read-model',
  contexts: ['deals'],
  migrations: dealReadModelMigrations,
  tables: ['deals_deal', 'deals_conflict', 'deals_commission'],
  entities: [],
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const at = event.metadata.occurredAt;
    const q = (sql: string, params: unknown[]) => manager.query(sql, params);
    switch (event.type) {
      case 'DealRegistered': {
        const d = event.data as DataOf<'DealRegistered'>;
        await q(
          `INSERT INTO deals_deal (deal_id, partner_id, channel, customer_name, customer_country, customer_domain,
             customer_tax_id, customer_key, customer_id, customer_class, status, stage, attribution, value_amount,
             currency, expected_close_date, products, registered_at, registered_by, pam_id, holds_protection,
             protected_until, updated_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'open','registered',$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)
           ON CONFLICT (deal_id) DO NOTHING`,
          [
            d.dealId,
            d.partnerId,
            d.channel,
            d.customer.name,
            d.customer.country,
            d.customer.domain ?? null,
            d.customer.taxId ? `${d.customer.taxId.scheme}:${d.customer.taxId.value}` : null,
            customerKeyOf(d.customerKeys, `${d.customer.name}|${d.customer.country}`),
            d.customerId ?? null,
            d.customerClass ?? null,
            d.attribution,
            d.estimatedValue.amount,
            d.estimatedValue.currency,
            d.expectedCloseDate,
            JSON.stringify(d.products),
            d.registeredAt ?? at,
            d.registeredBy ?? null,
            d.pamId ?? null,
            d.holdsProtection ?? false,
            d.protectedUntil ?? null,
            at,
          ],
        );
        return;
      }
      case 'DealConflictDetected': {
        const d = event.data as DataOf<'DealConflictDetected'>;
        for (const c of d.conflicts) {
          await q(
            `INSERT INTO deals_conflict (deal_id, conflicting_deal_id, kind, conflicting_partner_id, matched_on,
               first_deal_id, detected_at, evidence)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
            [
              d.dealId,
              c.conflictingDealId ?? '00000000-0000-0000-0000-000000000000',
              c.kind,
              c.conflictingPartnerId,
              JSON.stringify(c.matchedOn),
              c.firstDealId ?? null,
              at,
              c.evidence ?? 'same_customer',
            ],
          );
        }
        await q(
          `UPDATE deals_deal SET conflict_count = (SELECT count(*) FROM deals_conflict WHERE deal_id = $1),
             updated_at = $2 WHERE deal_id = $1`,
          [d.dealId, at],
        );
        return;
      }
      case 'DealRegistrationApproved': {
        const d = event.data as DataOf<'DealRegistrationApproved'>;
        await q(
          `UPDATE deals_deal SET stage = 'approved', approved_at = $2, protected_until = $3, holds_protection = true,
             customer_class = COALESCE($4, customer_class), co_seller = COALESCE($5, co_seller), updated_at = $2
           WHERE deal_id = $1`,
          [d.dealId, at, d.protectedUntil, d.customerClass ?? null, d.coSeller ?? null],
        );
        return;
      }
      case 'DealRegistrationRejected':
        await q(
          `UPDATE deals_deal SET status = 'rejected', protected_until = NULL, updated_at = $2 WHERE deal_id = $1`,
          [(event.data as DataOf<'DealRegistrationRejected'>).dealId, at],
        );
        return;
      case 'DealRegistrationExpired':
        await q(
          `UPDATE deals_deal SET status = 'expired', protected_until = NULL, updated_at = $2 WHERE deal_id = $1`,
          [(event.data as DataOf<'DealRegistrationExpired'>).dealId, at],
        );
        return;
      case 'DealProtectionLapsed':
      case 'DealProtectionRevoked':
        // The deal stays open; only its protection ends.
        await q(
          `UPDATE deals_deal SET protected_until = NULL, holds_protection = false, updated_at = $2 WHERE deal_id = $1`,
          [(event.data as DataOf<'DealProtectionLapsed'>).dealId, at],
        );
        return;
      case 'DealCoSellerAssigned': {
        const d = event.data as DataOf<'DealCoSellerAssigned'>;
        await q('UPDATE deals_deal SET co_seller = $2, updated_at = $3 WHERE deal_id = $1', [
          d.dealId,
          d.coSeller,
          at,
        ]);
        return;
      }
      case 'DealProtectionExtensionRequested': {
        const d = event.data as DataOf<'DealProtectionExtensionRequested'>;
        await q('UPDATE deals_deal SET pending_extension = $2, updated_at = $3 WHERE deal_id = $1', [
          d.dealId,
          d.requestId,
          at,
        ]);
        return;
      }
      case 'DealProtectionExtended': {
        const d = event.data as DataOf<'DealProtectionExtended'>;
        await q(
          'UPDATE deals_deal SET pending_extension = NULL, protected_until = $2, updated_at = $3 WHERE deal_id = $1',
          [d.dealId, d.protectedUntil, at],
        );
        return;
      }
      case 'DealProtectionExtensionRejected':
        await q('UPDATE deals_deal SET pending_extension = NULL, updated_at = $2 WHERE deal_id = $1', [
          (event.data as DataOf<'DealProtectionExtensionRejected'>).dealId,
          at,
        ]);
        return;
      case 'DealStageChanged': {
        const d = event.data as DataOf<'DealStageChanged'>;
        await q(
          `UPDATE deals_deal SET stage = $2, value_amount = COALESCE($3, value_amount),
             expected_close_date = COALESCE($4, expected_close_date), protected_until = COALESCE($5, protected_until),
             updated_at = $6 WHERE deal_id = $1`,
          [
            d.dealId,
            d.stage,
            d.estimatedValue?.amount ?? null,
            d.expectedCloseDate ?? null,
            d.protectedUntil ?? null,
            at,
          ],
        );
        return;
      }
      case 'DealWon': {
        const d = event.data as DataOf<'DealWon'>;
        await q(
          `UPDATE deals_deal SET status = 'won', won_value = $2, closed_on = $3, cycle_days = $4, protected_until = NULL,
             customer_class = COALESCE($5, customer_class), updated_at = $6 WHERE deal_id = $1`,
          [d.dealId, d.wonValue.amount, d.closedOn, d.cycleDays, d.customerClass ?? null, at],
        );
        return;
      }
      case 'DealLost': {
        const d = event.data as DataOf<'DealLost'>;
        await q(
          `UPDATE deals_deal SET status = 'lost', closed_on = $2, cycle_days = $3, lost_reason = $4, protected_until = NULL,
             updated_at = $5 WHERE deal_id = $1`,
          [d.dealId, d.closedOn, d.cycleDays, d.lostReason, at],
        );
        return;
      }
      case 'CommissionAccrued': {
        const d = event.data as DataOf<'CommissionAccrued'>;
        await q(
          `INSERT INTO deals_commission (commission_id, deal_id, partner_id, kind, direction, tier, rate_percent, amount,
             currency, reporting_amount, reporting_currency, status, accrued_on)
           VALUES ($1,$2,$3,'accrual','credit',$4,$5,$6,$7,$8,$9,'accrued',$10) ON CONFLICT DO NOTHING`,
          [
            d.commissionId,
            d.dealId,
            d.partnerId,
            d.tier,
            d.ratePercent,
            d.amount.amount,
            d.amount.currency,
            d.reporting?.amount.amount ?? null,
            d.reporting?.amount.currency ?? null,
            d.accruedOn ?? at.slice(0, 10),
          ],
        );
        return;
      }
      case 'CommissionCorrected': {
        const d = event.data as DataOf<'CommissionCorrected'>;
        await q(
          `INSERT INTO deals_commission (commission_id, deal_id, partner_id, kind, direction, corrects_commission_id,
             amount, currency, status, accrued_on, reason)
           VALUES ($1,$2,$3,'correction',$4,$5,$6,$7,'accrued',$8,$9) ON CONFLICT DO NOTHING`,
          [
            d.commissionId,
            d.dealId,
            d.partnerId,
            d.direction,
            d.correctsCommissionId,
            d.amount.amount,
            d.amount.currency,
            at.slice(0, 10),
            d.reason,
          ],
        );
        return;
      }
      case 'CommissionApproved': {
        const d = event.data as DataOf<'CommissionApproved'>;
        await q(
          `UPDATE deals_commission SET status = 'approved', approved_by = $2 WHERE commission_id = $1 AND status = 'accrued'`,
          [d.commissionId, d.approvedBy],
        );
        return;
      }
      case 'CommissionPaid': {
        const d = event.data as DataOf<'CommissionPaid'>;
        await q(
          `UPDATE deals_commission SET status = 'paid', paid_on = $2, payment_reference = $3 WHERE commission_id = $1`,
          [d.commissionId, d.paidOn, d.paymentReference],
        );
        return;
      }
      default:
        return;
    }
  },
};
