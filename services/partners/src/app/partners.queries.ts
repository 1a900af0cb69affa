import type { Database } from '@prm/database';
import { DomainError } from '@prm/domain';
import { JOURNEY_STAGES, PAM_LOAD_EXCLUDED_STAGES } from '../domain';
import type { PartnerSummaryRow } from './partner-summary.projection';

export interface ListPartnersFilter {
  /** The tier in force on `today` (a scheduled tier counts from its first day). */
  tier?: string;
  /** YYYY-MM-DD, the caller's clock; the tier filter needs it (default: the database's date). */
  today?: string;
  stage?: string;
  pamId?: string;
  region?: string;
  type?: string;
  /** Fit to the ideal partner profile, inclusive bounds 0..100. */
  minFit?: number;
  maxFit?: number;
  /** 1..200, default 50. */
  limit?: number;
  /** Opaque cursor from the previous page's nextCursor. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Empty when this was the last page. */
  nextCursor: string;
}

export interface TimelineEntry {
  stage: string;
  enteredAt: string;
  leftAt: string | null;
  daysSpent: number;
}

export interface FunnelStage {
  stage: string;
  /** Partners that ever reached the stage. */
  reached: number;
  /** Partners in it now. */
  current: number;
  /** Median days spent in it, over partners that moved on; null when none did. */
  medianDays: number | null;
}

export interface OnboardingStepDuration {
  step: string;
  completed: number;
  /** Median days from entering onboarding to completing the step. */
  medianDaysFromOnboardingStart: number | null;
}

export interface PamWorkload {
  pamId: string;
  partners: number;
  capacity: number;
  overCapacity: boolean;
  byStage: Record<string, number>;
}

const DAY_MS = 86_400_000;
const days = (ms: number) => Math.round((ms / DAY_MS) * 10) / 10;

