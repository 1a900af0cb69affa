import {
  integerVar,
  parseEnv,
  portVar,
  secretVar,
  serviceConfigOf,
  serviceEnv,
  type PlatformStart,
} from '@prm/runtime';
import { MAPPING_GRPC, MappingModule } from './mapping.module';

/** The mapping service's variables (the common ones are serviceEnv's). */
export const mappingEnv = serviceEnv.extend({
  PORT: portVar(3004),
  GRPC_PORT: portVar(50064),
  PRM_MAPPING_HMAC_SECRET: secretVar,
  PRM_UPLOAD_IDLE_TIMEOUT_MS: integerVar(30_000, 0, 3_600_000, 'a number of milliseconds (0–3600000)'),
});

/** The mapping service alone (distributed mode): its database, Kafka, its ports. */
export function mappingServiceStart(env: NodeJS.ProcessEnv): PlatformStart {
  const vars = parseEnv(mappingEnv, env);
  const common = serviceConfigOf('mapping', vars);
  return {
    runtime: {
      databaseUrl: common.databaseUrl,
      kafka: common.kafka,
      consumerGroupPrefix: common.consumerGroupPrefix,
    },
    contexts: [MappingModule.forRoot({ hmacSecret: vars.PRM_MAPPING_HMAC_SECRET })],
    grpc: {
      host: common.host,
      port: common.grpcPort,
      bindings: [MAPPING_GRPC],
      streamIdleTimeoutMs: vars.PRM_UPLOAD_IDLE_TIMEOUT_MS,
    },
    http: { host: common.host, port: common.httpPort },
    operatorToken: common.operatorToken,
  };
}
