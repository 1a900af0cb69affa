import type { Database } from '@prm/database';
import type { EventStore } from './event-store';
import { KurrentDbEventStore } from './kurrentdb-event-store';
import { SqlEventStore } from './sql-event-store';

/** KURRENTDB_URL set → KurrentDB; otherwise the SQL store on the given database. */
export async function openEventStore(
  db: Database,
  kurrentDbUrl = process.env.KURRENTDB_URL,
): Promise<EventStore> {
  if (kurrentDbUrl) return new KurrentDbEventStore(kurrentDbUrl);
  return SqlEventStore.create(db);
}
