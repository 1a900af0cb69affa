import { KurrentDbEventStore } from './kurrentdb-event-store';
import { eventStoreContract } from './testing/contract-suite';

const url = process.env.KURRENTDB_URL;

// KurrentDB is optional: the suite runs only when KURRENTDB_URL is set, and says so otherwise.
eventStoreContract(
  'KurrentDB',
  async () => {
    const store = new KurrentDbEventStore(url!);
    return { store, cleanup: () => store.close() };
  },
  { densePositions: false },
  url
    ? false
    : 'KURRENTDB_URL is not set: start KurrentDB (infra/docker-compose.yml) and set KURRENTDB_URL=kurrentdb://127.0.0.1:2113?tls=false',
);
