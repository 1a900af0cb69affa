/** What to run and how much, from BENCH_SCALE and BENCH_ONLY. */

export const WORKLOADS = ['batched', 'single', 'readAll', 'relay'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export const STORES = ['prm-postgres', 'emmett-postgres', 'pg-baseline', 'prm-pglite'] as const;
export type StoreName = (typeof STORES)[number];

/** BENCH_ONLY tokens that pick stores rather than workloads. */
const STORE_TOKENS: Record<string, StoreName> = {
  prm: 'prm-postgres',
  emmett: 'emmett-postgres',
  pglite: 'prm-pglite',
  baseline: 'pg-baseline',
};

export interface Counts {
  /** Batches of `batchSize` events, each to a fresh stream. */
  batches: number;
  batchSize: number;
  batchWriters: number;
  /** Single-event appends. */
  singles: number;
  singleWriters: number;
  /** Events per stream in the single-event workload before a writer starts a new stream. */
  singlesPerStream: number;
  readPageSize: number;
}

export interface RelayCounts {
  events: number;
  /** Events per append; every append goes to a fresh stream. */
  batchSize: number;
  writers: number;
  relayBatchSizes: number[];
}

export interface BenchConfig {
  scale: number;
  workloads: Set<WorkloadName>;
  stores: Set<StoreName>;
  postgres: Counts;
  pglite: Counts;
  relay: RelayCounts;
}

export class BenchConfigError extends Error {
  constructor(variable: string, reason: string) {
    super(`${variable}: ${reason}`);
    this.name = 'BenchConfigError';
  }
}

const scaled = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

/**
 * BENCH_SCALE multiplies every count (default 1). BENCH_ONLY is a comma list of workloads
 * (batched, single, readAll, relay) and/or stores (prm, emmett, baseline, pglite); a missing kind means
 * all of that kind, so `BENCH_ONLY=pglite` runs every workload on PGlite only.
 */
export function benchConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const scale = env.BENCH_SCALE === undefined || env.BENCH_SCALE === '' ? 1 : Number(env.BENCH_SCALE);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new BenchConfigError('BENCH_SCALE', `"${env.BENCH_SCALE}" is not a positive number`);
  }
  const tokens = (env.BENCH_ONLY ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const workloads = new Set<WorkloadName>();
  const stores = new Set<StoreName>();
  for (const token of tokens) {
    const workload = WORKLOADS.find((w) => w.toLowerCase() === token.toLowerCase());
    const store = STORE_TOKENS[token.toLowerCase()] ?? STORES.find((s) => s === token.toLowerCase());
    if (workload) workloads.add(workload);
    else if (store) stores.add(store);
    else {
      throw new BenchConfigError(
        'BENCH_ONLY',
        `unknown "${token}"; use ${[...WORKLOADS, ...Object.keys(STORE_TOKENS)].join(', ')}`,
      );
    }
  }
  if (workloads.size === 0) WORKLOADS.forEach((w) => workloads.add(w));
  if (stores.size === 0) STORES.forEach((s) => stores.add(s));
  return {
    scale,
    workloads,
    stores,
    postgres: {
      batches: scaled(2000, scale),
      batchSize: 100,
      batchWriters: 8,
      singles: scaled(20_000, scale),
      singleWriters: 32,
      singlesPerStream: 10,
      readPageSize: 1000,
    },
    // PGlite runs in this process on one WASM session: a quarter of the counts keeps it short.
    pglite: {
      batches: scaled(500, scale),
      batchSize: 100,
      batchWriters: 8,
      singles: scaled(5000, scale),
      singleWriters: 32,
      singlesPerStream: 10,
      readPageSize: 1000,
    },
    relay: {
      events: scaled(200_000, scale),
      batchSize: 100,
      writers: 8,
      relayBatchSizes: [2000, 5000],
    },
  };
}
