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
  MappingApplication,
  mappingGrpcBinding,
  mappingPartnerQuadrantsProjection,
  mappingPartnerViewProjection,
  PartnerQuadrantView,
  type MappingApplicationOptions,
} from './app';

/** quadrantOf comes from mapping's own quadrant view (prm.metrics.events.v1), not from the caller. */
export type MappingModuleOptions = Omit<MappingApplicationOptions, 'quadrantOf'>;

export const MAPPING_OPTIONS = Symbol('MAPPING_OPTIONS');
/** The GrpcBinding of prm.mapping.v1 (for GrpcHostModule's bindings). */
export const MAPPING_GRPC = Symbol('MAPPING_GRPC');

/**
 * The account-mapping context as a Nest module: the application (lists loaded into memory at
 * creation), the partner view (prm.partners.events.v1), the partner-quadrant view
 * (prm.metrics.events.v1; deal acceleration ranks by it) and the context's outbox relay.
 */
@Module({})
export class MappingModule {
  static forRoot(options: MappingModuleOptions = {}): DynamicModule {
    return MappingModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: AsyncModuleOptions<MappingModuleOptions>): DynamicModule {
    return {
      module: MappingModule,
      imports: options.imports ?? [],
      providers: [
        optionsProvider(MAPPING_OPTIONS, options),
        {
          provide: PartnerQuadrantView,
          inject: [PlatformRuntime],
          useFactory: async (runtime: PlatformRuntime) => {
            const view = new PartnerQuadrantView(runtime.db, runtime.log);
            await view.load();
            return view;
          },
        },
        {
          provide: MappingApplication,
          inject: [PlatformRuntime, MAPPING_OPTIONS, PartnerQuadrantView],
          useFactory: (runtime: PlatformRuntime, o: MappingModuleOptions, quadrants: PartnerQuadrantView) =>
            MappingApplication.create(runtime.store, runtime.db, {
              log: runtime.log,
              ...o,
              quadrantOf: (partnerId) => quadrants.quadrantOf(partnerId),
            }),
        },
        {
          provide: MAPPING_GRPC,
          inject: [MappingApplication],
          useFactory: (app: MappingApplication) => mappingGrpcBinding(app),
        },
        workerProvider({
          name: 'mapping: partner-view projection',
          readiness: true,
          create: (runtime) =>
            new ProjectionRunner(runtime.db, runtime.bus, mappingPartnerViewProjection, { log: runtime.log }),
          start: (runner) => runner.start(),
          stop: (runner) => runner.stop(),
        }),
        workerProvider({
          name: 'mapping: partner-quadrants projection',
          readiness: true,
          inject: [PartnerQuadrantView],
          create: (runtime, view: PartnerQuadrantView) =>
            new ProjectionRunner(runtime.db, runtime.bus, mappingPartnerQuadrantsProjection, {
              log: runtime.log,
              onCommitted: (messages) => view.committed(messages),
            }),
          start: (runner) => runner.start(),
          stop: (runner) => runner.stop(),
        }),
        outboxRelayProvider('mapping'),
      ],
      exports: [MappingApplication, MAPPING_GRPC, PartnerQuadrantView],
    };
  }
}
