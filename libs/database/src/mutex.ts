/**
 * A FIFO async mutex. PGlite is one session per process, so every transaction on it
 * must hold this lock for its whole life, or two transactions interleave in one session.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private held = 0;

  get isLocked(): boolean {
    return this.held > 0;
  }

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      release();
    };
  }

  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
