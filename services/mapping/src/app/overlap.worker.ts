import { parentPort } from 'node:worker_threads';
import { OverlapEngine } from '../domain';
import { writeCounts, type OverlapJob } from './overlap-threads';

/** The overlap worker: a share of the full matrix on the shared indexes (see OverlapThreads). */
let engine: { id: number; engine: OverlapEngine } | undefined;

parentPort!.on('message', (job: OverlapJob) => {
  let status = 1;
  try {
    if (engine?.id !== job.vendorId) engine = { id: job.vendorId, engine: new OverlapEngine(job.vendor) };
    const counts = engine.engine.computeAll(job.partners);
    counts.forEach((c, p) => writeCounts(job.result, p, c));
  } catch {
    status = 2;
  }
  Atomics.store(job.result, 0, status);
  Atomics.notify(job.result, 0);
});
