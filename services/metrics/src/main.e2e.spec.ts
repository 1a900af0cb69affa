import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROTO_ROOT, unaryClient } from '@prm/grpc';
import { describeServiceMain } from '@prm/testing';
import { METRICS_PROTO, METRICS_SERVICE } from './app';

describeServiceMain({
  service: 'metrics',
  mainJs: join(__dirname, 'main.js'),
  grpcServices: [METRICS_SERVICE],
  badVariables: [['KAFKA_PARTITIONS', '0']],
  async exercise(address) {
    const client = unaryClient(address, METRICS_PROTO, [PROTO_ROOT], METRICS_SERVICE);
    try {
      const catalog = (await client.call('getMetricCatalog', {
        actor: { id: 'user:admin-1', role: 'vendor_admin' },
      })) as { metrics: unknown[] };
      assert.ok(catalog.metrics.length >= 40, `${catalog.metrics.length} metrics`);
    } finally {
      client.close();
    }
  },
});
