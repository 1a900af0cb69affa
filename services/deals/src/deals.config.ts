import {
  currencyVar,
  parseEnv,
  portVar,
  serviceConfigOf,
  serviceEnv,
  type PlatformStart,
} from '@prm/runtime';
import { DEALS_GRPC, DealsModule } from './deals.module';

/** The deals service's variables (the common ones are serviceEnv's). */
export const dealsEnv = serviceEnv.extend({
  PORT: portVar(3002),
  GRPC_PORT: portVar(50062),
  PRM_REPORTING_CURRENCY: currencyVar,
});

/** The deals service alone (distributed mode): its database, Kafka, its ports. */
export function dealsServiceStart(env: NodeJS.ProcessEnv): PlatformStart {
  const vars = parseEnv(dealsEnv, env);
  const common = serviceConfigOf('deals', vars);
  return {
    runtime: {
      databaseUrl: common.databaseUrl,
      kafka: common.kafka,
      consumerGroupPrefix: common.consumerGroupPrefix,
    },
    contexts: [DealsModule.forRoot({ reportingCurrency: vars.PRM_REPORTING_CURRENCY })],
    grpc: { host: common.host, port: common.grpcPort, bindings: [DEALS_GRPC] },
    http: { host: common.host, port: common.httpPort },
    operatorToken: common.operatorToken,
  };
}
