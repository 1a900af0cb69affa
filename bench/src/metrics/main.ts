import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { createKafka, KafkaEventBus } from '@prm/messaging';
import {
  bulkRebuildPartnerHealth,
  DEFAULT_SCORING,
  generateEventStream,
  InMemoryHealthFold,
  MetricsApplication,
  rebuildPartnerHealth,
} from '@prm/metrics';
import { createTestDatabase, kafkaBrokers, uniqueSuffix } from '@prm/testing';
import { topicOf, type RecordedEvent } from '@prm/contracts';
import { wallNow, type LagWriterInput, type LagWriterMessage } from './lag-writer';

/*
 * Metrics benchmarks: the partner-health fold purely in memory, and a rebuild of the
 * PostgreSQL read models through the ProjectionRunner from an event store holding
 * 1,000,000 events of 10,000 partners (BENCH_METRICS_SCALE multiplies both). Progress on
 * stderr; one JSON report on stdout.
 */

export interface MetricsBenchOptions {
  /** Which parts to run: fold, rebuild, lag (default all; env BENCH_METRICS_ONLY=fold,lag). */
  only?: string[];
  /** Multiplies the event and partner counts (default 1: 1,000,000 events, 10,000 partners). */
  scale?: number;
  log?: (line: string) => void;
}

export interface MetricsBenchReport {
  benchmark: 'metrics';
  scale: number;
  partners: number;
  events: number;
  results: Array<Record<string, unknown>>;
  peakRssMb: number;
}

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

export async function runMetricsBench(options: MetricsBenchOptions = {}): Promise<MetricsBenchReport> {
  const scale = options.scale ?? 1;
  const log = options.log ?? ((line: string) => process.stderr.write(`[bench:metrics] ${line}\n`));
  const timer = setInterval(sample, 200);
  const only = new Set(options.only ?? ['fold', 'rebuild', 'lag']);
  const partners = Math.max(10, Math.round(10_000 * scale));
  const target = Math.max(1000, Math.round(1_000_000 * scale));
  log(`streaming ~${target.toLocaleString('en')} events for ${partners.toLocaleString('en')} partners`);
  // The events are generated as they are consumed (never a million event objects in memory):
  // the fold benchmark measures the fold, not the garbage collection of its input.
  const events = () => generateEventStream({ partners, events: target, seed: 2026 });
  let eventCount = 0;
  const results: Array<Record<string, unknown>> = [];
  try {
    // The lag first: it measures a service process, not one holding a 1 GB fold, and a
    // database server still writing back the million-event log of the rebuild.
    if (only.has('lag')) results.push(await liveLag(scale, log));
    if (only.has('fold')) {
      const plain = foldInMemory(events, false, log);
      eventCount = plain.events;
      results.push(plain, foldInMemory(events, true, log));
    }
    if (only.has('rebuild')) {
      const rebuild = await rebuildIntoPostgres(events, scale, log);
      eventCount = Number(rebuild[0]!.events);
      results.push(...rebuild);
    }
  } finally {
    clearInterval(timer);
    sample();
  }
  return {
    benchmark: 'metrics',
    scale,
    partners,
    events: eventCount,
    results,
    peakRssMb: Math.round(peakRss / 1e6),
  };
}

/**
 * Folds the generated events in chunks of 10,000: a chunk is generated (untimed), then folded
 * (timed). `seconds` is the fold alone; `wallSeconds` includes generating the events.
 */
function foldInMemory(events: () => Iterable<RecordedEvent>, score: boolean, log: (line: string) => void) {
  const fold = new InMemoryHealthFold({ configs: [DEFAULT_SCORING], score, keepHistory: score });
  const wallStarted = performance.now();
  let folding = 0;
  let count = 0;
  let logged = 0;
  const chunk: RecordedEvent[] = [];
  const foldChunk = () => {
    const started = performance.now();
    for (let i = 0; i < chunk.length; i++) fold.apply(chunk[i]!);
    folding += performance.now() - started;
    count += chunk.length;
    chunk.length = 0;
    if (count - logged >= 100_000) {
      logged = count;
      log(`in-memory fold (scoring ${score ? 'per event' : 'off'}): ${count.toLocaleString('en')} events`);
    }
  };
  for (const e of events()) {
    chunk.push(e);
    if (chunk.length === 10_000) foldChunk();
  }
  foldChunk();
  const seconds = folding / 1000;
  const wallSeconds = (performance.now() - wallStarted) / 1000;
  sample();
  return {
    name: score ? 'fold-in-memory-with-per-event-scoring' : 'fold-in-memory',
    events: count,
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSecond: Math.round(count / seconds),
    ...(score ? {} : { goalEventsPerSecond: 300_000 }), // the issue sets no goal for the scoring fold
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
    quadrantChanges: fold.history.length,
  };
}

