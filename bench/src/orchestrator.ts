import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, kafkaBrokers, postgresAdminUrl, type TestDatabase } from '@prm/testing';
import { Client } from 'pg';
import { STORES, type BenchConfig, type StoreName, type WorkloadName } from './config';
import { log, round } from './measure';
import type { BenchResult } from './result';
import type { WorkerMessage, WorkerTask } from './worker';

export interface BenchReport {
  benchmark: 'event-store';
  startedAt: string;
  machine: Record<string, unknown>;
  scale: number;
  counts: Pick<BenchConfig, 'postgres' | 'pglite' | 'relay'>;
  results: BenchResult[];
  comparisons: Record<
    | 'batchedVsEmmett'
    | 'singleVsEmmett'
    | 'readAllVsEmmett'
    | 'batchedVsBaseline'
    | 'singleVsBaseline'
    | 'readAllVsBaseline',
    number | null
  >;
  goals: {
    batchedAtLeast50kPerSecondAnd1_5xEmmett: boolean | null;
    singleAtLeast10kPerSecond: boolean | null;
    relayAtLeast50kPerSecond: boolean | null;
  };
  notes: string[];
}

const NOTES = [
  'Each store runs in its own child process on its own fresh database; the databases are dropped at the end.',
  'prm-pglite runs in-process on PGlite in memory with a quarter of the PostgreSQL counts (see counts.pglite).',
  'count is events for batched, readAll and relay, and appends (one event each) for single; perSecond is count / seconds.',
  'readAll reads everything the batched and single workloads wrote, in pages of 1000: ours via store.readAll({after, limit}), ' +
    'Emmett via its exported readMessagesBatch(execute, {after, batchSize}); verified = every stored event came back exactly once.',
  'pg-baseline is a yardstick for the machine, not a store: one multi-row INSERT (unnest) per append into a plain table with a bigserial position and the same unique indexes, no expected-version check, no ordering guarantee for readers (the "bare pg, one round trip" row of STACK.md). *VsBaseline = ours / it.',
  'Emmett 0.42 appendToStream maps STREAM_DOES_NOT_EXIST to "no check" (it appends to an existing stream); ours refuses.',
  'relay: time from OutboxRelay.start() until its checkpoint reaches the head (acks=all, 3 partitions); each batch size uses a fresh relay from position 0 on the same events.',
  'cpu: CPU-seconds per wall second of the worker (node), of all postgres processes and of the Kafka JVM during the workload.',
  'relay: the topic is first created as the platform creates it (broker default max.message.bytes); when the broker refuses a request as too large the run is reported as failed, the limit is raised and the batch size is run again (details.topicMaxMessageBytes).',
  'goals use the best relay run.',
  "kafkajs-raw: the relay's peer — the same messages (keys, values, 5 headers) sent by a bare kafkajs producer, 500 per sendBatch, acks=all, no database: the ceiling kafkajs itself sets on this machine.",
];

/**
 * Runs a task in a child process, collecting the results it sends as it goes; kills it after
 * `timeoutMs`. Rejects when the child does not exit cleanly (what it sent is kept).
 */
function runInChild(
  task: WorkerTask,
  timeoutMs: number,
  results: BenchResult[],
  onChild: (c?: ChildProcess) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    // The child's stdout goes to our stderr: our stdout carries only the final JSON.
    const child = fork(join(__dirname, 'main.js'), ['worker', JSON.stringify(task)], {
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    onChild(child);
    const timer = setTimeout(() => {
      log(`task ${task.kind === 'store' ? task.store : 'relay'} exceeded ${timeoutMs / 1000} s: killing it`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message) => results.push((message as WorkerMessage).result));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      onChild(undefined);
      if (code === 0) resolvePromise();
      else reject(new Error(`worker exited with ${signal ?? `code ${code}`}`));
    });
  });
}

async function machineInfo(): Promise<Record<string, unknown>> {
  const client = new Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    const version = (await client.query<{ version: string }>('SELECT version()')).rows[0]!.version;
    const settings = await client.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM pg_settings
       WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size', 'max_connections')`,
    );
    return {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: round(totalmem() / 2 ** 30, 1),
      // Other work on the machine skews every number: above ~0.5 per core, distrust the run.
      loadAverage1mAtStart: round(loadavg()[0]!, 2),
      node: process.version,
      postgres: version,
      postgresSettings: Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])),
      postgresHost: new URL(postgresAdminUrl).host,
      kafkaBrokers,
    };
  } finally {
    await client.end();
  }
}

function find(results: BenchResult[], workload: WorkloadName, store: StoreName): BenchResult | undefined {
  return results.find((r) => r.workload === workload && r.store === store && !r.error);
}

function ratio(results: BenchResult[], workload: WorkloadName, other: StoreName): number | null {
  const ours = find(results, workload, 'prm-postgres');
  const theirs = find(results, workload, other);
  return ours && theirs && theirs.perSecond > 0 ? round(ours.perSecond / theirs.perSecond, 2) : null;
}

