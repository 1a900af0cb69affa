import type { Database } from '@prm/database';
import { DATE_REASON, DomainError, escapeLike, isCalendarDate, isDateTime, isUuid } from '@prm/domain';
import type { EventStore } from '@prm/event-store';
import { matchKeys } from '@prm/normalization';
import type { Actor } from './deals.application';
import { dealStream } from './streams';

export interface DealRow {
  deal_id: string;
  partner_id: string | null;
  channel: string;
  customer_name: string;
  customer_country: string;
  customer_domain: string | null;
  customer_tax_id: string | null;
  customer_key: string;
  customer_id: string | null;
  customer_class: string | null;
  status: string;
  stage: string;
  attribution: string | null;
  value_amount: string;
  currency: string;
  expected_close_date: string;
  products: string[];
  registered_at: string;
  registered_by: string | null;
  pam_id: string | null;
  holds_protection: boolean;
  protected_until: string | null;
  approved_at: string | null;
  co_seller: string | null;
  pending_extension: string | null;
  conflict_count: number;
  won_value: string | null;
  closed_on: string | null;
  cycle_days: number | null;
  lost_reason: string | null;
}

const DEAL_COLUMNS = `deal_id, partner_id, channel, customer_name, customer_country, customer_domain, customer_tax_id,
  customer_key, customer_id, customer_class, status, stage, attribution, value_amount::text, currency,
  to_char(expected_close_date, 'YYYY-MM-DD') AS expected_close_date, products,
  to_char(registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS registered_at, registered_by, pam_id,
  holds_protection, to_char(protected_until, 'YYYY-MM-DD') AS protected_until,
  to_char(approved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS approved_at, co_seller, pending_extension,
  conflict_count, won_value::text, to_char(closed_on, 'YYYY-MM-DD') AS closed_on, cycle_days, lost_reason`;

export interface DealFilter {
  partnerId?: string;
  status?: string;
  /** Any of the customer's name, domain or tax id (with customerCountry for name and tax id). */
  customer?: string;
  customerCountry?: string;
  pamId?: string;
  pageSize?: number;
  pageToken?: string;
}

const STATUSES = ['open', 'won', 'lost', 'rejected', 'expired'];

function encodeCursor(row: { registered_at: string; deal_id: string }): string {
  return Buffer.from(`${row.registered_at}|${row.deal_id}`).toString('base64url');
}
function decodeCursor(token: string): [string, string] {
  const [at, id] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  // Date.parse takes "1" (and PostgreSQL does not): only the date-time this query wrote.
  if (!at || !id || !isDateTime(at) || !isUuid(id))
    throw DomainError.invalid([{ field: 'pageToken', reason: 'is not a token returned by this query' }]);
  return [at, id];
}

/**
 * Queries over the deals read models. Partners see only their own data: a partner user's
 * queries are always narrowed to its partner (whatever filter it sends), and conflict evidence
 * never names the other partner or its deal to a partner user. A PAM sees its partners' deals.
 */
export class DealsQueries {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  /** The partner ids a PAM runs now (from the local partner view). */
  private pamScope(actor: Actor): string | undefined {
    return actor.role === 'pam' ? actor.id : undefined;
  }

  async getDeal(
    dealId: string,
    actor: Actor,
  ): Promise<{ deal: DealRow; history: Array<Record<string, unknown>> }> {
    if (!isUuid(dealId)) throw DomainError.invalid([{ field: 'dealId', reason: 'must be a UUID' }]);
    const rows = await this.db.query<DealRow>(`SELECT ${DEAL_COLUMNS} FROM deals_deal WHERE deal_id = $1`, [
      dealId,
    ]);
    const deal = rows[0];
    if (!deal)
      throw DomainError.notFound(`deal ${dealId} does not exist (or is not projected yet)`, { dealId });
    await this.requireVisible(deal, actor);
    const history = (await this.store.readStream(dealStream(dealId))).map((e) => ({
      type: e.type,
      version: e.streamVersion,
      occurredAt: e.metadata.occurredAt,
      actor:
        actor.role === 'partner_user' && e.metadata.actor.startsWith('user:') ? 'vendor' : e.metadata.actor,
      data: actor.role === 'partner_user' ? redactForPartner(e.type, e.data) : e.data,
    }));
    return { deal, history };
  }

