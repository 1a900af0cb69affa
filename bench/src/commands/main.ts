import { log } from '../measure';
import { runCommandsBench, type Variant } from './commands-bench';

/**
 * `node bench/dist/commands/main.js`: issue 15's commands benchmark alone. BENCH_SCALE shrinks
 * it (1 = 10,000 partners for the service and its bare peer, 1,000 for the embedded app);
 * BENCH_COMMANDS_ONLY=nest,bare,embedded picks servers; BENCH_REPEAT=n runs the service and its bare
 * peer n times in turn (median).
 */
const scale = Number(process.env.BENCH_SCALE ?? '1') || 1;
const variants = (process.env.BENCH_COMMANDS_ONLY ?? 'nest,bare,embedded')
  .split(',')
  .map((v) => v.trim())
  .filter((v): v is Variant => v === 'nest' || v === 'bare' || v === 'embedded');
runCommandsBench({
  partners: Math.max(10, Math.round(10_000 * scale)),
  clients: 32,
  embeddedPartners: Math.max(10, Math.round(1_000 * scale)),
  embeddedClients: 8,
  variants,
  rounds: Number(process.env.BENCH_REPEAT ?? '1') || 1,
}).then(
  (report) => {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    process.exit(0);
  },
  (error: unknown) => {
    log(
      `commands benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(2);
  },
);
