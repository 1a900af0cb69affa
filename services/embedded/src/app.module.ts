import type { DynamicModule } from '@nestjs/common';
import { DEALS_GRPC, DealsModule } from '@prm/deals';
import { MAPPING_GRPC, MappingModule } from '@prm/mapping';
import { METRICS_GRPC, MetricsModule } from '@prm/metrics';
import { PARTNERS_GRPC, PartnersModule } from '@prm/partners';
import { PlatformModule, type PlatformModuleOptions } from '@prm/runtime';
import type { PlatformConfig } from './config';

/**
 * The embedded platform: one Nest application importing the same four context modules the
 * services' mains import one each, over one runtime (PGlite and the in-process bus, or
 * PostgreSQL and Kafka when DATABASE_URL / KAFKA_BROKERS are set), one gRPC port serving the
 * four packages and one HTTP port.
 */
export function embeddedOptions(
  config: PlatformConfig,
  mappingHmacSecret: string | undefined,
  log: (line: string) => void,
): PlatformModuleOptions {
  return {
    runtime: { databaseUrl: config.databaseUrl, dataDir: config.dataDir, kafka: config.kafka, log },
    contexts: [
      PartnersModule.forRoot({
        pamCapacity: config.pamCapacity,
        reportingCurrency: config.reportingCurrency,
        dormantAfterDays: config.dormantAfterDays,
      }),
      DealsModule.forRoot({ reportingCurrency: config.reportingCurrency }),
      MetricsModule.forRoot(),
      MappingModule.forRoot({ hmacSecret: mappingHmacSecret }),
    ],
    grpc: {
      host: config.httpHost,
      port: config.grpcPort,
      bindings: [PARTNERS_GRPC, DEALS_GRPC, MAPPING_GRPC, METRICS_GRPC],
      streamIdleTimeoutMs: config.uploadIdleTimeoutMs,
    },
    operatorToken: config.operatorToken,
  };
}

/** The embedded platform's root module (what startPlatform builds). */
export const AppModule = {
  register(config: PlatformConfig, mappingHmacSecret: string | undefined, log: (line: string) => void) {
    return PlatformModule.register(embeddedOptions(config, mappingHmacSecret, log)) as DynamicModule;
  },
};
