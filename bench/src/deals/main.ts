import { log } from '../measure';
import { runDealsBench } from './deals-bench';

/** `node dist/deals/main.js`: the deal registration benchmark alone; BENCH_SCALE shrinks it. */
runDealsBench({ scale: Number(process.env.BENCH_SCALE ?? '1') || 1 }).then(
  (report) => {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    process.exit(0);
  },
  (error: unknown) => {
    log(`deals benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
