import {
  Metadata,
  Server,
  ServerCredentials,
  loadPackageDefinition,
  type GrpcObject,
  type handleClientStreamingCall,
  type handleUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { join } from 'node:path';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { DomainError, requestIdProblem } from '@prm/domain';
import { toGrpcError } from './grpc-errors';
import { checkedStream, checkRequest, guardedDeserializer, loadProtoRoot } from './request-guard';
import { clientMessages, DEFAULT_STREAM_IDLE_TIMEOUT_MS } from './client-stream';
import { reflectionPackageDefinition } from './reflection';

export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** proto/ at the repository root (from libs/grpc/dist): every context's contract lives there. */
export const PROTO_ROOT = join(__dirname, '..', '..', '..', 'proto');

/**
 * Handlers of one gRPC service, by method name (either case of the first letter): unary ones
 * take the request; client-streaming ones take an AsyncIterable of the request messages.
 */
export type GrpcHandlers = Record<string, (request: never) => Promise<unknown>>;

/** What one context serves: its .proto files (relative to PROTO_ROOT) and its services' handlers. */
export interface GrpcBinding {
  protoFiles: string[];
  services: Record<string, GrpcHandlers>;
  /**
   * Methods ("prm.deals.v1.DealsService/DecideProtectionExtension") whose `requestId` field
   * names something else than the call's idempotency key: the `idempotency-key` metadata is
   * checked but never put into that field.
   */
  requestIdIsNotIdempotencyKey?: string[];
}

/** One server for several contexts (the embedded runtime serves them all on one port). */
export function startGrpcServerFor(
  address: string,
  bindings: readonly GrpcBinding[],
  log?: (line: string) => void,
  options: { streamIdleTimeoutMs?: number } = {},
): Promise<RunningGrpcServer> {
  return startGrpcServer({
    address,
    protoFiles: bindings.flatMap((b) => b.protoFiles),
    includeDirs: [PROTO_ROOT],
    services: Object.assign({}, ...bindings.map((b) => b.services)) as GrpcServerOptions['services'],
    requestIdIsNotIdempotencyKey: bindings.flatMap((b) => b.requestIdIsNotIdempotencyKey ?? []),
    log,
    streamIdleTimeoutMs: options.streamIdleTimeoutMs,
  });
}

export interface GrpcServerOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  /** .proto files, relative to one of includeDirs. */
  protoFiles: string[];
  includeDirs: string[];
  /** Fully-qualified service name (e.g. 'prm.partners.v1.PartnersService') → its unary handlers. */
  services: Record<string, GrpcHandlers>;
  /** GrpcBinding.requestIdIsNotIdempotencyKey of every binding served. */
  requestIdIsNotIdempotencyKey?: string[];
  log?: (line: string) => void;
  /**
   * A client stream that sends nothing for this long while the handler waits for it is
   * failed (DEADLINE_EXCEEDED); default 30 s, 0 = never.
   */
  streamIdleTimeoutMs?: number;
}

export interface RunningGrpcServer {
  server: Server;
  port: number;
  packageDefinition: PackageDefinition;
  health: HealthImplementation;
  /** Sets the overall health status and every service's (the host's readiness probe). */
  setServing(serving: boolean): void;
  stop(): Promise<void>;
}

/** Request metadata a client may send instead of a command's `requestId` field (the field wins). */
export const IDEMPOTENCY_KEY = 'idempotency-key';

/**
 * The `idempotency-key` metadata, checked like the field it stands for (printable, 1-200
 * characters: libs/domain requestIdProblem): a bad one is INVALID_ARGUMENT naming the metadata,
 * never echoed back later in an ALREADY_EXISTS message.
 */
export function idempotencyKeyOf(metadata: Metadata): string | undefined {
  const values = metadata.get(IDEMPOTENCY_KEY);
  if (values.length === 0) return undefined;
  const key = values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
  const problem = key === undefined ? 'must be sent once, as text' : requestIdProblem(key);
  if (problem) throw DomainError.invalid([{ field: IDEMPOTENCY_KEY, reason: problem }]);
  return key;
}

function withIdempotencyKey(request: unknown, key: string | undefined): unknown {
  if (key === undefined || !request || typeof request !== 'object') return request;
  const r = request as Record<string, unknown>;
  return r.requestId ? r : { ...r, requestId: key };
}

