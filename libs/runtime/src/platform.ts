import 'reflect-metadata';
import { Global, Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { GrpcHost, GrpcHostModule } from './grpc-host';
import { HealthModule } from './health.controller';
import { ProblemJsonFilter } from './problem-json.filter';
import { PlatformRuntime, type RuntimeOptions } from './runtime';

/** The database, event store and bus every context module injects (one per application). */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeOptions): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [{ provide: PlatformRuntime, useFactory: () => PlatformRuntime.open(options) }],
      exports: [PlatformRuntime],
    };
  }
}

export interface PlatformModuleOptions {
  runtime: RuntimeOptions;
  /** The context modules (PartnersModule.forRoot(...), …). */
  contexts: DynamicModule[];
  grpc: { host: string; port: number; bindings: InjectionToken[]; streamIdleTimeoutMs?: number };
  operatorToken?: string;
}

/**
 * The one wiring of both modes: the runtime, the given context modules, one gRPC host for
 * their bindings and the HTTP health endpoints. Embedded mode passes the four contexts with
 * PGlite and the in-process bus; a service's main passes its own context with PostgreSQL and
 * Kafka.
 */
@Module({})
export class PlatformModule {
  static register(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        RuntimeModule.forRoot(options.runtime),
        ...options.contexts,
        GrpcHostModule.forRoot(options.grpc),
        HealthModule.forRoot({ operatorToken: options.operatorToken }),
      ],
    };
  }
}

export interface StartedPlatform {
  app: NestFastifyApplication;
  runtime: PlatformRuntime;
  /** http://host:port of the health endpoints. */
  url: string;
  /** host:port of the gRPC server. */
  grpcAddress: string;
  /** Stops taking calls, finishes in-flight work, commits offsets, closes the database. */
  stop(): Promise<void>;
}

/**
 * Builds the Nest application (every provider: migrations run, applications created), starts
 * the workers and the gRPC host (onApplicationBootstrap) and listens for HTTP. A failure at
 * any step closes what was opened and rethrows the cause (ConfigurationError, EADDRINUSE…).
 */
export async function startNestPlatform(
  options: PlatformModuleOptions & { http: { host: string; port: number } },
): Promise<StartedPlatform> {
  const app = await NestFactory.create<NestFastifyApplication>(
    PlatformModule.register(options),
    new FastifyAdapter(),
    { logger: false, abortOnError: false },
  );
  try {
    app.useGlobalFilters(new ProblemJsonFilter());
    await app.listen(options.http.port, options.http.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : options.http.port;
  const grpc = app.get(GrpcHost);
  let stopped: Promise<void> | undefined;
  return {
    app,
    runtime: app.get(PlatformRuntime),
    url: `http://${options.http.host}:${port}`,
    grpcAddress: grpc.address,
    stop: () => (stopped ??= app.close()),
  };
}
