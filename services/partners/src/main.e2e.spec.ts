import assert from 'node:assert/strict';
import { join } from 'node:path';
import { unaryClient } from '@prm/grpc';
import { describeServiceMain } from '@prm/testing';
import { PARTNERS_SERVICE, PROTO_ROOT } from './app';

describeServiceMain({
  service: 'partners',
  mainJs: join(__dirname, 'main.js'),
  grpcServices: [PARTNERS_SERVICE],
  badVariables: [
    ['PRM_PAM_CAPACITY', '0'],
    ['PRM_REPORTING_CURRENCY', 'EURO'],
    ['PRM_DORMANT_AFTER_DAYS', 'soon'],
  ],
  async exercise(address) {
    const client = unaryClient(address, 'prm/partners/v1/partners.proto', [PROTO_ROOT], PARTNERS_SERVICE);
    try {
      const ref = (await client.call('registerPartner', {
        actor: { id: 'user:admin-1', role: 'vendor_admin' },
        legalName: 'Main Spec LLC',
        country: 'DE',
        website: `main-spec-${Date.now()}.example`,
        taxId: `DE${Date.now()}`,
        type: 'integrator',
        employeeCount: 40,
        salesReps: 3,
        specializations: ['cloud-migration'],
        clientSegments: ['mid_market'],
        industries: ['manufacturing'],
      })) as { partnerId: string };
      assert.match(ref.partnerId, /^[0-9a-f-]{36}$/);
    } finally {
      client.close();
    }
  },
});
