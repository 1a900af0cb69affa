import type { DataOf, Quadrant, RecordedEvent } from '@prm/contracts';
import { migrate, type Database, type Migration } from '@prm/database';
import type { BusMessage } from '@prm/messaging';
import type { Projection } from '@prm/projections';
import type { EntityManager } from 'typeorm';

/** Mapping's copy of the partners' quadrants (never edit a released migration). */
export const mappingPartnerQuadrantsMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'partner quadrants known to mapping',
    sql: `
CREATE TABLE IF NOT EXISTS mapping_partner_quadrants (
  partner_id text PRIMARY KEY,
  quadrant text NOT NULL,
  as_of timestamptz NOT NULL
);`,
  },
];

export const MAPPING_PARTNER_QUADRANTS = 'mapping-partner-quadrants';

/**
 * Each partner's current partner-health quadrant, built from prm.metrics.events.v1
 * (PartnerQuadrantChanged, and the quadrant PartnerScorecardUpdated carries) in mapping's own
 * database: deal acceleration ranks partners by it. Mapping never calls the metrics service.
 * A later `asOf` wins, so a redelivered or reordered older event changes nothing.
 */
export const mappingPartnerQuadrantsProjection: Projection = {
  name: MAPPING_PARTNER_QUADRANTS,
  contexts: ['metrics'],
  migrations: mappingPartnerQuadrantsMigrations,
  tables: ['mapping_partner_quadrants'],
  entities: [],
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (event.type !== 'PartnerQuadrantChanged' && event.type !== 'PartnerScorecardUpdated') return;
    const d = event.data as DataOf<'PartnerQuadrantChanged'> | DataOf<'PartnerScorecardUpdated'>;
    if (!d.quadrant) return;
    await manager.query(
      `INSERT INTO mapping_partner_quadrants (partner_id, quadrant, as_of) VALUES ($1, $2, $3)
       ON CONFLICT (partner_id) DO UPDATE SET quadrant = EXCLUDED.quadrant, as_of = EXCLUDED.as_of
       WHERE mapping_partner_quadrants.as_of <= EXCLUDED.as_of`,
      [d.partnerId.toLowerCase(), d.quadrant, d.asOf],
    );
  },
};

/**
 * The quadrant table in memory for `quadrantOf` (deal acceleration asks for every ranked
 * partner synchronously): loaded at start, and the partners of each committed batch re-read.
 */
export class PartnerQuadrantView {
  private readonly quadrants = new Map<string, Quadrant>();
  /** Re-reads run one after another, so a later batch's rows are never overwritten by an earlier read. */
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Creates the table if needed and loads it. */
  async load(): Promise<void> {
    await migrate(this.db, `projection:${MAPPING_PARTNER_QUADRANTS}`, mappingPartnerQuadrantsMigrations);
    const rows = await this.db.query<{ partner_id: string; quadrant: Quadrant }>(
      'SELECT partner_id, quadrant FROM mapping_partner_quadrants',
    );
    this.quadrants.clear();
    for (const r of rows) this.quadrants.set(r.partner_id, r.quadrant);
  }

  quadrantOf(partnerId: string): Quadrant | undefined {
    return this.quadrants.get(partnerId.toLowerCase());
  }

  /** The projection runner's onCommitted: re-reads the batch's partners (their rows are committed). */
  committed(messages: readonly BusMessage[]): void {
    const ids = new Set<string>();
    for (const { event } of messages) {
      const partnerId = (event.data as { partnerId?: unknown }).partnerId;
      if (
        (event.type === 'PartnerQuadrantChanged' || event.type === 'PartnerScorecardUpdated') &&
        typeof partnerId === 'string'
      )
        ids.add(partnerId.toLowerCase());
    }
    if (ids.size === 0) return;
    this.refreshing = this.refreshing.then(async () => {
      try {
        const rows = await this.db.query<{ partner_id: string; quadrant: Quadrant }>(
          'SELECT partner_id, quadrant FROM mapping_partner_quadrants WHERE partner_id = ANY($1)',
          [[...ids]],
        );
        for (const r of rows) this.quadrants.set(r.partner_id, r.quadrant);
      } catch (error) {
        this.log(`mapping quadrant view: ${(error as Error).message}`);
      }
    });
  }

  /** Resolves when the re-reads of the batches committed so far are done. */
  settled(): Promise<void> {
    return this.refreshing;
  }
}
