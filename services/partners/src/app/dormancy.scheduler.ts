import { PeriodicJob, sweepDue } from '@prm/domain';
import type { Database } from '@prm/database';
import type { Actor, PartnersApplication } from './partners.application';

const SCHEDULER: Actor = { id: 'system:dormancy', role: 'service' };

/**
 * The dormancy rule on a schedule. `runOnce(now)` is the whole job (the clock is the caller's):
 * it finds active partners whose latest deal registration, win and training (and their becoming
 * active) are all older than the application's `dormantAfterDays`, and sends each DetectDormancy
 * with its deal facts; the decider decides (and changes nothing twice). `start` runs it on an
 * interval with the application's clock.
 */
export class DormancyScheduler {
  private job?: PeriodicJob;

  constructor(
    private readonly app: PartnersApplication,
    private readonly db: Database,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Returns the partners that became dormant. */
  async runOnce(now: Date): Promise<string[]> {
    const days = this.app.dormantAfterDays;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    const due = await this.db.query<{
      partner_id: string;
      last_registered_at: Date | null;
      last_won_at: Date | null;
    }>(
      `SELECT p.partner_id, a.last_registered_at, a.last_won_at
       FROM partners_partner_summary p LEFT JOIN partners_deal_activity a ON a.partner_id = p.partner_id
       WHERE p.stage = 'active'
         AND greatest(p.stage_entered_at, p.last_training_at, a.last_registered_at, a.last_won_at) <= $1
       ORDER BY p.partner_id`,
      [cutoff.toISOString()],
    );
    const facts = new Map(due.map((d) => [d.partner_id, d]));
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return sweepDue(
      'dormancy: partner',
      due.map((d) => d.partner_id),
      (partnerId) =>
        this.app.run(
          partnerId,
          {
            type: 'DetectDormancy',
            data: {
              dormantAfterDays: days,
              lastDealRegisteredAt: iso(facts.get(partnerId)!.last_registered_at),
              lastDealWonAt: iso(facts.get(partnerId)!.last_won_at),
              at: now.toISOString(),
            },
          },
          SCHEDULER,
        ),
      this.log,
    );
  }

  start(everyMs = 60 * 60 * 1000): void {
    this.job = new PeriodicJob(
      'dormancy',
      () => this.runOnce(this.app.now()),
      () => this.app.now(),
      this.log,
    );
    this.job.start(everyMs);
  }

  async stop(): Promise<void> {
    await this.job?.stop();
  }
}