  private async requireVisible(deal: DealRow, actor: Actor): Promise<void> {
    if (actor.role === 'partner_user') {
      if (deal.partner_id !== actor.partnerId)
        throw DomainError.permissionDenied('a partner user sees only its own partner’s deals');
      return;
    }
    const pam = this.pamScope(actor);
    if (pam && deal.partner_id) {
      const rows = await this.db.query(
        'SELECT 1 FROM deals_partner_view WHERE partner_id = $1 AND pam_id = $2',
        [deal.partner_id, pam],
      );
      if (rows.length === 0) throw DomainError.permissionDenied('a PAM sees the deals of its own partners');
    }
  }

  async listDeals(filter: DealFilter, actor: Actor): Promise<{ deals: DealRow[]; nextPageToken: string }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    const violations: Array<{ field: string; reason: string }> = [];
    if (filter.partnerId && !isUuid(filter.partnerId))
      violations.push({ field: 'partnerId', reason: 'must be a UUID' });
    if (filter.status && !STATUSES.includes(filter.status))
      violations.push({ field: 'status', reason: `must be one of ${STATUSES.join(', ')}` });
    const pageSize = filter.pageSize || 50;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
      violations.push({ field: 'pageSize', reason: 'must be 1 to 500' });
    if (violations.length > 0) throw DomainError.invalid(violations);

