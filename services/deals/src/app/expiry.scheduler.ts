import type { Actor, DealsApplication } from './deals.application';

const SCHEDULER: Actor = { id: 'system:deal-protection-expiry', role: 'service' };

/**
 * Expires registrations whose protection ended without progress. `runOnce(today)` is the whole
 * job (the clock is the caller's): it finds open registrations with protected_until < today in
 * the read model and sends each an ExpireRegistration command; the decider re-checks on the
 * deal's own stream, so a stale read model, a repeated or an overlapping run changes nothing.
 */
export class DealExpiryScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly app: DealsApplication,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async runOnce(today: string): Promise<string[]> {
    const due = await this.app.db.query<{ deal_id: string }>(
      `SELECT deal_id FROM deals_deal WHERE status = 'open' AND channel = 'partner' AND protected_until < $1::date
       ORDER BY protected_until, deal_id`,
      [today],
    );
    const expired: string[] = [];
    for (const { deal_id } of due) {
      try {
        const result = await this.app.expireRegistration(deal_id, today, SCHEDULER);
        if (result.events.length > 0) expired.push(deal_id);
      } catch (error) {
        // One deal's failure must not stop the others; the next run retries it.
        this.log(`deal expiry: deal ${deal_id}: ${(error as Error).message}`);
      }
    }
    return expired;
  }

  start(everyMs = 60 * 60 * 1000): void {
    const tick = () => {
      if (this.running) return;
      const today = this.app.now().toISOString().slice(0, 10);
      this.running = this.runOnce(today)
        .catch((error: unknown) => this.log(`deal expiry failed: ${(error as Error).message}`))
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
