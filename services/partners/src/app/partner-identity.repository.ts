import type { Database } from '@prm/database';
import type { EventStore } from '@prm/event-store';
import { DomainError } from '@prm/domain';
import { partnerStream } from './streams';

export interface IdentityKey {
  kind: 'tax_id' | 'website_domain';
  value: string;
}

/**
 * Claims on INN and website domain so two partners never share one. Taken before the
 * registration (or profile change) is appended and released when it fails.
 */
export class PartnerIdentityRepository {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  /** Claims every key for the partner, or throws ALREADY_EXISTS naming the partner that holds one. */
  async claim(partnerId: string, keys: readonly IdentityKey[]): Promise<void> {
    const taken: IdentityKey[] = [];
    try {
      for (const key of keys) {
        const holder = await this.claimOne(partnerId, key);
        if (holder) {
          const label = key.kind === 'tax_id' ? 'tax id' : 'website domain';
          throw DomainError.alreadyExists(`a partner with ${label} ${key.value} already exists: ${holder}`, {
            existingPartnerId: holder,
            field: key.kind === 'tax_id' ? 'taxId' : 'website',
          });
        }
        taken.push(key);
      }
    } catch (error) {
      await this.release(partnerId, taken);
      throw error;
    }
  }

  /** Returns the other partner holding the key, or null once it is ours. */
  private async claimOne(partnerId: string, key: IdentityKey): Promise<string | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const inserted = await this.db.query<{ partner_id: string }>(
        `INSERT INTO partners_identity_claims (kind, value, partner_id) VALUES ($1, $2, $3)
         ON CONFLICT (kind, value) DO NOTHING RETURNING partner_id`,
        [key.kind, key.value, partnerId],
      );
      if (inserted.length > 0) return null;
      const rows = await this.db.query<{ partner_id: string }>(
        'SELECT partner_id FROM partners_identity_claims WHERE kind = $1 AND value = $2',
        [key.kind, key.value],
      );
      const holder = rows[0]?.partner_id;
      if (!holder || holder === partnerId) return null;
      if ((await this.store.streamVersion(partnerStream(holder))) !== null) return holder;
      // A stale claim (its registration never got appended): take it over, compare-and-set.
      await this.db.query(
        'DELETE FROM partners_identity_claims WHERE kind = $1 AND value = $2 AND partner_id = $3',
        [key.kind, key.value, holder],
      );
    }
    return null;
  }

  async release(partnerId: string, keys: readonly IdentityKey[]): Promise<void> {
    for (const key of keys) {
      await this.db.query(
        'DELETE FROM partners_identity_claims WHERE kind = $1 AND value = $2 AND partner_id = $3',
        [key.kind, key.value, partnerId],
      );
    }
  }
}
