import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile of `values` (sorted in place), in the values' unit. */
export function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  values.sort();
  const rank = Math.ceil((p / 100) * values.length);
  return values[Math.min(values.length, Math.max(1, rank)) - 1]!;
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Logs "label: 10 % (n/total)" each time another tenth is done. */
export function progress(label: string, total: number): (done: number) => void {
  let shown = 0;
  return (done) => {
    const tenth = Math.floor((done / total) * 10);
    if (tenth > shown) {
      shown = tenth;
      log(`${label}: ${tenth * 10} % (${done}/${total})`);
    }
  };
}

/**
 * Runs `writers` loops concurrently; each takes the next task number until `total` are taken.
 * The first failure stops every loop and is rethrown.
 */
export async function runConcurrently(
  writers: number,
  total: number,
  task: (index: number, writer: number) => Promise<void>,
  onDone?: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  let failed = false;
  const loop = async (writer: number) => {
    while (!failed && next < total) {
      const index = next++;
      try {
        await task(index, writer);
      } catch (error) {
        failed = true;
        throw error;
      }
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => loop(w)));
}

const CLOCK_TICKS_PER_SECOND = 100;
const SAMPLE_EVERY_MS = 500;

export interface CpuReport {
  /** CPU-seconds per wall second: 1 = one core busy all the time. */
  nodeCores: number;
  postgresCores?: number;
  kafkaCores?: number;
  /** Share of all cores busy, every process counted. */
  machineBusyPct?: number;
  /** Cores busy with anything else (other work on the machine): above ~0.2 the run is disturbed. */
  otherCores?: number;
}

/** Process names we account for, by the group they are reported under. */
const GROUPS: Record<string, 'postgres' | 'kafka'> = { postgres: 'postgres', java: 'kafka' };

/** User + system CPU ticks in a /proc/<pid>/stat line (after the command: utime field 11, stime 12). */
function ticksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU-seconds (user + system) one process has used so far; 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    return ticksOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU ticks (user + system) of every postgres and java process, by pid. */
function processTicks(): Map<number, { group: 'postgres' | 'kafka'; ticks: number }> {
  const found = new Map<number, { group: 'postgres' | 'kafka'; ticks: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const group = GROUPS[stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))];
    if (!group) continue;
    found.set(Number(pid), { group, ticks: ticksOf(stat) });
  }
  return found;
}

function machineTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * CPU used by this process, PostgreSQL and Kafka between start and the returned stop().
 * Processes are sampled every 500 ms and accounted per pid, so backends that start or exit
 * during the workload (pools open and close connections) count for the time they were seen.
 */
export function startCpuMeter(): () => CpuReport {
  const started = performance.now();
  const node = process.cpuUsage();
  const machine = machineTicks();
  const last = processTicks();
  const used = { postgres: 0, kafka: 0 };
  const sample = () => {
    for (const [pid, now] of processTicks()) {
      // A pid first seen now started during the workload: all its ticks are ours to count.
      used[now.group] += now.ticks - (last.get(pid)?.ticks ?? 0);
      last.set(pid, now);
    }
  };
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    sample();
    const wall = (performance.now() - started) / 1000;
    const cores = (ticks: number) => round(ticks / CLOCK_TICKS_PER_SECOND / wall, 2);
    const nodeUsed = process.cpuUsage(node);
    const report: CpuReport = {
      nodeCores: round((nodeUsed.user + nodeUsed.system) / 1e6 / wall, 2),
      postgresCores: cores(used.postgres),
      kafkaCores: cores(used.kafka),
    };
    const end = machineTicks();
    if (end.total > machine.total) {
      report.machineBusyPct = round((100 * (end.busy - machine.busy)) / (end.total - machine.total), 1);
      const busyCores = (report.machineBusyPct / 100) * cpus().length;
      const ours = report.nodeCores + report.postgresCores! + report.kafkaCores!;
      report.otherCores = round(Math.max(0, busyCores - ours), 2);
    }
    return report;
  };
}

export { performance };
