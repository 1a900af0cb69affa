/**
 * The recent end of the log, as the store's readers saw it, shared by every reader in the
 * process. Many subscriptions tail one store (every projection and consumer of embedded mode,
 * a service's projections): after an append each would read the same new events, and then
 * each would read once more to find nothing new. With the cache the first reader's page is
 * served to the others from memory, and a page that came back empty is answered empty again
 * for `emptyForMs` unless an append was signalled since.
 *
 * It is sound because committed history never changes: a page read after position p is the
 * events that follow p, and the events that follow each of those. An "empty" answer is only
 * reused while no append has been signalled (our own appends and other processes' NOTIFY
 * both count) and for a few milliseconds, so a missed notification costs at most that long:
 * an idle poll always reaches the database.
 */
export class TailCache<T extends { readonly globalPosition: bigint }> {
  /** The event that follows position p, by p (insertion order = age). */
  private readonly next = new Map<bigint, T>();
  private empty?: { after: bigint; signals: number; at: number };
  private signalCount = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly capacity = 20_000,
    private readonly emptyForMs = 50,
  ) {}

  /** An append was made or announced: "nothing after p" answers are stale. */
  signal(): void {
    this.signalCount++;
    this.empty = undefined;
  }

  get signals(): number {
    return this.signalCount;
  }

  /** The cached page after `after`, or undefined when the database must be asked. */
  read(after: bigint, limit: number): T[] | undefined {
    let event = this.next.get(after);
    if (event) {
      const page: T[] = [];
      while (event && page.length < limit) {
        page.push(event);
        event = this.next.get(event.globalPosition);
      }
      this.hits++;
      return page;
    }
    const empty = this.empty;
    if (
      empty &&
      empty.after === after &&
      empty.signals === this.signalCount &&
      performance.now() - empty.at < this.emptyForMs
    ) {
      this.hits++;
      return [];
    }
    this.misses++;
    return undefined;
  }

  /** What the database answered for `after`; `signalsBefore` = `signals` when the read was sent. */
  remember(after: bigint, page: readonly T[], signalsBefore: number): void {
    if (page.length === 0) {
      if (signalsBefore === this.signalCount)
        this.empty = { after, signals: signalsBefore, at: performance.now() };
      return;
    }
    let previous = after;
    for (const event of page) {
      if (!this.next.has(previous)) this.next.set(previous, event);
      previous = event.globalPosition;
    }
    for (const key of this.next.keys()) {
      if (this.next.size <= this.capacity) break;
      this.next.delete(key);
    }
  }
}
