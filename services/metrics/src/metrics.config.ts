import { parseEnv, portVar, serviceConfigOf, serviceEnv, type PlatformStart } from '@prm/runtime';
import { METRICS_GRPC, MetricsModule } from './metrics.module';

/** The metrics service's variables (the common ones are serviceEnv's). */
export const metricsEnv = serviceEnv.extend({
  PORT: portVar(3003),
  GRPC_PORT: portVar(50063),
});

/** The metrics service alone (distributed mode): its database, Kafka, its ports. */
export function metricsServiceStart(env: NodeJS.ProcessEnv): PlatformStart {
  const vars = parseEnv(metricsEnv, env);
  const common = serviceConfigOf('metrics', vars);
  return {
    runtime: {
      databaseUrl: common.databaseUrl,
      kafka: common.kafka,
      consumerGroupPrefix: common.consumerGroupPrefix,
    },
    // Alone on its own database: time travel and recompute need the other contexts' events copied in.
    contexts: [MetricsModule.forRoot({ copySourceEvents: true })],
    grpc: { host: common.host, port: common.grpcPort, bindings: [METRICS_GRPC] },
    http: { host: common.host, port: common.httpPort },
    operatorToken: common.operatorToken,
  };
}
