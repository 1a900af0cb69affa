import { Module, type DynamicModule } from '@nestjs/common';
import { ProjectionRunner, type Projection } from '@prm/projections';
import {
  optionsProvider,
  outboxRelayProvider,
  PlatformRuntime,
  workerProvider,
  type AsyncModuleOptions,
} from '@prm/runtime';
import {
  dealReadModelProjection,
  DealExpiryScheduler,
  DealsApplication,
  dealsGrpcBinding,
  partnerViewProjection,
  type DealsApplicationOptions,
} from './app';

export type DealsModuleOptions = DealsApplicationOptions;

export const DEALS_OPTIONS = Symbol('DEALS_OPTIONS');
/** The GrpcBinding of prm.deals.v1 (for GrpcHostModule's bindings). */
export const DEALS_GRPC = Symbol('DEALS_GRPC');

const projectionWorker = (projection: Projection) =>
  workerProvider({
    name: `deals: ${projection.name} projection`,
    readiness: true,
    create: (runtime) => new ProjectionRunner(runtime.db, runtime.bus, projection, { log: runtime.log }),
    start: (runner) => runner.start(),
    stop: (runner) => runner.stop(),
  });

/**
 * The deals context as a Nest module: the application, the deal read model and the partner
 * view (built from prm.partners.events.v1, never by calling partners), the expiry scheduler
 * and the context's outbox relay. It needs PlatformRuntime from RuntimeModule.
 */
@Module({})
export class DealsModule {
  static forRoot(options: DealsModuleOptions = {}): DynamicModule {
    return DealsModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: AsyncModuleOptions<DealsModuleOptions>): DynamicModule {
    return {
      module: DealsModule,
      imports: options.imports ?? [],
      providers: [
        optionsProvider(DEALS_OPTIONS, options),
        {
          provide: DealsApplication,
          inject: [PlatformRuntime, DEALS_OPTIONS],
          useFactory: (runtime: PlatformRuntime, o: DealsModuleOptions) =>
            DealsApplication.create(runtime.store, runtime.db, { log: runtime.log, ...o }),
        },
        {
          provide: DEALS_GRPC,
          inject: [DealsApplication],
          useFactory: (app: DealsApplication) => dealsGrpcBinding(app),
        },
        projectionWorker(dealReadModelProjection),
        projectionWorker(partnerViewProjection),
        workerProvider({
          name: 'deals: expiry scheduler',
          inject: [DealsApplication],
          create: (runtime, app: DealsApplication) => new DealExpiryScheduler(app, runtime.log),
          start: (scheduler) => scheduler.start(),
          stop: (scheduler) => scheduler.stop(),
        }),
        outboxRelayProvider('deals'),
      ],
      exports: [DealsApplication, DEALS_GRPC],
    };
  }
}
