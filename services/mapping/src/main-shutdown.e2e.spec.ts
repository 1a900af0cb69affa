import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { PROTO_ROOT } from '@prm/grpc';
import { describeSigtermUnderLoad } from '@prm/testing';
import { accountListStream, MAPPING_PROTO, MAPPING_SERVICE, VENDOR_OWNER } from './app';

/*
 * SIGTERM while 16 clients keep importing the vendor's account list, each import under its own
 * importId: every acknowledged import is in the list's stream.
 */
describeSigtermUnderLoad({
  service: 'mapping',
  mainJs: join(__dirname, 'main.js'),
  protoFile: MAPPING_PROTO,
  protoRoot: PROTO_ROOT,
  grpcService: MAPPING_SERVICE,
  before: 20,
  call: (i, suffix) => ({
    method: 'importAccountList',
    request: {
      actor: { id: 'user:admin-1', role: 'vendor_admin' },
      options: { owner: 'vendor', importId: `load-${suffix}-${i}` },
      content: Buffer.from(
        `Name,Domain,Country,Population\n${Array.from({ length: 20 }, (_, r) => `Account ${i}-${r},acc-${i}-${r}.example,DE,customer`).join('\n')}\n`,
      ),
    },
  }),
  async checkStored(databaseUrl, acknowledged) {
    const db = new PostgresDatabase(databaseUrl);
    const store = await SqlEventStore.create(db);
    try {
      const events = await store.readStream(accountListStream(VENDOR_OWNER));
      const stored = new Set(
        events.map((e) => (e.data as { importId?: string }).importId).filter((id) => id !== undefined),
      );
      for (const { i } of acknowledged)
        assert.ok(
          [...stored].some((id) => id.endsWith(`-${i}`)),
          `acknowledged import ${i} is stored`,
        );
    } finally {
      await store.close();
      await db.close();
    }
  },
});
