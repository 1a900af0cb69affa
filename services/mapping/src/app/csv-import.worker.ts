import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '@prm/domain';
import { readAccountCsv, type CsvReadResult } from '../domain';
import { toBatch, type CsvBatchOptions, type FromWorker, type ToWorker } from './csv-batches';
import { MatchKeyHasher } from './match-key-hasher';

/** The import worker: chunks in, hashed batches out (see csvBatchesInWorker). */
const options = workerData as CsvBatchOptions;
const port = parentPort!;
const queue: Array<Uint8Array | null> = [];
let wake: (() => void) | undefined;

port.on('message', (message: ToWorker) => {
  queue.push('chunk' in message ? message.chunk : null);
  const w = wake;
  wake = undefined;
  w?.();
});

async function* chunks(): AsyncGenerator<Uint8Array> {
  for (;;) {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    const chunk = queue.shift()!;
    if (chunk === null) return;
    port.postMessage({ ready: true } satisfies FromWorker);
    yield chunk;
  }
}

async function run(): Promise<void> {
  const hasher = new MatchKeyHasher(options.secret);
  const result: Partial<CsvReadResult> = {};
  try {
    for await (const read of readAccountCsv(chunks(), options, result)) {
      const batch = read.rows.length > 0 ? toBatch(read.rows, hasher, options.privacyMode) : null;
      const message: FromWorker = { batch, errors: read.errors, progress: read.progress };
      port.postMessage(
        message,
        batch
          ? [
              batch.line.buffer as ArrayBuffer,
              batch.population.buffer as ArrayBuffer,
              batch.keys.buffer as ArrayBuffer,
            ]
          : [],
      );
    }
    port.postMessage({
      done: { encoding: result.encoding, delimiter: result.delimiter, columns: result.columns },
    } satisfies FromWorker);
  } catch (error) {
    const message =
      error instanceof DomainError
        ? {
            message: error.message,
            domain: { code: error.code, violations: [...error.violations], details: { ...error.details } },
          }
        : { message: error instanceof Error ? error.message : String(error) };
    port.postMessage({ error: message } satisfies FromWorker);
  }
}

void run();