function encodeCursor(row: { legal_name: string; partner_id: string }): string {
  return Buffer.from(JSON.stringify([row.legal_name, row.partner_id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string'))
      return value as [string, string];
  } catch {
    // fall through
  }
  throw DomainError.invalid([
    { field: 'cursor', reason: 'is not a cursor this service issued; start without one' },
  ]);
}

/** Read-model queries of the partners service. Time is passed in (the clock is injected). */
export class PartnersQueries {
  constructor(private readonly db: Database) {}

  async listPartners(filter: ListPartnersFilter): Promise<Page<PartnerSummaryRow>> {
    const limit = filter.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw DomainError.invalid([{ field: 'limit', reason: 'must be an integer from 1 to 200' }]);
    }
    if (filter.stage && !JOURNEY_STAGES.includes(filter.stage as (typeof JOURNEY_STAGES)[number])) {
      throw DomainError.invalid([{ field: 'stage', reason: `must be one of ${JOURNEY_STAGES.join(', ')}` }]);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (column: string, value: string | undefined) => {
      if (!value) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    if (filter.tier) {
      params.push(filter.today ?? null, filter.tier);
      where.push(
        `(CASE WHEN scheduled_tier_from <= COALESCE($${params.length - 1}::text, current_date::text) THEN scheduled_tier ELSE tier END) = $${params.length}`,
      );
    }
    add('stage', filter.stage);
    add('pam_id', filter.pamId);
    add('region', filter.region);
    add('type', filter.type);
    for (const [field, value, op] of [
      ['minFit', filter.minFit, '>='],
      ['maxFit', filter.maxFit, '<='],
    ] as const) {
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 0 || value > 100) {
        throw DomainError.invalid([{ field, reason: 'must be an integer from 0 to 100' }]);
      }
      params.push(value);
      where.push(`fit_score ${op} $${params.length}`);
    }
    if (filter.cursor) {
      const [name, id] = decodeCursor(filter.cursor);
      params.push(name, id);
      where.push(`(legal_name, partner_id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows = await this.db.query<PartnerSummaryRow>(
      `SELECT * FROM partners_partner_summary ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY legal_name, partner_id LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!) : '' };
  }

  async journeyTimeline(partnerId: string, now: Date): Promise<TimelineEntry[]> {
    const rows = await this.db.query<{ stage: string; entered_at: Date; left_at: Date | null }>(
      'SELECT stage, entered_at, left_at FROM partners_journey_stages WHERE partner_id = $1 ORDER BY seq',
      [partnerId],
    );
    if (rows.length === 0)
      throw DomainError.notFound(`partner ${partnerId} has no journey (unknown, or not projected yet)`);
    return rows.map((r) => {
      const entered = new Date(r.entered_at);
      const left = r.left_at ? new Date(r.left_at) : null;
      return {
        stage: r.stage,
        enteredAt: entered.toISOString(),
        leftAt: left?.toISOString() ?? null,
        daysSpent: days((left ?? now).getTime() - entered.getTime()),
      };
    });
  }

  async journeyFunnel(): Promise<{ stages: FunnelStage[]; onboardingSteps: OnboardingStepDuration[] }> {
    const stageRows = await this.db.query<{
      stage: string;
      reached: string;
      current: string;
      median_days: string | null;
    }>(
      `SELECT stage,
              count(DISTINCT partner_id)::text AS reached,
              count(*) FILTER (WHERE left_at IS NULL)::text AS current,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at))
                 FILTER (WHERE left_at IS NOT NULL) / 86400)::text AS median_days
       FROM partners_journey_stages GROUP BY stage`,
    );
    const byStage = new Map(stageRows.map((r) => [r.stage, r]));
    const stages = JOURNEY_STAGES.map((stage) => {
      const r = byStage.get(stage);
      return {
        stage,
        reached: Number(r?.reached ?? 0),
        current: Number(r?.current ?? 0),
        medianDays: r?.median_days == null ? null : Math.round(Number(r.median_days) * 10) / 10,
      };
    });
    const stepRows = await this.db.query<{ step: string; completed: string; median_days: string | null }>(
      `SELECT s.step, count(*)::text AS completed,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.completed_at - j.entered_at)) / 86400)::text AS median_days
       FROM partners_onboarding_steps s
       JOIN LATERAL (SELECT entered_at FROM partners_journey_stages j
                     WHERE j.partner_id = s.partner_id AND j.stage IN ('agreement_signed', 'onboarding')
                     ORDER BY seq LIMIT 1) j ON true
       GROUP BY s.step ORDER BY 3 DESC NULLS LAST`,
    );
    return {
      stages,
      onboardingSteps: stepRows.map((r) => ({
        step: r.step,
        completed: Number(r.completed),
        medianDaysFromOnboardingStart:
          r.median_days == null ? null : Math.round(Number(r.median_days) * 10) / 10,
      })),
    };
  }

  /**
   * Partners with no progress for `days` days (churned partners excluded). Before a partner is
   * active, progress is a new stage or a completed onboarding step. Active and dormant partners
   * are held to the dormancy rule: a deal registration, a win or a training (or becoming active)
   * within the period. daysInStage = days since the last progress; stalledBy says which rule.
   */
  async stalledPartners(
    stalledDays: number,
    now: Date,
  ): Promise<
    Array<
      PartnerSummaryRow & {
        daysInStage: number;
        stalledBy: 'journey' | 'activity';
        lastActivityKind: string;
      }
    >
  > {
    // At most 100 years back: further is no filter at all, and out of the date range.
    if (!Number.isInteger(stalledDays) || stalledDays < 1 || stalledDays > 36_500) {
      throw DomainError.invalid([
        { field: 'days', reason: 'must be a whole number of days from 1 to 36500' },
      ]);
    }
    const cutoff = new Date(now.getTime() - stalledDays * DAY_MS);
    const rows = await this.db.query<
      PartnerSummaryRow & {
        last_progress_at: Date;
        stalled_by: 'journey' | 'activity';
        active_since: Date | null;
        last_registered_at: Date | null;
        last_won_at: Date | null;
      }
    >(
      `SELECT * FROM (
         SELECT p.*, a.last_registered_at, a.last_won_at, act.active_since,
                CASE WHEN p.stage IN ('active', 'dormant') THEN 'activity' ELSE 'journey' END AS stalled_by,
                CASE WHEN p.stage IN ('active', 'dormant')
                  THEN greatest(act.active_since, p.last_training_at, a.last_registered_at, a.last_won_at)
                  ELSE greatest(p.stage_entered_at,
                    (SELECT max(completed_at) FROM partners_onboarding_steps s WHERE s.partner_id = p.partner_id))
                END AS last_progress_at
         FROM partners_partner_summary p
         LEFT JOIN partners_deal_activity a ON a.partner_id = p.partner_id
         LEFT JOIN LATERAL (SELECT max(entered_at) AS active_since FROM partners_journey_stages j
                            WHERE j.partner_id = p.partner_id AND j.stage = 'active') act ON true
         WHERE p.stage <> 'churned') x
       WHERE last_progress_at < $1
       ORDER BY last_progress_at, partner_id`,
      [cutoff.toISOString()],
    );
    return rows.map((r) => {
      const last = new Date(r.last_progress_at).getTime();
      const kinds: Array<[string, Date | null]> = [
        ['deal_registered', r.last_registered_at],
        ['deal_won', r.last_won_at],
        ['training', r.last_training_at],
        ['became_active', r.active_since],
      ];
      const kind = kinds.find(([, at]) => at !== null && new Date(at).getTime() === last)?.[0] ?? '';
      return {
        ...r,
        daysInStage: days(now.getTime() - last),
        stalledBy: r.stalled_by,
        lastActivityKind: r.stalled_by === 'activity' ? kind : '',
      };
    });
  }

  /**
   * Partners per PAM, churned excluded (countsTowardPamLoad: the same count as the over-capacity
   * warning), against each PAM's own capacity (PamCapacitySet) or `defaultCapacity`.
   */
  async pamWorkload(defaultCapacity: number): Promise<PamWorkload[]> {
    const rows = await this.db.query<{ pam_id: string; stage: string; n: string; capacity: number | null }>(
      `SELECT s.pam_id, s.stage, count(*)::text AS n, c.capacity FROM partners_partner_summary s
       LEFT JOIN partners_pam_capacity c ON c.pam_id = s.pam_id
       WHERE s.pam_id IS NOT NULL AND s.stage <> ALL($1::text[])
       GROUP BY s.pam_id, s.stage, c.capacity ORDER BY s.pam_id`,
      [[...PAM_LOAD_EXCLUDED_STAGES]],
    );
    const byPam = new Map<string, PamWorkload>();
    for (const r of rows) {
      const capacity = r.capacity ?? defaultCapacity;
      const w = byPam.get(r.pam_id) ?? {
        pamId: r.pam_id,
        partners: 0,
        capacity,
        overCapacity: false,
        byStage: {},
      };
      w.partners += Number(r.n);
      w.byStage[r.stage] = Number(r.n);
      w.overCapacity = w.partners > capacity;
      byPam.set(r.pam_id, w);
    }
    return [...byPam.values()].sort((a, b) => b.partners - a.partners || a.pamId.localeCompare(b.pamId));
  }
}
