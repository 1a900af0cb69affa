import { PeriodicJob, sweepDue } from '@prm/domain';
import type { Actor, DealsApplication } from './deals.application';

const SCHEDULER: Actor = { id: 'system:deal-protection-expiry', role: 'service' };

/**
 * Ends protection windows. `runOnce(today)` is the whole job (the clock is the caller's): it
 * finds open registrations with protected_until < today (their protection lapses, the deal
 * stays open) and unprotected unapproved ones (they close after the window) in the read model
 * and sends each an ExpireRegistration command; the decider re-checks on the
 * deal's own stream, so a stale read model, a repeated or an overlapping run changes nothing.
 */
export class DealExpiryScheduler {
  private job?: PeriodicJob;

  constructor(
    private readonly app: DealsApplication,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async runOnce(today: string): Promise<string[]> {
    // Protected registrations whose window passed (they lapse), and unapproved registrations that
    // never held protection (they close once the same window from their registration day passes;
    // the decider counts the program's days, so a candidate not yet due changes nothing).
    const due = await this.app.db.query<{ deal_id: string }>(
      `SELECT deal_id FROM deals_deal WHERE status = 'open' AND channel = 'partner' AND protected_until < $1::date
       UNION
       SELECT deal_id FROM deals_deal WHERE status = 'open' AND channel = 'partner' AND protected_until IS NULL
         AND NOT holds_protection AND approved_at IS NULL AND registered_at < $1::date
       ORDER BY deal_id`,
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
