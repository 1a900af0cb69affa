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
