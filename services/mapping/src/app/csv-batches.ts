import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DomainError } from '@prm/domain';
import {
  readAccountCsv,
  type AccountRow,
  type CsvReadProgress,
  type CsvReadResult,
  type ImportEncoding,
  type RowError,
} from '../domain';
import type { AccountBatch } from './account-list.repository';
import { MatchKeyHasher } from './match-key-hasher';

export interface CsvBatchOptions {
  encoding: ImportEncoding;
  maxBytes: number;
  privacyMode: boolean;
  secret?: string;
}

/** Where a CSV read reports besides its batches: progress, bad rows, and what it found (format, encoding). */
export interface CsvBatchSink {
  progress(progress: CsvReadProgress): void;
  rejected(errors: readonly RowError[]): void;
  result: Partial<CsvReadResult>;
}

/** Accepted rows → the columns written and packed: keys hashed, raw values dropped in privacy mode. */
export function toBatch(rows: readonly AccountRow[], hasher: MatchKeyHasher, privacy: boolean): AccountBatch {
  const n = rows.length;
  const batch: AccountBatch = {
    count: n,
    line: new Int32Array(n),
    population: new Uint8Array(n),
    keys: new Int32Array(n * 6),
  };
  if (!privacy) {
    batch.name = rows.map((r) => r.name);
    batch.domain = rows.map((r) => r.domain);
    batch.taxId = rows.map((r) => r.taxId);
    batch.country = rows.map((r) => r.country);
    batch.externalId = rows.map((r) => r.externalId);
  }
  let variantRows: number[] | undefined;
  let variantKeys: number[] | undefined;
  rows.forEach((r, i) => {
    batch.line[i] = r.line;
    batch.population[i] = r.population;
    hasher.hashInto(r.keys, batch.keys, i * 6);
    if (r.keys.nameVariants) {
      const pairs = hasher.variantPairs(r.keys);
      (variantRows ??= []).push(...new Array<number>(pairs.length / 2).fill(i));
      (variantKeys ??= []).push(...pairs);
    }
  });
  if (variantRows) {
    batch.variantRow = Int32Array.from(variantRows);
    batch.variantKeys = Int32Array.from(variantKeys!);
  }
  return batch;
}

/** Reads, checks and hashes a CSV on this thread. */
export async function* csvBatchesInThread(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CsvBatchOptions,
  sink: CsvBatchSink,
  hasher: MatchKeyHasher,
): AsyncGenerator<AccountBatch> {
  for await (const batch of readAccountCsv(chunks, options, sink.result)) {
    sink.progress(batch.progress);
    sink.rejected(batch.errors);
    if (batch.rows.length > 0) yield toBatch(batch.rows, hasher, options.privacyMode);
  }
}

/** Messages of the import worker (csv-import.worker.ts). */
export type ToWorker = { chunk: Uint8Array } | { end: true };
export type FromWorker =
  | { ready: true }
  | { batch: AccountBatch | null; errors: RowError[]; progress: CsvReadProgress }
  | { done: Partial<CsvReadResult> }
  | {
      error: {
        message: string;
        domain?: { code: string; violations: unknown[]; details: Record<string, unknown> };
      };
    };

export const WORKER_FILE = join(__dirname, 'csv-import.worker.js');
export const workerAvailable = (): boolean => existsSync(WORKER_FILE);

/** Chunks the worker may hold unread, and batches that may wait for the database, at most. */
const CHUNK_CREDIT = 2;
const MAX_WAITING_BATCHES = 8;

/**
 * The same as `csvBatchesInThread`, with decoding, parsing, normalization and hashing on a
 * worker thread, so they run beside this thread's database writes. Chunks go to the worker only
 * as it takes them and while few batches wait, so the file is never buffered whole.
 */
export async function* csvBatchesInWorker(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CsvBatchOptions,
  sink: CsvBatchSink,
): AsyncGenerator<AccountBatch> {
  const worker = new Worker(WORKER_FILE, { workerData: options });
  const waiting: AccountBatch[] = [];
  let credit = CHUNK_CREDIT;
  let finished = false;
  let failure: unknown;
  // The pump and the reader both wait on the worker's messages: wake every waiter on each.
  const waiters: Array<() => void> = [];
  const notify = () => {
    for (const w of waiters.splice(0)) w();
  };
  const until = async (ready: () => boolean) => {
    while (!ready() && !failure && !finished) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  worker.on('message', (message: FromWorker) => {
    if ('ready' in message) credit++;
    else if ('batch' in message) {
      sink.progress(message.progress);
      sink.rejected(message.errors);
      if (message.batch) waiting.push(message.batch);
    } else if ('done' in message) {
      Object.assign(sink.result, message.done);
      finished = true;
    } else if ('error' in message) {
      const e = message.error;
      failure = e.domain
        ? new DomainError(
            e.domain.code as DomainError['code'],
            e.message,
            e.domain.violations as DomainError['violations'],
            e.domain.details,
          )
        : new Error(e.message);
    }
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', () => {
    if (!finished && !failure) failure = new Error('the import worker stopped');
    notify();
  });
  let pumpDone = false;
  const pump = (async () => {
    try {
      for await (const chunk of chunks) {
        await until(() => credit > 0 && waiting.length < MAX_WAITING_BATCHES);
        if (failure || finished) return;
        credit--;
        // A copy of its own (a Buffer's slice would share, and transfer, the whole backing store).
        const copy = new Uint8Array(chunk.length);
        copy.set(chunk);
        worker.postMessage({ chunk: copy } satisfies ToWorker, [copy.buffer as ArrayBuffer]);
      }
      worker.postMessage({ end: true } satisfies ToWorker);
    } catch (error) {
      failure ??= error;
    } finally {
      pumpDone = true;
      notify();
    }
  })();
  try {
    for (;;) {
      await until(() => waiting.length > 0);
      if (failure) throw failure;
      if (waiting.length > 0) {
        const batch = waiting.shift()!;
        notify();
        yield batch;
        continue;
      }
      if (finished) break;
    }
    await pump;
  } finally {
    if (!pumpDone) failure ??= new Error('import abandoned');
    notify();
    await worker.terminate();
  }
}
