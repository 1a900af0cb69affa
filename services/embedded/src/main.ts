import { runMain } from '@prm/runtime';
import { loadConfig } from './config';
import { embeddedStart } from './platform';

/**
 * `npm start`: every context in one process (PGlite in ./data and the in-process bus unless
 * DATABASE_URL / KAFKA_BROKERS say otherwise). A bad variable exits 2 naming it; a port in use
 * exits 2 saying which variable to change; SIGTERM / SIGINT stop it cleanly (exit 0).
 */
runMain({
  name: 'prm',
  configure: (env, log) => {
    const config = loadConfig(env);
    log(
      `${config.kafka ? 'distributed' : 'embedded'} mode; data in ${config.databaseUrl ? 'PostgreSQL' : config.dataDir}`,
    );
    log(
      'gRPC packages: prm.partners.v1, prm.deals.v1, prm.mapping.v1, prm.metrics.v1 (health and reflection on)',
    );
    return embeddedStart(config, log);
  },
});
