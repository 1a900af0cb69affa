import { performance } from 'node:perf_hooks';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { givenPartners, MappingApplication, type Actor } from '@prm/mapping';
import { createTestDatabase } from '@prm/testing';
import { log, round, startCpuMeter, type CpuReport } from '../measure';
import { chunks, csvExport } from './mapping-bench';

/**
 * The CSV import alone (BENCH_MAPPING_ONLY=csv): one partner's 100,000-row export imported
 * `runs` times into a fresh list each time (a new partner each run, so every run is a first
 * import), on PostgreSQL, with the import worker as the service runs it. Reports the median and
 * spread beside the goal, and the CPU of Node (both threads) and PostgreSQL per run.
 */
export interface CsvImportBenchReport {
  benchmark: 'mapping-csv-import';
  startedAt: string;
  config: { rows: number; bytes: number; runs: number; postgres: string };
  results: {
    ms: number[];
    msMedian: number;
    msMin: number;
    msMax: number;
    rowsPerSecondMedian: number;
    accepted: number;
    rejected: number;
    cpu: CpuReport[];
  };
  goals: Array<{ name: string; goal: string; measured: number; unit: string; met: boolean }>;
}

const admin: Actor = { id: 'bench:mapping', role: 'service' };
const SECRET = 'bench-mapping-deployment-secret-0123456789';

export async function runCsvImportBench(
  options: { rows?: number; runs?: number } = {},
): Promise<CsvImportBenchReport> {
  const rows = options.rows ?? (Number(process.env.BENCH_MAPPING_CSV_ROWS ?? '100000') || 100_000);
  const runs = options.runs ?? (Number(process.env.BENCH_REPEAT ?? '3') || 3);
  const startedAt = new Date().toISOString();
  const tdb = await createTestDatabase('mapping_csv_bench');
  const db = new PostgresDatabase(tdb.url);
  const store = await SqlEventStore.create(db);
  try {
    const app = await MappingApplication.create(store, db, { hmacSecret: SECRET });
    const csv = csvExport(rows);
    const partnerIds = Array.from(
      { length: runs + 1 },
      (_, j) => `00000000-0000-4000-8000-${String(900 + j).padStart(12, '0')}`,
    );
    await givenPartners(
      store,
      db,
      partnerIds.map((partnerId) => ({ partnerId })),
    );
    // Warm-up: the worker's code compiled, the tables and indexes touched once (not counted).
    await app.importAccountList(
      { owner: 'partner', partnerId: partnerIds[runs]!, content: chunks(csvExport(5_000), 256 * 1024) },
      admin,
    );
    const ms: number[] = [];
    const cpu: CpuReport[] = [];
    let accepted = 0;
    let rejected = 0;
    for (let r = 0; r < runs; r++) {
      const stop = startCpuMeter();
      const t = performance.now();
      const result = await app.importAccountList(
        { owner: 'partner', partnerId: partnerIds[r]!, content: chunks(csv, 256 * 1024) },
        admin,
      );
      ms.push(round(performance.now() - t, 1));
      cpu.push(stop());
      accepted = result.accountCount;
      rejected = result.rejectedCount;
      log(
        `mapping csv: run ${r + 1}/${runs}: ${rows} rows in ${ms[r]} ms ` +
          `(node ${cpu[r]!.nodeCores} cores, postgres ${cpu[r]!.postgresCores}, otherCores ${cpu[r]!.otherCores})`,
      );
    }
    const sorted = [...ms].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    return {
      benchmark: 'mapping-csv-import',
      startedAt,
      config: { rows, bytes: csv.length, runs, postgres: 'PostgreSQL (DATABASE_URL)' },
      results: {
        ms,
        msMedian: median,
        msMin: sorted[0]!,
        msMax: sorted[sorted.length - 1]!,
        rowsPerSecondMedian: round(rows / (median / 1000)),
        accepted,
        rejected,
        cpu,
      },
      goals: [
        {
          name: `import of one ${rows}-row CSV (median of ${runs})`,
          goal: '≤ 2000 ms (100,000 rows)',
          measured: median,
          unit: 'ms',
          met: median <= 2000 * (rows / 100_000),
        },
      ],
    };
  } finally {
    await db.close();
    await tdb.drop();
  }
}
