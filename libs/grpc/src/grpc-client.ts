import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type Client,
  type GrpcObject,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from './grpc-server';

type Unary = (
  request: object,
  metadata: Metadata,
  callback: (error: ServiceError | null, response: Record<string, unknown>) => void,
) => void;

export interface UnaryClient {
  /** Calls a unary method by its camelCase name (with optional request metadata); rejects with the ServiceError. */
  call(method: string, request: object, metadata?: Record<string, string>): Promise<Record<string, unknown>>;
  /** The methods of the service, camelCase. */
  readonly methods: string[];
  close(): void;
}

/**
 * A real @grpc/grpc-js client for any service in our protos (or a library's), loaded the way
 * the server loads them: for tests and internal callers.
 */
export function unaryClient(
  address: string,
  protoFile: string,
  includeDirs: string[],
  service: string,
): UnaryClient {
  let node: unknown = loadPackageDefinition(loadSync(protoFile, { ...PROTO_LOADER_OPTIONS, includeDirs }));
  for (const part of service.split('.')) node = (node as GrpcObject)[part];
  const Constructor = node as (new (
    address: string,
    creds: ReturnType<typeof credentials.createInsecure>,
  ) => Client) & {
    service?: Record<string, unknown>;
  };
  if (typeof Constructor !== 'function' || !Constructor.service)
    throw new Error(`${service} is not a service in ${protoFile}`);
  const client = new Constructor(address, credentials.createInsecure());
  return {
    methods: Object.keys(Constructor.service).map((m) => m.charAt(0).toLowerCase() + m.slice(1)),
    call: (method, request, headers = {}) =>
      new Promise((resolve, reject) => {
        const metadata = new Metadata();
        for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
        (client as unknown as Record<string, Unary>)[method]!.call(
          client,
          request,
          metadata,
          (error, response) => (error ? reject(error) : resolve(response)),
        );
      }),
    close: () => client.close(),
  };
}
