import { PeriodicJob, sweepDue } from '@prm/domain';
import type { Database } from '@prm/database';
import type { Actor, PartnersApplication } from './partners.application';

const SCHEDULER: Actor = { id: 'system:certification-expiry', role: 'service' };

/**
 * Expires certifications whose expiry date has passed. `runOnce(today)` is the whole job (the
 * clock is the caller's): it finds partners with a due certificate in the read model and sends
 * each an ExpireCertifications command, which is idempotent, so a repeated or overlapping run
 * changes nothing. `start` runs it on an interval with the application's clock.
 */
export class CertificationExpiryScheduler {
  private job?: PeriodicJob;

  constructor(
    private readonly app: PartnersApplication,
    private readonly db: Database,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** today: YYYY-MM-DD. Returns the partners that had certificates expired. */
  async runOnce(today: string): Promise<string[]> {
    const due = await this.db.query<{ partner_id: string }>(
      `SELECT DISTINCT partner_id FROM partners_certifications
       WHERE NOT expired AND expires_on IS NOT NULL AND expires_on < $1::date ORDER BY partner_id`,
      [today],
    );
    return sweepDue(
      'certification expiry: partner',
      due.map((d) => d.partner_id),
      (partnerId) => this.app.run(partnerId, { type: 'ExpireCertifications', data: { today } }, SCHEDULER),
      this.log,
    );
  }

  start(everyMs = 60 * 60 * 1000): void {
    this.job = new PeriodicJob(
      'certification expiry',
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