function lookup(root: GrpcObject, name: string): ServiceDefinition {
  let node: unknown = root;
  for (const part of name.split('.')) node = (node as Record<string, unknown>)?.[part];
  const service = (node as { service?: ServiceDefinition } | undefined)?.service;
  if (!service) throw new Error(`gRPC service ${name} is not in the loaded protos`);
  return service;
}

/**
 * The one way a service serves gRPC: unary handlers are plain async functions; every error
 * goes through toGrpcError; health checking (grpc.health.v1, per service and overall) and
 * server reflection (v1 and v1alpha) are always on so grpcurl and friends work.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const log = options.log ?? (() => undefined);
  const packageDefinition = loadSync(options.protoFiles, {
    ...PROTO_LOADER_OPTIONS,
    includeDirs: options.includeDirs,
  });
  const root = loadPackageDefinition(packageDefinition);
  const types = loadProtoRoot(options.protoFiles, options.includeDirs);
  const server = new Server();
  const health = new HealthImplementation({ '': 'SERVING' });
  const notIdempotencyKey = new Set(options.requestIdIsNotIdempotencyKey ?? []);
  for (const [name, handlers] of Object.entries(options.services)) {
    const definition = lookup(root, name);
    const implementation: UntypedServiceImplementation = {};
    for (const method of Object.keys(definition)) {
      const handler = handlers[method] ?? handlers[method.charAt(0).toLowerCase() + method.slice(1)];
      if (!handler) throw new Error(`gRPC service ${name}: no handler for ${method}`);
      const kind = definition[method] as {
        requestStream?: boolean;
        responseStream?: boolean;
        requestDeserialize: (bytes: Buffer) => unknown;
        requestType?: { type?: { name?: string } };
      };
      // Every request is checked by the shell before its handler sees it (request-guard.ts):
      // parse errors and invalid UTF-8 are marked by the deserializer, bounds are checked here.
      const requestType = types.lookupType(
        `${name.slice(0, name.lastIndexOf('.'))}.${kind.requestType?.type?.name ?? ''}`,
      );
      kind.requestDeserialize = guardedDeserializer(kind.requestDeserialize, requestType);
      if (kind.requestStream && !kind.responseStream) {
        // Client streaming: the handler gets the request messages as an async iterable and
        // answers once, like a unary handler (errors mapped the same way). The iterable ends
        // only when the client half-closes; a cancelled, reset or idle stream makes it throw
        // StreamInterruptedError, so a handler never mistakes a broken upload for its end.
        const clientStreaming: handleClientStreamingCall<unknown, unknown> = (call, callback) => {
          const idle = options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
          Promise.resolve()
            .then(() => {
              // The `idempotency-key` metadata, checked before the stream is read (clientStreamIdempotencyKey).
              const idempotencyKey = idempotencyKeyOf(call.metadata);
              // The stream's signal stays reachable through the checked messages (clientStreamSignal).
              const messages = clientMessages(call, idle);
              return handler(
                Object.assign(checkedStream(messages), { signal: messages.signal, idempotencyKey }) as never,
              );
            })
            .then(
              (response) => callback(null, response),
              (error: unknown) => callback(toGrpcError(error, log)),
            );
        };
        implementation[method] = clientStreaming;
        continue;
      }
      const keyIsRequestId = !notIdempotencyKey.has(`${name}/${method}`);
      const unary: handleUnaryCall<unknown, unknown> = (call, callback) => {
        // A handler that throws synchronously is mapped like one that rejects.
        Promise.resolve()
          .then(() => {
            checkRequest(call.request);
            const key = idempotencyKeyOf(call.metadata);
            return handler((keyIsRequestId ? withIdempotencyKey(call.request, key) : call.request) as never);
          })
          .then(
            (response) => callback(null, response),
            (error: unknown) => callback(toGrpcError(error, log)),
          );
      };
      implementation[method] = unary;
    }
    server.addService(definition, implementation);
    health.setStatus(name, 'SERVING');
  }
  health.addToServer(server);
  new ReflectionService(reflectionPackageDefinition(options.protoFiles, options.includeDirs)).addToServer(
    server,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(options.address, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const services = Object.keys(options.services);
  let stopped = false;
  return {
    server,
    port,
    packageDefinition,
    health,
    setServing: (serving) => {
      if (stopped) return;
      const state = serving ? 'SERVING' : 'NOT_SERVING';
      health.setStatus('', state);
      for (const name of services) health.setStatus(name, state);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        stopped = true;
        health.setStatus('', 'NOT_SERVING');
        for (const name of services) health.setStatus(name, 'NOT_SERVING');
        server.tryShutdown(() => resolve());
      }),
  };
}
