import type { RecordedEvent } from '@prm/contracts';

/** One delivered event with where it came from (a Kafka partition offset, or the global position in-process). */
export interface BusMessage {
  event: RecordedEvent;
  topic: string;
  partition: number;
  offset: string;
}

export interface ConsumeOptions {
  /** Consumer group: offsets are committed per group. */
  groupId: string;
  topics: string[];
  /** Where a group with no committed offsets starts: the beginning (true) or new events only. */
  fromBeginning: boolean;
  /**
   * Handles a batch. Offsets are committed only after it resolves (at-least-once). If it
   * throws, nothing of the batch is committed and the consumer stops, calling onError.
   */
  handleBatch(messages: readonly BusMessage[]): Promise<void>;
  onError?(error: unknown): void;
}

export interface Lag {
  /** Messages behind the end of the log (0 = caught up). */
  behind: bigint;
  /** Messages in the log for these topics (for progress display). */
  total: bigint;
}

export interface ConsumerHandle {
  stop(): Promise<void>;
  /** Resolves when the consumer has stopped, by stop() or an error. */
  readonly done: Promise<void>;
  lag(): Promise<Lag>;
}

/** The same consumer interface over Kafka (distributed mode) and in-process (embedded mode). */
export interface EventBus {
  readonly kind: 'kafka' | 'in-process';
  consume(options: ConsumeOptions): Promise<ConsumerHandle>;
  close(): Promise<void>;
}
