import { credentials, loadPackageDefinition, type Client, type GrpcObject } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

/**
 * A plain @grpc/grpc-js client of `service` (fully qualified) from its .proto, for the test
 * harnesses of this library (libs/grpc's unaryClient is not used: libs/grpc's tests depend on
 * this library).
 */
export function grpcServiceClient<Methods>(
  address: string,
  protoFile: string,
  service: string,
  loaderOptions: Options,
): Client & Methods {
  let node: unknown = loadPackageDefinition(loadSync(protoFile, loaderOptions));
  for (const part of service.split('.')) node = (node as GrpcObject)[part];
  const Service = node as new (
    address: string,
    creds: ReturnType<typeof credentials.createInsecure>,
  ) => Client;
  return new Service(address, credentials.createInsecure()) as Client & Methods;
}
