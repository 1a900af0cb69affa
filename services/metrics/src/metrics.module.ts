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
  MetricsApplication,
  metricsGrpcBinding,
  SourceEventsConsumer,
  type MetricsApplicationOptions,
} from './app';

export interface MetricsModuleOptions extends MetricsApplicationOptions {
  /** How often the scoring clock checks whether a new day began (default hourly). */
  scoringClockEveryMs?: number;
  /**
   * Copy the partners', deals' and mapping events into metrics' own event store (time travel
   * and recompute re-read them): on for the metrics service alone on its own database; off in
   * embedded mode, whose one store holds them already.
   */
  copySourceEvents?: boolean;
}

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');
/** The GrpcBinding of prm.metrics.v1 (for GrpcHostModule's bindings). */
export const METRICS_GRPC = Symbol('METRICS_GRPC');

/**
 * The metrics context as a Nest module: the application, the partner-health projection (fed
 * by the partners, deals, mapping and metrics topics), the publisher that turns its outbox into
 * PartnerScorecardUpdated / PartnerQuadrantChanged events, the daily scoring clock and the
 * context's outbox relay (prm.metrics.events.v1, which mapping's quadrant view is built from).
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions = {}): DynamicModule {
    return MetricsModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: AsyncModuleOptions<MetricsModuleOptions>): DynamicModule {
    return {
      module: MetricsModule,
      imports: options.imports ?? [],
      providers: [
        optionsProvider(METRICS_OPTIONS, options),
        {
          provide: MetricsApplication,
          inject: [PlatformRuntime, METRICS_OPTIONS],
          useFactory: (runtime: PlatformRuntime, o: MetricsModuleOptions) =>
            MetricsApplication.create(runtime.store, runtime.db, { log: runtime.log, ...o }),
        },
        {
          provide: METRICS_GRPC,
          inject: [MetricsApplication],
          useFactory: (app: MetricsApplication) => metricsGrpcBinding(app),
        },
        workerProvider({
          name: 'metrics: partner-health projection',
          readiness: true,
          inject: [MetricsApplication],
          create: (runtime, app: MetricsApplication) =>
            new ProjectionRunner(app.db, runtime.bus, app.projection, { log: runtime.log }),
          start: (runner) => runner.start(),
          stop: (runner) => runner.stop(),
        }),
        workerProvider({
          name: 'metrics: publisher',
          inject: [MetricsApplication],
          create: (_runtime, app: MetricsApplication) => app,
          start: (app) => app.startPublisher(),
          stop: (app) => app.stopPublisher(),
        }),
        workerProvider({
          name: 'metrics: scoring clock',
          inject: [MetricsApplication, METRICS_OPTIONS],
          create: (_runtime, app: MetricsApplication, o: MetricsModuleOptions) => ({
            app,
            everyMs: o.scoringClockEveryMs,
          }),
          // Each new day rescores every partner (windows move and quadrants age without events).
          start: ({ app, everyMs }) => app.startScoringClock(everyMs),
          stop: ({ app }) => app.stopScoringClock(),
        }),
        workerProvider({
          name: 'metrics: source-events copy',
          readiness: true,
          inject: [METRICS_OPTIONS],
          create: (runtime, o: MetricsModuleOptions) =>
            o.copySourceEvents
              ? new SourceEventsConsumer(runtime.store, runtime.bus, undefined, runtime.log)
              : undefined,
          start: (consumer) => consumer?.start(),
          stop: (consumer) => consumer?.stop(),
        }),
        outboxRelayProvider('metrics'),
      ],
      exports: [MetricsApplication, METRICS_GRPC],
    };
  }
}
