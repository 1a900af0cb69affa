import type { Counts, RelayCounts, StoreName, WorkloadName } from './config';
import { log } from './measure';
import type { BenchResult } from './result';
import type { BenchTarget } from './targets/bench-target';
import { EmmettTarget } from './targets/emmett-target';
import { PgBaselineTarget } from './targets/pg-baseline-target';
import { PrmTarget } from './targets/prm-target';
import { batchedAppends, readAllBack, singleAppends } from './workloads/event-store-workloads';
import { relayThroughput } from './workloads/relay-workload';

/** One child process runs one task, so stores never share a pg module, pool or heap. */
export type WorkerTask =
  | { kind: 'store'; store: StoreName; url?: string; counts: Counts; workloads: WorkloadName[] }
  | { kind: 'relay'; url: string; counts: RelayCounts };

/** Sent to the parent once per finished workload, so a killed worker keeps what it measured. */
export interface WorkerMessage {
  result: BenchResult;
}

async function openTarget(task: Extract<WorkerTask, { kind: 'store' }>): Promise<BenchTarget> {
  switch (task.store) {
    case 'prm-postgres':
      return PrmTarget.onPostgres(task.url!);
    case 'emmett-postgres':
      return EmmettTarget.open(task.url!);
    case 'pg-baseline':
      return PgBaselineTarget.open(task.url!);
    case 'prm-pglite':
      return PrmTarget.onPglite();
    default: {
      const unknown: never = task.store;
      throw new Error(`unknown store ${String(unknown)}`);
    }
  }
}

function failed(workload: WorkloadName, store: StoreName, error: unknown): BenchResult {
  log(
    `${store} ${workload} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return {
    workload,
    store,
    count: 0,
    seconds: 0,
    perSecond: 0,
    error: error instanceof Error ? error.message : String(error),
  };
}

async function runStoreTask(
  task: Extract<WorkerTask, { kind: 'store' }>,
  report: (result: BenchResult) => void,
): Promise<void> {
  const target = await openTarget(task);
  const run = async (
    workload: WorkloadName,
    body: (t: BenchTarget, c: Counts) => Promise<Omit<BenchResult, 'store'>>,
  ) => {
    try {
      const result = { store: task.store, ...(await body(target, task.counts)) };
      log(`${task.store} ${workload}: ${result.perSecond}/s over ${result.seconds} s`);
      report(result);
    } catch (error) {
      report(failed(workload, task.store, error));
    }
  };
  try {
    const has = (w: WorkloadName) => task.workloads.includes(w);
    if (has('batched')) await run('batched', batchedAppends);
    if (has('single')) await run('single', singleAppends);
    if (has('readAll')) {
      if (!has('batched') && !has('single')) {
        log(`${task.store}: readAll alone; writing the batched workload first (not reported)`);
        await batchedAppends(target, task.counts);
      }
      await run('readAll', readAllBack);
    }
  } finally {
    await target.close();
  }
}

export async function runWorker(task: WorkerTask, report: (result: BenchResult) => void): Promise<void> {
  if (task.kind === 'store') return runStoreTask(task, report);
  try {
    await relayThroughput(task.url, task.counts, report);
  } catch (error) {
    report(failed('relay', 'prm-postgres', error));
  }
}