export async function runBenchmarks(config: BenchConfig): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const machine = await machineInfo();
  const results: BenchResult[] = [];
  let current: ChildProcess | undefined;
  let interrupted: NodeJS.Signals | undefined;
  // Stop the running task; the loop below still drops its database before leaving.
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping; dropping the bench database first`);
    interrupted = signal;
    current?.kill('SIGKILL');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const storeWorkloads = [...config.workloads].filter((w) => w !== 'relay');
  const tasks: {
    label: string;
    task: (url?: string) => WorkerTask;
    needsPostgres: boolean;
    timeoutMs: number;
  }[] = [];
  for (const store of STORES) {
    if (!config.stores.has(store) || storeWorkloads.length === 0) continue;
    const pglite = store === 'prm-pglite';
    tasks.push({
      label: store,
      needsPostgres: !pglite,
      timeoutMs: Math.max(120_000, 240_000 * config.scale),
      task: (url) => ({
        kind: 'store',
        store,
        url,
        counts: pglite ? config.pglite : config.postgres,
        workloads: storeWorkloads,
      }),
    });
  }
  if (config.workloads.has('relay') && config.stores.has('prm-postgres')) {
    tasks.push({
      label: 'relay',
      needsPostgres: true,
      timeoutMs: Math.max(180_000, 360_000 * config.scale),
      task: (url) => ({ kind: 'relay', url: url!, counts: config.relay }),
    });
  }

  for (const { label, task, needsPostgres, timeoutMs } of tasks) {
    if (interrupted) break;
    let database: TestDatabase | undefined;
    try {
      if (needsPostgres) database = await createTestDatabase(`bench_${label.replace(/-/g, '_')}`);
      if (interrupted) throw new Error(`interrupted by ${interrupted}`);
      await runInChild(task(database?.url), timeoutMs, results, (c) => (current = c));
    } catch (error) {
      log(`${label} failed: ${String(error)}`);
      const store: StoreName = label === 'relay' ? 'prm-postgres' : (label as StoreName);
      const workloads: WorkloadName[] = label === 'relay' ? ['relay'] : storeWorkloads;
      // Name the first workload that reported nothing: that is where it stopped.
      const stoppedIn =
        workloads.find((w) => !results.some((r) => r.store === store && r.workload === w)) ?? workloads[0]!;
      results.push({
        workload: stoppedIn,
        store,
        count: 0,
        seconds: 0,
        perSecond: 0,
        error: `task failed: ${(error as Error).message}`,
      });
    } finally {
      if (database) {
        await database.drop().catch((e: unknown) => log(`could not drop ${database!.name}: ${String(e)}`));
      }
    }
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (interrupted) {
    log(`interrupted by ${interrupted}: no report`);
    process.exit(130);
  }

  const batched = find(results, 'batched', 'prm-postgres');
  const single = find(results, 'single', 'prm-postgres');
  const relays = results.filter((r) => r.workload === 'relay' && r.store === 'prm-postgres' && !r.error);
  const rawKafka = results.find((r) => r.workload === 'relay' && r.store === 'kafkajs-raw' && !r.error);
  const bestRelay = relays.length > 0 ? Math.max(...relays.map((r) => r.perSecond)) : null;
  const comparisons = {
    batchedVsEmmett: ratio(results, 'batched', 'emmett-postgres'),
    singleVsEmmett: ratio(results, 'single', 'emmett-postgres'),
    readAllVsEmmett: ratio(results, 'readAll', 'emmett-postgres'),
    batchedVsBaseline: ratio(results, 'batched', 'pg-baseline'),
    singleVsBaseline: ratio(results, 'single', 'pg-baseline'),
    readAllVsBaseline: ratio(results, 'readAll', 'pg-baseline'),
    bestRelayVsKafkajsRaw:
      bestRelay !== null && rawKafka ? Math.round((bestRelay / rawKafka.perSecond) * 100) / 100 : null,
  };
  return {
    benchmark: 'event-store',
    startedAt,
    machine,
    scale: config.scale,
    counts: { postgres: config.postgres, pglite: config.pglite, relay: config.relay },
    results,
    comparisons,
    goals: {
      batchedAtLeast50kPerSecondAnd1_5xEmmett:
        batched && comparisons.batchedVsEmmett !== null
          ? batched.perSecond >= 50_000 && comparisons.batchedVsEmmett >= 1.5
          : null,
      singleAtLeast10kPerSecond: single ? single.perSecond >= 10_000 : null,
      relayAtLeast50kPerSecond: bestRelay !== null ? bestRelay >= 50_000 : null,
    },
    notes: NOTES,
  };
}

/** Writes the report to bench/results/event-store-<timestamp>.json and returns the path. */
export function saveReport(report: BenchReport): string {
  const dir = resolve(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `event-store-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
  return path;
}
