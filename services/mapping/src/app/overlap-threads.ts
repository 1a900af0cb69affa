import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  partnerSideOf,
  sharedInt32,
  vendorSideOf,
  type OverlapCounts,
  type OverlapEngine,
  type PartnerSide,
  type VendorSide,
} from '../domain';

/** A job for the overlap worker (overlap.worker.ts): every array is on a SharedArrayBuffer. */
export interface OverlapJob {
  /** Changes when the vendor's list does (the worker keeps one engine per vendor list). */
  vendorId: number;
  vendor: VendorSide;
  partners: PartnerSide[];
  /** [0]: 0 running, 1 done, 2 failed; then per partner 9 cells and 3 matchedOn. */
  result: Int32Array;
}

const WORKER_FILE = join(__dirname, 'overlap.worker.js');
const RESULT_INTS = 12;
/** How long the calling thread waits for the worker's share before computing it itself. */
const WAIT_MS = 120_000;

export function writeCounts(result: Int32Array, p: number, counts: OverlapCounts): void {
  const at = 1 + p * RESULT_INTS;
  for (let c = 0; c < 9; c++) result[at + c] = counts.cells[c]!;
  for (let k = 0; k < 3; k++) result[at + 9 + k] = counts.matchedOn[k]!;
}

function readCounts(result: Int32Array, p: number): OverlapCounts {
  const at = 1 + p * RESULT_INTS;
  const cells = Array.from(result.subarray(at, at + 9));
  const matchedOn = Array.from(result.subarray(at + 9, at + 12)) as [number, number, number];
  return { cells, matchedOn, matched: cells.reduce((s, c) => s + c, 0) };
}

/**
 * The full matrix on two threads: a worker computes the later partners (about half the keys)
 * while this thread computes the first ones, both reading the same shared indexes; the call
 * stays synchronous (this thread waits for the worker with Atomics.wait). The counts are the
 * engine's `computeAll` ones whichever thread computes them; if the worker fails or does not
 * answer, this thread computes its share too.
 */
export class OverlapThreads {
  private worker?: Worker;
  private broken = false;
  private readonly vendorIds = new WeakMap<OverlapEngine, number>();
  private nextVendorId = 1;
  /** Partners whose counts the worker computed, and times this thread had to compute the worker's share. */
  readonly stats = { workerPartners: 0, fallbacks: 0 };

  static available(): boolean {
    return existsSync(WORKER_FILE);
  }

  computeAll(engine: OverlapEngine, partners: readonly PartnerSide[]): OverlapCounts[] {
    const worker = partners.length >= 2 && !this.broken ? this.start() : undefined;
    if (!worker) return engine.computeAll(partners);
    let keys = 0;
    for (const p of partners) keys += p.run.length;
    let split = 0;
    for (let half = 0; split < partners.length - 1 && half + partners[split]!.run.length <= keys / 2; split++)
      half += partners[split]!.run.length;
    split = Math.max(1, split);
    const theirs = partners.slice(split);
    let vendorId = this.vendorIds.get(engine);
    if (vendorId === undefined) this.vendorIds.set(engine, (vendorId = this.nextVendorId++));
    const result = sharedInt32(1 + theirs.length * RESULT_INTS);
    const job: OverlapJob = {
      vendorId,
      vendor: vendorSideOf(engine.vendor),
      partners: theirs.map(partnerSideOf),
      result,
    };
    worker.postMessage(job);
    const mine = engine.computeAll(partners.slice(0, split));
    if (Atomics.load(result, 0) === 0) Atomics.wait(result, 0, 0, WAIT_MS);
    if (Atomics.load(result, 0) !== 1) {
      this.stop();
      this.stats.fallbacks++;
      return [...mine, ...engine.computeAll(theirs)];
    }
    this.stats.workerPartners += theirs.length;
    return [...mine, ...theirs.map((_, p) => readCounts(result, p))];
  }

  /** Ends the worker (a later computeAll starts another). */
  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    if (!OverlapThreads.available()) return undefined;
    const worker = new Worker(WORKER_FILE);
    worker.unref();
    worker.on('error', () => this.stop());
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private stop(): void {
    this.broken = true;
    this.close();
  }
}
