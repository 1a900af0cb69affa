import { join } from 'node:path';
import { PROTO_ROOT } from '@prm/grpc';
import { describeSigtermUnderLoad } from '@prm/testing';
import { METRICS_PROTO, METRICS_SERVICE } from './app';

/*
 * SIGTERM while 16 clients keep asking for the quadrant and the metric catalog (metrics takes
 * no commands over gRPC: it writes only from the other contexts' events): every call answers
 * or is refused as UNAVAILABLE / CANCELLED, and the service exits 0 within 10 s.
 */
describeSigtermUnderLoad({
  service: 'metrics',
  mainJs: join(__dirname, 'main.js'),
  protoFile: METRICS_PROTO,
  protoRoot: PROTO_ROOT,
  grpcService: METRICS_SERVICE,
  call: (i) => ({
    method: i % 2 === 0 ? 'listQuadrant' : 'getMetricCatalog',
    request: { actor: { id: 'user:admin-1', role: 'vendor_admin' } },
  }),
});
