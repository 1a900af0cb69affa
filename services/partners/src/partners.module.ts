import { Module, type DynamicModule } from '@nestjs/common';
import { ProjectionRunner } from '@prm/projections';
import {
  optionsProvider,
  outboxRelayProvider,
  PlatformRuntime,
  workerProvider,
  type AsyncModuleOptions,
} from '@prm/runtime';
import {
  CertificationExpiryScheduler,
  DealMilestonesConsumer,
  DormancyScheduler,
  partnerSummaryProjection,
  PartnersApplication,
  partnersGrpcBinding,
  type PartnersApplicationOptions,
} from './app';

export interface PartnersModuleOptions extends PartnersApplicationOptions {
  log?: (line: string) => void;
}

export const PARTNERS_OPTIONS = Symbol('PARTNERS_OPTIONS');
/** The GrpcBinding of prm.partners.v1 (for GrpcHostModule's bindings). */
export const PARTNERS_GRPC = Symbol('PARTNERS_GRPC');

/**
 * The partners context as a Nest module: the application (its migrations run when it is
 * created), the partner-summary projection, the consumer of prm.deals.events.v1 (deal
 * milestones), the certification-expiry and dormancy schedulers and the context's outbox
 * relay, each a provider started at bootstrap and stopped at shutdown. It needs
 * PlatformRuntime from RuntimeModule.
 */
@Module({})
export class PartnersModule {
  static forRoot(options: PartnersModuleOptions = {}): DynamicModule {
    return PartnersModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: AsyncModuleOptions<PartnersModuleOptions>): DynamicModule {
    return {
      module: PartnersModule,
      imports: options.imports ?? [],
      providers: [
        optionsProvider(PARTNERS_OPTIONS, options),
        {
          provide: PartnersApplication,
          inject: [PlatformRuntime, PARTNERS_OPTIONS],
          useFactory: (runtime: PlatformRuntime, o: PartnersModuleOptions) =>
            PartnersApplication.create(runtime.store, runtime.db, o),
        },
        {
          provide: PARTNERS_GRPC,
          inject: [PartnersApplication],
          useFactory: (app: PartnersApplication) => partnersGrpcBinding(app),
        },
        workerProvider({
          name: 'partners: partner-summary projection',
          readiness: true,
          create: (runtime) =>
            new ProjectionRunner(runtime.db, runtime.bus, partnerSummaryProjection, { log: runtime.log }),
          start: (runner) => runner.start(),
          stop: (runner) => runner.stop(),
        }),
        workerProvider({
          name: 'partners: deal milestones consumer',
          readiness: true,
          inject: [PartnersApplication],
          create: (runtime, app: PartnersApplication) =>
            new DealMilestonesConsumer(app, runtime.bus, runtime.log),
          start: (consumer) => consumer.start(),
          stop: (consumer) => consumer.stop(),
        }),
        workerProvider({
          name: 'partners: certification expiry scheduler',
          inject: [PartnersApplication],
          create: (runtime, app: PartnersApplication) =>
            new CertificationExpiryScheduler(app, runtime.db, runtime.log),
          start: (scheduler) => scheduler.start(),
          stop: (scheduler) => scheduler.stop(),
        }),
        workerProvider({
          name: 'partners: dormancy scheduler',
          inject: [PartnersApplication],
          create: (runtime, app: PartnersApplication) => new DormancyScheduler(app, runtime.db, runtime.log),
          start: (scheduler) => scheduler.start(),
          stop: (scheduler) => scheduler.stop(),
        }),
        outboxRelayProvider('partners'),
      ],
      exports: [PartnersApplication, PARTNERS_GRPC],
    };
  }
}
