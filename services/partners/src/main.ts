/**
 * The partners service as its own process (distributed mode):
 *   DATABASE_URL=postgres://…/prm_partners KAFKA_BROKERS=127.0.0.1:9092 node services/partners/dist/main.js
 * A bad or missing variable stops it with the variable's name (exit code 2); SIGTERM drains and exits 0.
 */
import { runMain } from '@prm/runtime';
import { partnersServiceStart } from './partners.config';

runMain({ name: 'prm-partners', configure: partnersServiceStart });
