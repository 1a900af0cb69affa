import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROTO_ROOT, unaryClient } from '@prm/grpc';
import { describeServiceMain } from '@prm/testing';
import { DEALS_PROTO, DEALS_SERVICE } from './app';

describeServiceMain({
  service: 'deals',
  mainJs: join(__dirname, 'main.js'),
  grpcServices: [DEALS_SERVICE],
  badVariables: [['PRM_REPORTING_CURRENCY', 'EURO']],
  async exercise(address) {
    const client = unaryClient(address, DEALS_PROTO, [PROTO_ROOT], DEALS_SERVICE);
    try {
      const policy = (await client.call('defineDealPolicy', {
        actor: { id: 'user:admin-1', role: 'vendor_admin' },
        program: 'default',
        protectionDays: 60,
        maxExtensionDays: 30,
      })) as { version: string };
      assert.equal(policy.version, '0');
    } finally {
      client.close();
    }
  },
});
