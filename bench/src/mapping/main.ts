import { log } from '../measure';
import { runMappingBench } from './mapping-bench';

/** `node bench/dist/mapping/main.js`: the account-mapping benchmark; BENCH_MAPPING_SCALE shrinks it. */
runMappingBench({ scale: Number(process.env.BENCH_MAPPING_SCALE ?? '1') || 1 }).then(
  (report) => {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    process.exit(0);
  },
  (error: unknown) => {
    log(
      `mapping benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(2);
  },
);
