import { PeriodicJob, sweepDue } from '@prm/domain';
import type { Actor, DealsApplication } from './deals.application';

const SCHEDULER: Actor = { id: 'system:deal-protection-expiry', role: 'service' };

/**
 * Expires registrations whose protection ended without progress. `runOnce(today)` is the whole
 * job (the clock is the caller's): it finds open registrations with protected_until < today in
 * the read model and sends each an ExpireRegistration command; the decider re-checks on the
 * deal's own stream, so a stale read model, a repeated or an overlapping run changes nothing.
 */
export class DealExpiryScheduler {
  private job?: PeriodicJob;

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
    return sweepDue(
      'deal expiry: deal',
      due.map((d) => d.deal_id),
      (dealId) => this.app.expireRegistration(dealId, today, SCHEDULER),
      this.log,
    );
  }

  start(everyMs = 60 * 60 * 1000): void {
    this.job = new PeriodicJob(
      'deal expiry',
      (today) => this.runOnce(today),
      () => this.app.now(),
      this.log,
    );
    this.job.start(everyMs);
  }

  async stop(): Promise<void> {
    await this.job?.stop();
  }
}
