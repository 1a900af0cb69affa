/**
 * Runs a date-driven job (expiries and the like) now and then every `everyMs`, with the day from
 * the caller's clock. A run never overlaps the one before; a failing run is logged and the next
 * tick tries again (the jobs are idempotent); `stop` waits for the run in progress.
 */
export class PeriodicJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly name: string,
    private readonly run: (today: string) => Promise<unknown>,
    private readonly now: () => Date,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  start(everyMs = 60 * 60 * 1000): void {
    const tick = () => {
      if (this.running) return;
      const today = this.now().toISOString().slice(0, 10);
      this.running = this.run(today)
        .catch((error: unknown) => this.log(`${this.name} failed: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/**
 * The body of a daily sweep: runs one command per due id, in order. One id's failure is
 * logged and does not stop the others (the next run retries it). Returns the ids whose
 * command changed something (appended events).
 */
export async function sweepDue(
  what: string,
  ids: readonly string[],
  run: (id: string) => Promise<{ events: readonly unknown[] }>,
  log: (line: string) => void,
): Promise<string[]> {
  const changed: string[] = [];
  for (const id of ids) {
    try {
      const result = await run(id);
      if (result.events.length > 0) changed.push(id);
    } catch (error) {
      log(`${what} ${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return changed;
}
