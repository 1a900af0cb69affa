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
  /** How often grpc.health.v1 is re-checked against the database (default 2 s). */
  healthProbeMs?: number;
}

/** A database probe slower than this counts as unreachable. */
const PROBE_TIMEOUT_MS = 1500;

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
  private probeTimer?: NodeJS.Timeout;
  private serving?: boolean;

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
    // grpc.health.v1 says SERVING only while the database answers and every worker that
    // readiness waits for has started (the same rule as /health/ready), re-checked every
    // healthProbeMs, so a load balancer or grpc_health_probe stops sending calls that would fail.
    await this.probe();
    this.probeTimer = setInterval(() => void this.probe(), this.options.healthProbeMs ?? 2000);
    this.probeTimer.unref();
  }

  /** One health check: the database (the event store's head) within PROBE_TIMEOUT_MS, and the workers. */
  async probe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const reachable = await Promise.race([
      this.runtime.store.headPosition().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    const serving = reachable && this.runtime.allStarted;
    if (serving !== this.serving) {
      if (this.serving !== undefined)
        this.runtime.log(
          `gRPC health: ${serving ? 'SERVING' : 'NOT_SERVING'}${reachable ? '' : ' (the database does not answer)'}`,
        );
      this.serving = serving;
    }
    this.server?.setServing(serving);
    return serving;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.probeTimer);
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
