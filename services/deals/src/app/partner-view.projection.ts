import type { DataOf, RecordedEvent } from '@prm/contracts';
import type { Projection } from '@prm/projections';
import type { EntityManager } from 'typeorm';
import { partnerViewMigrations } from './deals.migrations';

/**
 * The deals service's local view of partners, built from prm.partners.events.v1: whether a
 * partner may register deals (journey stage), its PAM (who may approve), its program (the
 * protection window), its tier history (the commission rate at a registration) and each
 * program's entry tier (the tier of a partner before its first tier change). Deals
 * never call the partners service: a partner's registration reaches this view through Kafka.
 */
export const partnerViewProjection: Projection = {
  name: 'deals-partner-view',
  contexts: ['partners'],
  migrations: partnerViewMigrations,
  tables: ['deals_partner_view', 'deals_partner_tiers', 'deals_partner_programs'],
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
          `INSERT INTO deals_partner_tiers (partner_id, effective_from, position, tier, discount_percent, changed_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [
            d.partnerId,
            d.effectiveFrom,
            event.globalPosition.toString(),
            d.tier,
            d.discountPercent,
            event.metadata.occurredAt,
          ],
        );
        return;
      }
      case 'PartnerProgramDefined': {
        const d = event.data as DataOf<'PartnerProgramDefined'>;
        const entry = d.tiers[0]!;
        await manager.query(
          `INSERT INTO deals_partner_programs (program, entry_tier, entry_discount_percent) VALUES ($1, $2, $3)
           ON CONFLICT (program) DO UPDATE SET entry_tier = EXCLUDED.entry_tier,
             entry_discount_percent = EXCLUDED.entry_discount_percent`,
          [d.program, entry.tier, entry.discountPercent],
        );
        return;
      }
      default:
        return;
    }
  },
};
