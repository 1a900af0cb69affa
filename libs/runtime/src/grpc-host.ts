import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { startGrpcServerFor, type GrpcBinding, type RunningGrpcServer } from '@prm/grpc';
import { PlatformRuntime } from './runtime';

export interface GrpcHostOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Tokens of the contexts' GrpcBinding providers served on this port. */
  bindings: InjectionToken[];
  /** A client stream (account-list upload) idle this long fails; 0 = never. */
  streamIdleTimeoutMs?: number;
  /** Calls still running this long after shutdown began are cancelled (default 5 s). */
  drainTimeoutMs?: number;
}

export const GRPC_HOST_OPTIONS = Symbol('GRPC_HOST_OPTIONS');

/**
 * Serves the contexts' gRPC bindings on one port through libs/grpc's server: listens at
 * bootstrap, once every module's providers exist; at shutdown it is the first thing to stop
 * (onModuleDestroy, before the workers' beforeApplicationShutdown): it takes no new calls and
 * waits for the calls in flight (cancelling them after drainTimeoutMs).
 *
 * It is the only place gRPC is hosted, so moving to @nestjs/microservices controllers later is
 * replacing this provider by app.connectMicroservice(Transport.GRPC) with the same bindings.
 */
@Injectable()
export class GrpcHost implements OnApplicationBootstrap, OnModuleDestroy {
  private server?: RunningGrpcServer;

  constructor(
    @Inject(GRPC_HOST_OPTIONS) private readonly options: GrpcHostOptions,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
  ) {}

  /** The bound port (after bootstrap). */
  get port(): number {
    if (!this.server) throw new Error('the gRPC server is not listening');
    return this.server.port;
  }

  get address(): string {
    return `${this.options.host}:${this.port}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const bindings = this.options.bindings.map((token) =>
      this.moduleRef.get<GrpcBinding>(token, { strict: false }),
    );
    this.server = await startGrpcServerFor(
      `${this.options.host}:${this.options.port}`,
      bindings,
      this.runtime.log,
      { streamIdleTimeoutMs: this.options.streamIdleTimeoutMs },
    );
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.runtime.log('gRPC: calls still running at the drain timeout are cancelled');
        server.server.forceShutdown();
        resolve();
      }, this.options.drainTimeoutMs ?? 5000);
    });
    await Promise.race([server.stop(), forced]);
    clearTimeout(timer);
  }
}

@Module({})
export class GrpcHostModule {
  static forRoot(options: GrpcHostOptions): DynamicModule {
    return {
      module: GrpcHostModule,
      providers: [{ provide: GRPC_HOST_OPTIONS, useValue: options }, GrpcHost],
      exports: [GrpcHost],
    };
  }
}
