import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { PROTO_ROOT } from '@prm/grpc';
import { describeSigtermUnderLoad } from '@prm/testing';
import { DEALS_PROTO, DEALS_SERVICE, dealStream } from './app';

/* SIGTERM while 16 clients keep registering direct deals: every acknowledged deal is stored. */
describeSigtermUnderLoad({
  service: 'deals',
  mainJs: join(__dirname, 'main.js'),
  protoFile: DEALS_PROTO,
  protoRoot: PROTO_ROOT,
  grpcService: DEALS_SERVICE,
  call: (i, suffix) => ({
    method: 'registerDeal',
    request: {
      actor: { id: 'user:seller-1', role: 'direct_sales' },
      channel: 'direct',
      customer: { name: `Load ${suffix} ${i} LLC`, domain: `load-${suffix}-${i}.example`, country: 'DE' },
      estimatedValue: { amount: '500000', currency: 'EUR' },
      expectedCloseDate: '2099-09-30',
      products: ['crm-enterprise'],
    },
  }),
  async checkStored(databaseUrl, acknowledged) {
    const db = new PostgresDatabase(databaseUrl);
    const store = await SqlEventStore.create(db);
    try {
      for (const { response } of acknowledged) {
        const { dealId } = response as { dealId: string };
        const events = await store.readStream(dealStream(dealId));
        assert.equal(events[0]?.type, 'DealRegistered', `acknowledged deal ${dealId} is stored`);
      }
    } finally {
      await store.close();
      await db.close();
    }
  },
});
