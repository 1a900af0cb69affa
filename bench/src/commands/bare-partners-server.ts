/**
 * The commands benchmark's peer: the partners context served by a bare @grpc/grpc-js server, no
 * NestJS. The same PartnersApplication, the same request mapping (partnersGrpcBinding), the same
 * background work as the service (the partner-summary projection, the deal-milestones consumer,
 * the schedulers, the outbox relay to Kafka), started by hand; each method is a plain
 * grpc-js handler calling the binding and mapping errors with toGrpcError. What the service
 * does on top of this is what NestJS and our gRPC shell cost.
 *
 *   DATABASE_URL=… KAFKA_BROKERS=… GRPC_PORT=… node bench/dist/commands/bare-partners-server.js
 * Prints "listening <port>" when it serves; SIGTERM stops it.
 */
import {
  Server,
  ServerCredentials,
  loadPackageDefinition,
  type GrpcObject,
  type handleUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS, PROTO_ROOT, toGrpcError, type GrpcHandlers } from '@prm/grpc';
import { OutboxRelay } from '@prm/messaging';
import {
  CertificationExpiryScheduler,
  DealMilestonesConsumer,
  DormancyScheduler,
  PartnersApplication,
  partnerSummaryProjection,
  partnersEnv,
  partnersGrpcBinding,
} from '@prm/partners';
import { ProjectionRunner } from '@prm/projections';
import { parseEnv, PlatformRuntime, serviceConfigOf } from '@prm/runtime';

async function main(): Promise<void> {
  const vars = parseEnv(partnersEnv, process.env);
  const config = serviceConfigOf('partners', vars);
  const log = (line: string) => process.stderr.write(`[bare-partners] ${line}\n`);
  const runtime = await PlatformRuntime.open({
    databaseUrl: config.databaseUrl,
    kafka: config.kafka,
    consumerGroupPrefix: config.consumerGroupPrefix,
    log,
  });
  const app = await PartnersApplication.create(runtime.store, runtime.db, {
    pamCapacity: vars.PRM_PAM_CAPACITY,
    reportingCurrency: vars.PRM_REPORTING_CURRENCY,
    dormantAfterDays: vars.PRM_DORMANT_AFTER_DAYS,
  });
  const projection = new ProjectionRunner(runtime.db, runtime.bus, partnerSummaryProjection, { log });
  const consumer = new DealMilestonesConsumer(app, runtime.bus, log);
  const expiry = new CertificationExpiryScheduler(app, runtime.db, log);
  const dormancy = new DormancyScheduler(app, runtime.db, log);
  const relay = new OutboxRelay(runtime.store, runtime.db, runtime.kafka!, {
    name: 'partners',
    contexts: ['partners'],
    partitions: runtime.partitions,
    log,
  });
  await projection.start();
  await consumer.start();
  await expiry.start();
  await dormancy.start();
  await relay.start();

  const binding = partnersGrpcBinding(app);
  const root = loadPackageDefinition(
    loadSync(binding.protoFiles, { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] }),
  );
  const server = new Server();
  for (const [name, handlers] of Object.entries(binding.services) as Array<[string, GrpcHandlers]>) {
    let node: unknown = root;
    for (const part of name.split('.')) node = (node as GrpcObject)[part];
    const definition = (node as { service: ServiceDefinition }).service;
    const implementation: UntypedServiceImplementation = {};
    for (const method of Object.keys(definition)) {
      const handler = handlers[method.charAt(0).toLowerCase() + method.slice(1)] ?? handlers[method];
      if (!handler) continue;
      const unary: handleUnaryCall<unknown, unknown> = (call, callback) => {
        handler(call.request as never).then(
          (response) => callback(null, response),
          (error: unknown) => callback(toGrpcError(error, log)),
        );
      };
      implementation[method] = unary;
    }
    server.addService(definition, implementation);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${config.host}:${config.grpcPort}`, ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  process.stdout.write(`listening ${port}\n`);
  const stop = async () => {
    // Like the service's main: at most a few seconds to drain, then exit 0 regardless.
    setTimeout(() => process.exit(0), 8000).unref();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    await relay.stop();
    await dormancy.stop();
    await expiry.stop();
    await consumer.stop();
    await projection.stop();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () =>
    stop().catch((error: unknown) => {
      log(`stop failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`[bare-partners] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
