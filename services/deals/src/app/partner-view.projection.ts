import { DEFAULT_PROGRAM_TIERS, type DataOf, type RecordedEvent } from '@prm/contracts';
import type { Projection } from '@prm/projections';
import type { EntityManager } from 'typeorm';
import { partnerViewMigrations } from './deals.migrations';

type ProgramTiers = ReadonlyArray<{ tier: string; discountPercent: number }>;

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
        const program = d.program ?? 'default';
        await manager.query(
          `INSERT INTO deals_partner_view (partner_id, legal_name, program) VALUES ($1, $2, $3)
           ON CONFLICT (partner_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, program = EXCLUDED.program`,
          [d.partnerId, d.legalName, program],
        );
        // Every registered partner has a tier from its registration on: its starting tier (the
        // program's entry tier unless it registered with one), at the program's discount then.
        const defined = await manager.query<Array<{ tiers: ProgramTiers }>>(
          'SELECT tiers FROM deals_partner_programs WHERE program = $1',
          [program],
        );
        const tiers = defined[0]?.tiers ?? (program === 'default' ? DEFAULT_PROGRAM_TIERS : []);
        const start = d.tier ? tiers.find((t) => t.tier === d.tier) : tiers[0];
        if (start)
          await manager.query(
            `INSERT INTO deals_partner_tiers (partner_id, effective_from, position, tier, discount_percent, changed_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
            [
              d.partnerId,
              event.metadata.occurredAt.slice(0, 10),
              event.globalPosition.toString(),
              start.tier,
              start.discountPercent,
              event.metadata.occurredAt,
            ],
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
        await manager.query(
          `INSERT INTO deals_partner_programs (program, tiers) VALUES ($1, $2)
           ON CONFLICT (program) DO UPDATE SET tiers = EXCLUDED.tiers`,
          [
            d.program,
            JSON.stringify(d.tiers.map((t) => ({ tier: t.tier, discountPercent: t.discountPercent }))),
          ],
        );
        return;
      }
      default:
        return;
    }
  },
};