    if (actor.role === 'partner_user') {
      if (filter.partnerId && filter.partnerId !== actor.partnerId)
        throw DomainError.permissionDenied('a partner user sees only its own partner’s deals');
      add('partner_id = ?', actor.partnerId);
    } else if (filter.partnerId) add('partner_id = ?', filter.partnerId);
    const pam = this.pamScope(actor) ?? filter.pamId;
    if (this.pamScope(actor) && filter.pamId && filter.pamId !== actor.id)
      throw DomainError.permissionDenied('a PAM sees the deals of its own partners');
    if (pam) add('partner_id IN (SELECT partner_id FROM deals_partner_view WHERE pam_id = ?)', pam);
    if (filter.status) add('status = ?', filter.status);
    if (filter.customer) {
      const keys = matchKeys({
        name: filter.customer,
        country: filter.customerCountry || 'XX',
        domain: filter.customer,
        taxId: filter.customerCountry ? filter.customer : undefined,
      });
      const candidates = [
        keys.taxId && `tax_id:${keys.taxId}`,
        keys.domain && `domain:${keys.domain}`,
        filter.customerCountry && keys.nameCountry && `name:${keys.nameCountry}`,
      ].filter(Boolean);
      const domainOrTax = [keys.domain ?? null, keys.taxId ?? null];
      params.push(candidates, domainOrTax[0], keys.taxId ?? null);
      const n = params.length;
      where.push(
        `(customer_key = ANY($${n - 2}) OR customer_domain = $${n - 1} OR customer_tax_id = $${n} ` +
          `OR customer_name ILIKE '%' || $${n + 1} || '%' ESCAPE '\\')`,
      );
      // The customer is text to find, not a pattern: "%" and "_" match themselves.
      params.push(escapeLike(filter.customer.trim()));
    }
    if (filter.pageToken) {
      const [at, id] = decodeCursor(filter.pageToken);
      params.push(at, id);
      where.push(`(registered_at, deal_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(pageSize + 1);
    const rows = await this.db.query<DealRow>(
      `SELECT ${DEAL_COLUMNS} FROM deals_deal ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY registered_at DESC, deal_id DESC LIMIT $${params.length}`,
      params,
    );
    const more = rows.length > pageSize;
    const page = rows.slice(0, pageSize);
    return { deals: page, nextPageToken: more ? encodeCursor(page[page.length - 1]!) : '' };
  }

  /** Registrations in conflict that the vendor has not decided yet, with the evidence. */
  async conflictQueue(actor: Actor) {
    if (actor.role === 'partner_user')
      throw DomainError.permissionDenied('the conflict queue is the vendor’s');
    const pam = this.pamScope(actor);
    const rows = await this.db.query<DealRow & { conflicts: unknown }>(
      `SELECT q.*,
         (SELECT json_agg(json_build_object('conflictingDealId', c.conflicting_deal_id, 'kind', c.kind,
            'conflictingPartnerId', c.conflicting_partner_id, 'matchedOn', c.matched_on, 'firstDealId', c.first_deal_id,
            'detectedAt', c.detected_at, 'evidence', c.evidence) ORDER BY c.detected_at) FROM deals_conflict c WHERE c.deal_id = q.deal_id) AS conflicts
       FROM (SELECT ${DEAL_COLUMNS} FROM deals_deal
             WHERE conflict_count > 0 AND status = 'open' AND stage = 'registered'
               ${pam ? 'AND partner_id IN (SELECT partner_id FROM deals_partner_view WHERE pam_id = $1)' : ''}
             ORDER BY registered_at, deal_id LIMIT 500) q
       ORDER BY q.registered_at, q.deal_id`,
      pam ? [pam] : [],
    );
    return rows;
  }

  /** Registrations and extension requests waiting for a PAM's decision (its partners only). */
  async approvalQueue(pamId: string, actor: Actor): Promise<DealRow[]> {
    if (actor.role === 'partner_user')
      throw DomainError.permissionDenied('the approval queue is the vendor’s');
    if (actor.role === 'pam' && pamId && pamId !== actor.id)
      throw DomainError.permissionDenied('a PAM sees its own approval queue');
    const pam = actor.role === 'pam' ? actor.id : pamId;
    if (!pam) throw DomainError.invalid([{ field: 'pamId', reason: 'is required' }]);
    return this.db.query<DealRow>(
      `SELECT ${DEAL_COLUMNS} FROM deals_deal
       WHERE status = 'open' AND channel = 'partner' AND (stage = 'registered' OR pending_extension IS NOT NULL)
         AND partner_id IN (SELECT partner_id FROM deals_partner_view WHERE pam_id = $1)
       ORDER BY registered_at, deal_id LIMIT 500`,
      [pam],
    );
  }

  /** Commission ledger entries of a partner accrued in [from, to], with totals per currency and status. */
  async commissions(input: { partnerId: string; from?: string; to?: string }, actor: Actor) {
    if (!isUuid(input.partnerId))
      throw DomainError.invalid([{ field: 'partnerId', reason: 'must be a UUID' }]);
    if (actor.role === 'partner_user' && input.partnerId !== actor.partnerId)
      throw DomainError.permissionDenied('a partner user sees only its own partner’s commissions');
    const violations = (['from', 'to'] as const)
      .filter((field) => input[field] && !isCalendarDate(input[field]))
      .map((field) => ({ field, reason: DATE_REASON }));
    if (violations.length > 0) throw DomainError.invalid(violations);
    const from = input.from || '0001-01-01';
    const to = input.to || '9999-12-31';
    const entries = await this.db.query<Record<string, unknown>>(
      `SELECT commission_id, deal_id, kind, direction, corrects_commission_id, tier, rate_percent::text, amount::text,
         currency, reporting_amount::text, reporting_currency, status, to_char(accrued_on, 'YYYY-MM-DD') AS accrued_on,
         to_char(paid_on, 'YYYY-MM-DD') AS paid_on, payment_reference, reason
       FROM deals_commission WHERE partner_id = $1 AND accrued_on BETWEEN $2::date AND $3::date
       ORDER BY accrued_on, commission_id`,
      [input.partnerId, from, to],
    );
    const totals = await this.db.query<{ currency: string; status: string; net: string }>(
      `SELECT currency, status, sum(CASE WHEN direction = 'credit' THEN amount ELSE -amount END)::text AS net
       FROM deals_commission WHERE partner_id = $1 AND accrued_on BETWEEN $2::date AND $3::date
       GROUP BY currency, status ORDER BY currency, status`,
      [input.partnerId, from, to],
    );
    return { entries, totals };
  }
}

/** What a partner user may see of its own deal's events: never another partner or its deal. */
function redactForPartner(type: string, data: unknown): unknown {
  if (type !== 'DealConflictDetected') return data;
  const d = data as { conflicts: Array<Record<string, unknown>> };
  return {
    ...d,
    conflicts: d.conflicts.map((c) => ({
      kind: c.kind,
      matchedOn: c.matchedOn,
      conflictingDealId: null,
      conflictingPartnerId: null,
      registeredFirst: c.firstDealId === (data as { dealId: string }).dealId,
    })),
  };
}
