import {
  currencyVar,
  integerVar,
  parseEnv,
  portVar,
  serviceConfigOf,
  serviceEnv,
  type PlatformStart,
} from '@prm/runtime';
import { PARTNERS_GRPC, PartnersModule } from './partners.module';

/** The partners service's variables (the common ones are serviceEnv's). */
export const partnersEnv = serviceEnv.extend({
  PORT: portVar(3001),
  GRPC_PORT: portVar(50061),
  PRM_PAM_CAPACITY: integerVar(10, 1, 10_000, 'a positive integer'),
  PRM_REPORTING_CURRENCY: currencyVar,
  PRM_DORMANT_AFTER_DAYS: integerVar(90, 1, 3650, 'a positive whole number of days'),
});

/** The partners service alone (distributed mode): its database, Kafka, its ports. */
export function partnersServiceStart(env: NodeJS.ProcessEnv): PlatformStart {
  const vars = parseEnv(partnersEnv, env);
  const common = serviceConfigOf('partners', vars);
  return {
    runtime: {
      databaseUrl: common.databaseUrl,
      kafka: common.kafka,
      consumerGroupPrefix: common.consumerGroupPrefix,
    },
    contexts: [
      PartnersModule.forRoot({
        pamCapacity: vars.PRM_PAM_CAPACITY,
        reportingCurrency: vars.PRM_REPORTING_CURRENCY,
        dormantAfterDays: vars.PRM_DORMANT_AFTER_DAYS,
      }),
    ],
    grpc: { host: common.host, port: common.grpcPort, bindings: [PARTNERS_GRPC] },
    http: { host: common.host, port: common.httpPort },
    operatorToken: common.operatorToken,
  };
}
