import type { DataOf, RecordedEvent } from '@prm/contracts';
import type { Migration } from '@prm/database';
import type { Projection } from '@prm/projections';
import type { EntityManager } from 'typeorm';

/** The mapping service's view of partners (never edit a released migration). */
export const mappingPartnerViewMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'partners known to mapping',
    sql: `
CREATE TABLE IF NOT EXISTS mapping_partners (
  partner_id text PRIMARY KEY,
  pam_id text
);
CREATE INDEX IF NOT EXISTS mapping_partners_pam ON mapping_partners (pam_id);`,
  },
];

/**
 * Which partners exist and who runs them, built from prm.partners.events.v1: a partner-scoped
 * command for a partner that never registered is refused (NOT_FOUND), and a PAM reaches only
 * the partners it runs. Mapping never calls the partners service: it learns from events.
 */
export const mappingPartnerViewProjection: Projection = {
  name: 'mapping-partner-view',
  contexts: ['partners'],
  migrations: mappingPartnerViewMigrations,
  tables: ['mapping_partners'],
  entities: [],
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'PartnerRegistered': {
        const d = event.data as DataOf<'PartnerRegistered'>;
        await manager.query(
          'INSERT INTO mapping_partners (partner_id) VALUES ($1) ON CONFLICT (partner_id) DO NOTHING',
          [d.partnerId.toLowerCase()],
        );
        return;
      }
      case 'PamAssigned': {
        const d = event.data as DataOf<'PamAssigned'>;
        await manager.query(
          `INSERT INTO mapping_partners (partner_id, pam_id) VALUES ($1, $2)
           ON CONFLICT (partner_id) DO UPDATE SET pam_id = EXCLUDED.pam_id`,
          [d.partnerId.toLowerCase(), d.pamId],
        );
        return;
      }
      default:
        return;
    }
  },
};
