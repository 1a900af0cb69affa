import { randomUUID } from 'node:crypto';
import type { Counts } from '../config';
import { dealRegistered, dealRegisteredBatch } from '../events';
import { log, percentile, performance, progress, round, runConcurrently, startCpuMeter } from '../measure';
import type { BenchResult } from '../result';
import type { BenchTarget } from '../targets/bench-target';

type StoreResult = Omit<BenchResult, 'store'>;

/** The store's database calls during the workload, when the target can see them. */
function callsOf(target: BenchTarget, appends?: number): Record<string, unknown> {
  const calls = target.takeCallStats?.();
  if (!calls) return {};
  const batches = calls.appendBatch?.calls;
  return {
    calls,
    ...(appends && batches ? { appendsPerCall: round(appends / batches, 1) } : {}),
  };
}

function rate(count: number, ms: number): { seconds: number; perSecond: number } {
  return { seconds: round(ms / 1000, 3), perSecond: Math.round(count / (ms / 1000)) };
}

/** `writers` loops, each appending `batchSize` events to a fresh stream per call (expected no-stream). */
export async function batchedAppends(target: BenchTarget, counts: Counts): Promise<StoreResult> {
  const { batches, batchSize, batchWriters } = counts;
  const events = batches * batchSize;
  const label = `${target.name} batched (${batches} × ${batchSize} events, ${batchWriters} writers)`;
  log(`${label}: start`);
  target.takeCallStats?.();
  const cpu = startCpuMeter();
  const started = performance.now();
  await runConcurrently(
    batchWriters,
    batches,
    async () => {
      await target.appendToNewStream(`deals.deal-${randomUUID()}`, dealRegisteredBatch(batchSize));
    },
    progress(label, batches),
  );
  const elapsed = performance.now() - started;
  return {
    workload: 'batched',
    count: events,
    ...rate(events, elapsed),
    cpu: cpu(),
    details: {
      batches,
      batchSize,
      writers: batchWriters,
      expected: 'no-stream',
      ...callsOf(target, batches),
    },
  };
}

/**
 * `writers` loops, each appending one event per call to a stream of its own: the first
 * append expects no stream, the next ones the exact version the previous append returned;
 * after `singlesPerStream` events the writer moves to a new stream.
 */
export async function singleAppends(target: BenchTarget, counts: Counts): Promise<StoreResult> {
  const { singles, singleWriters, singlesPerStream } = counts;
  const label = `${target.name} single (${singles} appends, ${singleWriters} writers)`;
  log(`${label}: start`);
  const latencies = new Float64Array(singles);
  const streams = Array.from({ length: singleWriters }, () => ({
    id: `deals.deal-${randomUUID()}`,
    version: null as number | null,
    written: 0,
  }));
  target.takeCallStats?.();
  const cpu = startCpuMeter();
  const started = performance.now();
  await runConcurrently(
    singleWriters,
    singles,
    async (index, writer) => {
      const stream = streams[writer]!;
      if (stream.written === singlesPerStream) {
        Object.assign(stream, { id: `deals.deal-${randomUUID()}`, version: null, written: 0 });
      }
      const event = dealRegistered();
      const t0 = performance.now();
      stream.version = await target.appendOne(stream.id, event, stream.version);
      latencies[index] = performance.now() - t0;
      stream.written++;
    },
    progress(label, singles),
  );
  const elapsed = performance.now() - started;
  return {
    workload: 'single',
    count: singles,
    ...rate(singles, elapsed),
    p50ms: round(percentile(latencies, 50), 2),
    p99ms: round(percentile(latencies, 99), 2),
    cpu: cpu(),
    details: { writers: singleWriters, eventsPerStream: singlesPerStream, ...callsOf(target, singles) },
  };
}

/** Reads the whole global log back in pages and checks every stored event came back exactly once. */
export async function readAllBack(target: BenchTarget, counts: Counts): Promise<StoreResult> {
  const label = `${target.name} readAll (pages of ${counts.readPageSize})`;
  log(`${label}: start`);
  let pages = 0;
  target.takeCallStats?.();
  const cpu = startCpuMeter();
  const started = performance.now();
  // The total is known only to the target: report every 50 pages.
  const outcome = await target.readAll(counts.readPageSize, (read) => {
    if (++pages % 50 === 0) log(`${label}: ${read} events`);
  });
  const elapsed = performance.now() - started;
  const verified = outcome.read === outcome.stored && outcome.duplicates === 0 && outcome.missing === 0;
  return {
    workload: 'readAll',
    count: outcome.read,
    ...rate(outcome.read, elapsed),
    verified,
    cpu: cpu(),
    details: { pageSize: counts.readPageSize, ...outcome, ...callsOf(target) },
    ...(verified
      ? {}
      : {
          note:
            `read ${outcome.read} events for ${outcome.stored} stored: ` +
            `${outcome.duplicates} duplicates, ${outcome.missing} never returned`,
        }),
  };
}
