import type { DataOf, RecordedEvent } from '@prm/contracts';
import type { Projection } from '@prm/projections';
import type { EntityManager } from 'typeorm';
import { partnerViewMigrations } from './deals.migrations';

/**
 * The deals service's local view of partners, built from prm.partners.events.v1: whether a
 * partner may register deals (journey stage), its PAM (who may approve), its program (the
 * protection window) and its tier history (the commission rate on a registration date). Deals
 * never call the partners service: a partner's registration reaches this view through Kafka.
 */
export const partnerViewProjection: Projection = {
  name: 'deals-partner-view',
  contexts: ['partners'],
  migrations: partnerViewMigrations,
  tables: ['deals_partner_view', 'deals_partner_tiers'],
  entities: [],
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'PartnerRegistered': {
        const d = event.data as DataOf<'PartnerRegistered'>;
        await manager.query(
          `INSERT INTO deals_partner_view (partner_id, legal_name, program) VALUES ($1, $2, $3)
           ON CONFLICT (partner_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, program = EXCLUDED.program`,
          [d.partnerId, d.legalName, d.program ?? 'default'],
        );
        return;
      }
      case 'PartnerProfileUpdated': {
        const d = event.data as DataOf<'PartnerProfileUpdated'> & { legalName?: string };
        if (d.legalName)
          await manager.query('UPDATE deals_partner_view SET legal_name = $2 WHERE partner_id = $1', [
            d.partnerId,
            d.legalName,
          ]);
        return;
      }
      case 'PartnerJourneyStageReached': {
        const d = event.data as DataOf<'PartnerJourneyStageReached'>;
        await manager.query(
          `INSERT INTO deals_partner_view (partner_id, stage) VALUES ($1, $2)
           ON CONFLICT (partner_id) DO UPDATE SET stage = EXCLUDED.stage`,
          [d.partnerId, d.stage],
        );
        return;
      }
      case 'PamAssigned': {
        const d = event.data as DataOf<'PamAssigned'>;
        await manager.query(
          `INSERT INTO deals_partner_view (partner_id, pam_id) VALUES ($1, $2)
           ON CONFLICT (partner_id) DO UPDATE SET pam_id = EXCLUDED.pam_id`,
          [d.partnerId, d.pamId],
        );
        return;
      }
      case 'PartnerTierChanged': {
        const d = event.data as DataOf<'PartnerTierChanged'>;
        await manager.query(
          `INSERT INTO deals_partner_tiers (partner_id, effective_from, position, tier, discount_percent)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [d.partnerId, d.effectiveFrom, event.globalPosition.toString(), d.tier, d.discountPercent],
        );
        return;
      }
      default:
        return;
    }
  },
};