async function rebuildIntoPostgres(
  events: () => Iterable<RecordedEvent>,
  scale: number,
  log: (line: string) => void,
) {
  const tdb = await createTestDatabase('bench_metrics');
  const db = new PostgresDatabase(tdb.url, { max: 4 });
  const store = await SqlEventStore.create(db);
  const results: Array<Record<string, unknown>> = [];
  try {
    log('appending the events to the event store');
    const appendStarted = performance.now();
    // Chunks in event-time order; within a chunk one append per stream (group-committed), so
    // a stream's events never race each other.
    let appended = 0;
    const appendChunk = async (chunk: readonly RecordedEvent[]) => {
      const byStream = new Map<string, RecordedEvent[]>();
      for (const e of chunk) {
        let list = byStream.get(e.streamId);
        if (!list) byStream.set(e.streamId, (list = []));
        list.push(e);
      }
      await Promise.all(
        [...byStream].map(([stream, list]) =>
          store.append(
            stream,
            list.map((e) => ({
              id: e.id,
              type: e.type,
              schemaVersion: 1,
              data: e.data,
              metadata: e.metadata,
            })),
            'any',
          ),
        ),
      );
      appended += chunk.length;
      if (appended % 100_000 < chunk.length) log(`appended ${appended.toLocaleString('en')}`);
    };
    let chunk: RecordedEvent[] = [];
    for (const e of events()) {
      chunk.push(e);
      if (chunk.length === 5000) {
        await appendChunk(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await appendChunk(chunk);
    const total = appended;
    const appendSeconds = (performance.now() - appendStarted) / 1000;
    const counts = async () =>
      (
        await db.query<{ partners: string; history: string }>(
          'SELECT (SELECT count(*) FROM metrics_partner_health) AS partners, (SELECT count(*) FROM metrics_quadrant_history) AS history',
        )
      )[0]!;
    log('bulk rebuild of the partner-health read models (read the log, fold in memory, write once)');
    let lastLog = 0;
    const progress = (label: string) => (p: { done: bigint; total: bigint; eventsPerSecond: number }) => {
      sample();
      if (Date.now() - lastLog > 2000 || p.done >= p.total) {
        lastLog = Date.now();
        log(
          `${label} ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')} (${Math.round(p.eventsPerSecond).toLocaleString('en')} ev/s)`,
        );
      }
    };
    const started = performance.now();
    const bulk = await bulkRebuildPartnerHealth(db, store, {
      configs: [DEFAULT_SCORING],
      onProgress: progress('bulk rebuild'),
    });
    /** One rebuild's result: timed since `from`, with the read models' row counts after it. */
    const rebuildResult = async (name: string, processed: number, from: number) => {
      const seconds = (performance.now() - from) / 1000;
      const rows = await counts();
      return {
        name,
        events: total,
        processed,
        seconds: Math.round(seconds * 100) / 100,
        eventsPerSecond: Math.round(total / seconds),
        goalEventsPerSecond: 30_000,
        partnerRows: Number(rows.partners),
        quadrantHistoryRows: Number(rows.history),
      };
    };
    results.push({
      ...(await rebuildResult('rebuild-postgres-bulk', bulk.processed, started)),
      readAndFoldSeconds: Math.round(bulk.foldSeconds * 100) / 100,
      writeSeconds: Math.round(bulk.writeSeconds * 100) / 100,
      appendSeconds: Math.round(appendSeconds * 100) / 100,
    });
    // The runner's batch-by-batch rebuild (1,000 events per transaction) is much slower on a big
    // log; it runs by default only on small scales (BENCH_METRICS_RUNNER=1 forces it).
    if (scale <= 0.1 || process.env.BENCH_METRICS_RUNNER === '1') {
      log('rebuild through the ProjectionRunner (batches of 1,000 events, one transaction each)');
      const runnerStarted = performance.now();
      const result = await rebuildPartnerHealth(db, store, [DEFAULT_SCORING], progress('runner rebuild'));
      results.push(await rebuildResult('rebuild-postgres-runner', result.processed, runnerStarted));
    }
    return results;
  } finally {
    await store.close();
    await db.close();
    await tdb.drop();
  }
}

/**
 * Live lag through real Kafka: events appended at 1,000/s to the event store → outbox relay →
 * Kafka → the projection's consumer → committed read model. The writing side (appends and
 * relay) runs on its own thread, as it runs in other processes in production; this thread
 * runs the metrics projection alone. The lag of an event is from its append resolving to the
 * commit of the read-model transaction that applied it (the runner's onCommitted hook: from
 * then on every reader sees it), both taken on the wall clock. Input topics are unique per
 * run (the broker may be shared).
 */
async function liveLag(scale: number, log: (line: string) => void): Promise<Record<string, unknown>> {
  const seconds = Math.max(5, Math.round(30 * scale));
  /** Seconds at the same rate before measuring (JIT, caches, consumer-group join), reported apart. */
  const warmupSeconds = 5;
  const rate = 1000;
  const suffix = uniqueSuffix();
  const contexts: Record<string, string> = {
    partners: `partners${suffix}`,
    deals: `deals${suffix}`,
    mapping: `mapping${suffix}`,
  };
  // What was set up is taken down in reverse order, also when a later step fails (a run that
  // failed at start used to leave its database behind).
  const teardown: Array<() => Promise<unknown>> = [];
  try {
    const kafka = createKafka({ brokers: kafkaBrokers, clientId: `metrics-bench-${suffix}` });
    // The run's topics go too: a broker that keeps every run's partitions starts slower.
    teardown.push(async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: Object.values(contexts).map(topicOf) });
      } finally {
        await admin.disconnect();
      }
    });
    const tdb = await createTestDatabase('bench_metrics_lag');
    teardown.push(() => tdb.drop());
    const db = new PostgresDatabase(tdb.url, { max: 4 });
    teardown.push(() => db.close());
    const store = await SqlEventStore.create(db);
    teardown.push(() => store.close());
    const app = await MetricsApplication.create(store, db, {
      scoring: [DEFAULT_SCORING],
      projection: { name: `bench-lag-${suffix}`, contexts: Object.values(contexts) },
    });
    const bus = new KafkaEventBus(kafka);
    teardown.push(() => bus.close());
    /** "stream@version" → when its append resolved, for events not yet committed to the read model. */
    const appendedAt = new Map<string, number>();
    /** Events committed before the writer's message about their append arrived. */
    const committedAt = new Map<string, number>();
    const lags: number[] = [];
    const warmupLags: number[] = [];
    let measureFrom = Infinity; // wall time: appends before it belong to the warm-up
    const record = (appendedAt: number, lag: number) =>
      (appendedAt < measureFrom ? warmupLags : lags).push(Math.max(0, lag));
    const runner = await app.startProjection(bus, {
      onCommitted: (messages) => {
        const now = wallNow();
        for (const { event } of messages) {
          const key = `${event.streamId}@${event.streamVersion}`;
          const at = appendedAt.get(key);
          if (at === undefined) committedAt.set(key, now);
          else {
            appendedAt.delete(key);
            record(at, now - at);
          }
        }
      },
    });
    teardown.push(() => runner.stop());
    const input: LagWriterInput = {
      url: tdb.url,
      brokers: kafkaBrokers,
      suffix,
      contexts,
      partners: Math.max(20, Math.round(500 * scale)),
      events: (warmupSeconds + seconds) * rate,
      rate,
    };
    const writer = new Worker(path.join(__dirname, 'lag-writer.js'), { workerData: input });
    teardown.push(() => writer.terminate());
    let total = Infinity;
    let appended = 0;
    const written = new Promise<void>((resolve, reject) => {
      writer.on('message', (m: LagWriterMessage) => {
        if (m.kind === 'started') {
          total = m.events;
          measureFrom = wallNow() + warmupSeconds * 1000;
          log(`live lag: ${total.toLocaleString('en')} events at ${rate}/s through Kafka`);
        } else if (m.kind === 'appended') {
          for (const key of m.keys) {
            const done = committedAt.get(key);
            if (done === undefined) appendedAt.set(key, m.at);
            else {
              committedAt.delete(key);
              record(m.at, done - m.at);
            }
          }
          const before = appended;
          appended += m.keys.length;
          if (Math.floor(appended / (rate * 5)) > Math.floor(before / (rate * 5)))
            log(
              `live lag: ${appended.toLocaleString('en')} appended, ${(lags.length + warmupLags.length).toLocaleString('en')} projected`,
            );
        } else if (m.kind === 'done') resolve();
        else reject(new Error(`live-lag writer failed: ${m.error}`));
      });
      writer.on('error', reject);
    });
    await written;
    const deadline = performance.now() + 60_000;
    while (lags.length + warmupLags.length < total && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    sample();
    const percentiles = (list: number[]) => {
      const sorted = Float64Array.from(list).sort();
      const pct = (q: number) =>
        sorted.length
          ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((q / 100) * sorted.length) - 1)]! * 10) /
            10
          : null;
      return { p50: pct(50), p95: pct(95), p99: pct(99), max: pct(100) };
    };
    return {
      name: 'live-lag-kafka',
      events: total,
      ratePerSecond: rate,
      measured: lags.length,
      lagMs: percentiles(lags),
      warmupSeconds,
      warmupLagMs: percentiles(warmupLags),
      warmupMeasured: warmupLags.length,
      goalP99Ms: 100,
      topology: 'writer (appends + outbox relay) on its own thread; the projection on the main thread',
    };
  } finally {
    for (const step of teardown.reverse())
      await step().catch((e: unknown) => log(`live lag: teardown step failed: ${String(e)}`));
  }
}

if (require.main === module) {
  runMetricsBench({
    scale: Number(process.env.BENCH_METRICS_SCALE ?? '1'),
    only: process.env.BENCH_METRICS_ONLY ? process.env.BENCH_METRICS_ONLY.split(',') : undefined,
  }).then(
    (report) => {
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(
        `[bench:metrics] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(2);
    },
  );
}
