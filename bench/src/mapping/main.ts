import { log } from '../measure';
import { runCsvImportBench } from './csv-bench';
import { runMappingBench } from './mapping-bench';

/**
 * `node bench/dist/mapping/main.js`: the account-mapping benchmark; BENCH_MAPPING_SCALE shrinks it.
 * BENCH_MAPPING_ONLY=csv runs the CSV import alone (BENCH_REPEAT runs, median and spread).
 */
const run =
  process.env.BENCH_MAPPING_ONLY === 'csv'
    ? runCsvImportBench()
    : runMappingBench({ scale: Number(process.env.BENCH_MAPPING_SCALE ?? '1') || 1 });
run.then(
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
