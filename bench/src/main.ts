import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** The suites `npm run bench` runs, in this order; BENCH_SUITES picks some (comma list). */
const SUITES = ['event-store', 'deals', 'mapping', 'metrics', 'commands'] as const;

/** Each service suite runs in its own Node process (its memory, its flags); stdout is its JSON report. */
const CHILD: Record<Exclude<(typeof SUITES)[number], 'event-store'>, { script: string; env: string }> = {
  deals: { script: 'deals/main.js', env: 'BENCH_SCALE' },
  mapping: { script: 'mapping/main.js', env: 'BENCH_MAPPING_SCALE' },
  metrics: { script: 'metrics/main.js', env: 'BENCH_METRICS_SCALE' },
  commands: { script: 'commands/main.js', env: 'BENCH_SCALE' },
};

function runChild(suite: keyof typeof CHILD): unknown {
  const { script, env } = CHILD[suite];
  log(`suite ${suite}: node ${script}`);
  const run = spawnSync(
    process.execPath,
    ['--max-old-space-size=8192', '--max-semi-space-size=64', join(__dirname, script)],
    {
      env: { ...process.env, [env]: process.env[env] ?? process.env.BENCH_SCALE ?? '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (run.status !== 0) return { error: `suite ${suite} exited with ${run.status ?? run.signal}` };
  try {
    return JSON.parse(run.stdout) as unknown;
  } catch {
    return { error: `suite ${suite} printed no JSON report`, stdout: run.stdout.slice(0, 2000) };
  }
}

/**
 * `node dist/main.js` runs every suite (BENCH_SUITES=event-store,deals,mapping,metrics,commands picks some)
 * and prints one JSON report on stdout (progress on stderr), also saved in bench/results/.
 * `node dist/main.js worker <task>` is the child process of one event-store task.
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
  const wanted = (process.env.BENCH_SUITES ?? SUITES.join(',')).split(',').map((s) => s.trim());
  const unknown = wanted.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    log(`BENCH_SUITES: unknown suite ${unknown.join(', ')}; the suites are ${SUITES.join(', ')}`);
    return 2;
  }
  const startedAt = new Date().toISOString();
  const suites: Record<string, unknown> = {};
  let failed = false;
  for (const suite of SUITES.filter((s) => wanted.includes(s))) {
    if (suite === 'event-store') {
      const report = await runBenchmarks(benchConfigFromEnv());
      log(`event-store report written to ${saveReport(report)}`);
      failed ||= report.results.some((r) => r.error);
      suites[suite] = report;
    } else {
      suites[suite] = runChild(suite);
      failed ||= typeof suites[suite] === 'object' && suites[suite] !== null && 'error' in suites[suite];
    }
  }
  const all = { startedAt, finishedAt: new Date().toISOString(), suites };
  const dir = resolve(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `all-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, JSON.stringify(all, null, 2) + '\n');
  process.stdout.write(JSON.stringify(all, null, 2) + '\n');
  log(`report written to ${path}`);
  return failed ? 1 : 0;
}

main().then(
  // Clients (kafkajs, pg pools) may keep handles open after their work: leave explicitly.
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
