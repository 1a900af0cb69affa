import type { EventToAppend } from '@prm/contracts';

/** What a whole read of the global log returned, checked against what is stored. */
export interface ReadAllOutcome {
  /** Events handed back, duplicates included. */
  read: number;
  /** Distinct events among them. */
  distinct: number;
  /** Events stored (counted directly in the table). */
  stored: number;
  duplicates: number;
  missing: number;
  pages: number;
  /** Set when the loop was cut short (a page moved backwards, or too many pages). */
  abortedBecause?: string;
}

/**
 * One event store under test, reduced to the calls the workloads make. Versions are plain
 * numbers here; each target translates to its store's own convention.
 */
export interface BenchTarget {
  readonly name: string;
  /** Appends to a stream that must not exist yet. */
  appendToNewStream(stream: string, events: readonly EventToAppend[]): Promise<void>;
  /**
   * Appends one event; `version` is what the previous call returned for this stream (null for
   * a new stream). Returns the version to pass next time.
   */
  appendOne(stream: string, event: EventToAppend, version: number | null): Promise<number>;
  /** Reads the whole global log in pages; calls onPage with the running count. */
  readAll(pageSize: number, onPage: (read: number) => void): Promise<ReadAllOutcome>;
  /** Database calls made since the last call of this, by kind (for stores we can look inside). */
  takeCallStats?(): Record<string, { calls: number; ms: number; msPerCall: number }>;
  close(): Promise<void>;
}
