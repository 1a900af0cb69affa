import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROTO_ROOT, unaryClient } from '@prm/grpc';
import { describeServiceMain } from '@prm/testing';
import { MAPPING_PROTO, MAPPING_SERVICE } from './app';

describeServiceMain({
  service: 'mapping',
  mainJs: join(__dirname, 'main.js'),
  grpcServices: [MAPPING_SERVICE],
  badVariables: [
    ['PRM_MAPPING_HMAC_SECRET', 'short'],
    ['PRM_UPLOAD_IDLE_TIMEOUT_MS', '-1'],
  ],
  async exercise(address) {
    const client = unaryClient(address, MAPPING_PROTO, [PROTO_ROOT], MAPPING_SERVICE);
    try {
      const imported = (await client.call('importAccountList', {
        actor: { id: 'user:admin-1', role: 'vendor_admin' },
        options: { owner: 'vendor' },
        content: Buffer.from('Name,Domain,Country,Population\nRomashka,romashka.ru,RU,customer\n'),
      })) as { accountCount: number };
      assert.equal(imported.accountCount, 1);
    } finally {
      client.close();
    }
  },
});
