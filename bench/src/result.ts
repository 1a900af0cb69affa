import type { StoreName, WorkloadName } from './config';
import type { CpuReport } from './measure';

export interface BenchResult {
  workload: WorkloadName;
  /** kafkajs-raw: the relay's peer, a bare kafkajs producer sending the same messages. */
  store: StoreName | 'kafkajs-raw';
  /** Events (batched, readAll, relay) or appends (single) measured. */
  count: number;
  seconds: number;
  perSecond: number;
  p50ms?: number;
  p99ms?: number;
  /** readAll: every written event came back exactly once; relay: checkpoint reached the head. */
  verified?: boolean;
  cpu?: CpuReport;
  /** Extra facts about this run (page size, relay batch size, what was wrong). */
  details?: Record<string, unknown>;
  note?: string;
  error?: string;
}
