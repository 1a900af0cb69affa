import type { BusMessage } from './event-bus';

/** Offsets to commit, in kafkajs's shape. */
export interface OffsetCommit {
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
}

export interface BatchPipelineOptions {
  /** Handles a batch; offsets are committed only after it resolves. */
  handler(messages: readonly BusMessage[]): Promise<void>;
  /** Commits consumer-group offsets. A failure is logged, never fatal (see below). */
  commit(offsets: OffsetCommit): Promise<void>;
  /** Called once with the first handler error; nothing is handled or committed after it. */
  onError(error: unknown): void;
  log?: (line: string) => void;
  /** Messages handed to the handler at once at most (whole partition batches; default 5,000). */
  maxBatchMessages?: number;
  /** Messages queued before push() waits (back-pressure on the fetcher; default 20,000). */
  maxQueuedMessages?: number;
  /**
   * Offsets of handled rounds are committed at most this often (default 0: after every
   * round). Handled-but-uncommitted rounds are only delivered again after a crash, and the
   * handlers skip them as duplicates; a round trip to the group coordinator per round is
   * saved. close() commits what is pending.
   */
  commitIntervalMs?: number;
  /**
   * How long a round waits for more batches once the first one arrived while the handler was
   * idle (default 0: the same turn of the event loop). A few milliseconds trade a little
   * latency for fewer transactions, which matters when the machine is busy.
   */
  lingerMs?: number;
}

interface Queued {
  messages: readonly BusMessage[];
  topic: string;
  partition: number;
  /** Offset to commit once handled: the partition batch's last offset + 1. */
  next: string;
}

/**
 * Between the Kafka fetcher and a batch handler (a projection's transaction):
 *
 * - **Coalescing.** The partition batches that arrive in the same turn of the event loop
 *   (kafkajs starts every partition of a fetch together) and those that arrive while the
 *   handler is busy are handed over as ONE batch: one transaction per round instead of one per
 *   topic-partition, which is most of the cost of a small batch.
 * - **Pipelining.** push() returns as soon as the batch is queued, so the fetcher asks the
 *   broker for the next records while the handler works; only a queue over
 *   maxQueuedMessages makes it wait.
 * - **At-least-once.** Offsets are committed after the handler resolved, in order. After a
 *   handler error nothing more is handled or committed, and onError is called. A commit that
 *   fails (a rebalance took the partition away, the coordinator moved) only means the records
 *   come again; handlers are idempotent, so it is logged and not fatal.
 *
 * Per-partition order is kept: queued batches are handled in arrival order.
 */
export class BatchPipeline {
  private queue: Queued[] = [];
  private queued = 0;
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  /** The chain of offset commits (commitPending never rejects). */
  private committing: Promise<void> = Promise.resolve();
  private failed = false;
  private closed = false;
  private readonly roomWaiters: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly commitInterval: number;
  private readonly linger: number;
  /** topic → partition → next offset, handled and not committed yet. */
  private uncommitted = new Map<string, Map<number, string>>();
  private lastCommit = 0;
  private commitTimer?: NodeJS.Timeout;

  constructor(private readonly options: BatchPipelineOptions) {
    this.maxBatch = options.maxBatchMessages ?? 5000;
    this.maxQueued = options.maxQueuedMessages ?? 20_000;
    this.commitInterval = options.commitIntervalMs ?? 0;
    this.linger = options.lingerMs ?? 0;
  }

  /** Queues one partition's batch; resolves when there is room for more (not when handled). */
  async push(messages: readonly BusMessage[], where: { topic: string; partition: number; next: string }) {
    if (this.failed || this.closed || messages.length === 0) return;
    this.queue.push({ messages, ...where });
    this.queued += messages.length;
    if (!this.scheduled) {
      this.scheduled = true;
      // After the current turn (the other partitions of the same fetch join this round), or
      // after lingerMs (what arrives meanwhile joins too: fewer, larger transactions).
      const start = () => {
        this.running = this.running.then(() => this.drain());
      };
      if (this.linger > 0) setTimeout(start, this.linger);
      else setImmediate(start);
    }
    while (this.queued > this.maxQueued && !this.failed && !this.closed)
      await new Promise<void>((r) => this.roomWaiters.push(r));
  }

  /** Stops taking batches: drops what is queued (not committed, so it comes again) and waits for the one in hand. */
  async close(): Promise<void> {
    this.closed = true;
    this.dropQueue();
    await this.running;
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    // Rounds handled before a failure are committed too; the failed one never is.
    await this.committing;
    await this.commitPending();
  }

  private dropQueue(): void {
    this.queue = [];
    this.queued = 0;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  private commitInBackground(): void {
    this.lastCommit = Date.now();
    this.committing = this.committing.then(() => this.commitPending());
  }

  private async commitPending(): Promise<void> {
    if (this.uncommitted.size === 0) return;
    const offsets = this.uncommitted;
    this.uncommitted = new Map();
    this.lastCommit = Date.now();
    try {
      await this.options.commit({
        topics: [...offsets].map(([topic, partitions]) => ({
          topic,
          partitions: [...partitions].map(([partition, offset]) => ({ partition, offset })),
        })),
      });
    } catch (error) {
      this.options.log?.(
        `offset commit failed (${error instanceof Error ? error.message : String(error)}); ` +
          'the handled records may be delivered again and are skipped as duplicates',
      );
    }
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    while (this.queue.length > 0 && !this.failed && !this.closed) {
      let count = 0;
      let take = 0;
      while (
        take < this.queue.length &&
        (take === 0 || count + this.queue[take]!.messages.length <= this.maxBatch)
      )
        count += this.queue[take++]!.messages.length;
      const round = this.queue.splice(0, take);
      this.queued -= count;
      if (this.queued <= this.maxQueued) for (const wake of this.roomWaiters.splice(0)) wake();
      try {
        await this.options.handler(
          round.length === 1 ? round[0]!.messages : round.flatMap((q) => q.messages),
        );
      } catch (error) {
        this.failed = true;
        this.dropQueue();
        this.options.onError(error);
        return;
      }
      // Later batches of a partition come later: the last offset wins.
      for (const q of round) {
        let partitions = this.uncommitted.get(q.topic);
        if (!partitions) this.uncommitted.set(q.topic, (partitions = new Map()));
        partitions.set(q.partition, q.next);
      }
      // The commit runs beside the next rounds, not before them: it only records progress
      // already made (a round trip to the group coordinator that took 3-10 ms under load, in
      // the way of every event that waited meanwhile). Commits are chained, so they leave in
      // order and each carries offsets at least as far as the one before.
      const wait = this.lastCommit + this.commitInterval - Date.now();
      if (wait <= 0) this.commitInBackground();
      else
        this.commitTimer ??= setTimeout(() => {
          this.commitTimer = undefined;
          if (!this.closed) this.commitInBackground();
        }, wait).unref();
    }
  }
}
