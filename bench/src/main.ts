import { benchConfigFromEnv } from './config';
import { log } from './measure';
import { runBenchmarks, saveReport } from './orchestrator';
import type { BenchResult } from './result';
import { runWorker, type WorkerMessage, type WorkerTask } from './worker';

function sendToParent(result: BenchResult): Promise<void> {
  const message: WorkerMessage = { result };
  return new Promise((resolve, reject) =>
    process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}

/**
 * `node dist/main.js` runs the event-store benchmarks and prints one JSON report on stdout
 * (progress on stderr). `node dist/main.js worker <task>` is the child process of one task.
 */
async function main(): Promise<number> {
  if (process.argv[2] === 'worker') {
    const sending: Promise<void>[] = [];
    await runWorker(JSON.parse(process.argv[3]!) as WorkerTask, (result) =>
      sending.push(sendToParent(result)),
    );
    await Promise.all(sending);
    return 0;
  }
  const config = benchConfigFromEnv();
  const report = await runBenchmarks(config);
  const path = saveReport(report);
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  log(`report written to ${path}`);
  return report.results.some((r) => r.error) ? 1 : 0;
}

main().then(
  // Clients (kafkajs, pg pools) may keep handles open after their work: leave explicitly.
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
