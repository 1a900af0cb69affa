/**
 * The mapping service as its own process (distributed mode):
 *   DATABASE_URL=postgres://…/prm_mapping KAFKA_BROKERS=127.0.0.1:9092 node services/mapping/dist/main.js
 * A bad or missing variable stops it with the variable's name (exit code 2); SIGTERM drains and exits 0.
 */
import { runMain } from '@prm/runtime';
import { mappingServiceStart } from './mapping.config';

runMain({ name: 'prm-mapping', configure: mappingServiceStart });
