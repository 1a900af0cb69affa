import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { describeSigtermUnderLoad } from '@prm/testing';
import { PARTNERS_SERVICE, partnerStream, PROTO_ROOT } from './app';

/* SIGTERM while 16 clients keep registering partners: every acknowledged partner is stored. */
const started = Date.now();
describeSigtermUnderLoad({
  service: 'partners',
  mainJs: join(__dirname, 'main.js'),
  protoFile: 'prm/partners/v1/partners.proto',
  protoRoot: PROTO_ROOT,
  grpcService: PARTNERS_SERVICE,
  call: (i, suffix) => ({
    method: 'registerPartner',
    request: {
      actor: { id: 'user:admin-1', role: 'vendor_admin' },
      legalName: `Load ${suffix} ${i} LLC`,
      country: 'DE',
      website: `load-${suffix}-${i}.example`,
      taxId: `DE${started}${i}`,
      type: 'integrator',
      employeeCount: 10,
      salesReps: 1,
      specializations: ['cloud-migration'],
      clientSegments: ['mid_market'],
      industries: ['manufacturing'],
    },
  }),
  async checkStored(databaseUrl, acknowledged) {
    const db = new PostgresDatabase(databaseUrl);
    const store = await SqlEventStore.create(db);
    try {
      for (const { response } of acknowledged) {
        const { partnerId } = response as { partnerId: string };
        const events = await store.readStream(partnerStream(partnerId));
        assert.equal(events[0]?.type, 'PartnerRegistered', `acknowledged partner ${partnerId} is stored`);
      }
    } finally {
      await store.close();
      await db.close();
    }
  },
});
