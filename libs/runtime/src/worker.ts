import type {
  BeforeApplicationShutdown,
  FactoryProvider,
  InjectionToken,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PlatformRuntime, type ReadinessSource } from './runtime';

export interface WorkerSpec<T> {
  /** Shown in logs and errors, e.g. "partners: partner-summary projection". */
  name: string;
  /** Other providers the worker needs (PlatformRuntime is always passed first). */
  inject?: InjectionToken[];
  create(runtime: PlatformRuntime, ...deps: never[]): T | Promise<T>;
  start(worker: T): void | Promise<void>;
  stop(worker: T): void | Promise<void>;
  /** /health/ready waits until it has started (projection runners, consumers). */
  readiness?: boolean;
}

/**
 * A background part of a context (a projection runner, a consumer, a scheduler, the outbox
 * relay) as a Nest provider: built by its factory, started at onApplicationBootstrap (after
 * every module's providers exist, so migrations are done), stopped at
 * beforeApplicationShutdown (after the gRPC host stopped taking calls, before the runtime
 * closes the bus and the database). Stopping waits for in-flight work and commits offsets.
 */
export class ManagedWorker<T> implements OnApplicationBootstrap, BeforeApplicationShutdown, ReadinessSource {
  private running = false;
  private stopping?: Promise<void>;

  constructor(
    readonly name: string,
    readonly worker: T,
    private readonly spec: WorkerSpec<T>,
    private readonly runtime: PlatformRuntime,
  ) {
    if (spec.readiness) runtime.readiness.push(this);
  }

  get started(): boolean {
    return this.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.spec.start(this.worker);
    this.running = true;
  }

  beforeApplicationShutdown(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.running) return;
      this.running = false;
      try {
        await this.spec.stop(this.worker);
      } catch (error) {
        this.runtime.log(`${this.name}: stop failed: ${(error as Error).message}`);
      }
    })();
    return this.stopping;
  }
}

/** The provider of one worker; its token is a unique symbol named after it. */
export function workerProvider<T>(
  spec: WorkerSpec<T>,
): FactoryProvider<ManagedWorker<T>> & { provide: symbol } {
  return {
    provide: Symbol(spec.name),
    inject: [PlatformRuntime, ...(spec.inject ?? [])],
    useFactory: async (runtime: PlatformRuntime, ...deps: unknown[]) =>
      new ManagedWorker(spec.name, await spec.create(runtime, ...(deps as never[])), spec, runtime),
  };
}
