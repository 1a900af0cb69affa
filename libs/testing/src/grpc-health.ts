import { join } from 'node:path';
import { grpcServiceClient } from './grpc-service-client';

/** grpc.health.v1's .proto as grpc-health-check ships it. */
export const HEALTH_PROTO = join(
  require.resolve('grpc-health-check/package.json'),
  '..',
  'proto',
  'health',
  'v1',
  'health.proto',
);

/**
 * What grpc.health.v1.Health/Check answers for `service` ('' = the server as a whole), as
 * grpc_health_probe and load balancers ask it: 'SERVING', 'NOT_SERVING', or the call's error.
 */
export async function grpcHealthStatus(address: string, service = ''): Promise<string> {
  const client = grpcServiceClient<{
    check(
      request: { service: string },
      options: { deadline: number },
      callback: (error: Error | null, response?: { status: string }) => void,
    ): void;
  }>(address, HEALTH_PROTO, 'grpc.health.v1.Health', { keepCase: true, enums: String });
  try {
    return await new Promise<string>((resolve) =>
      client.check({ service }, { deadline: Date.now() + 3000 }, (error, response) =>
        resolve(error ? `error: ${error.message}` : (response?.status ?? 'no answer')),
      ),
    );
  } finally {
    client.close();
  }
}
