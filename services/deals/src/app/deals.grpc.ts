import {
  actorFrom,
  NO_PARTNER,
  PARTNER_ID_FIELD,
  PartnerScope,
  startGrpcServerFor,
  type ActorMessage,
  type GrpcBinding,
  type RunningGrpcServer,
} from '@prm/grpc';
import type { Role } from '../domain';
import type { Actor, DealResult, DealsApplication } from './deals.application';
import { DealsQueries, type DealRow } from './deals.queries';
import { dealStream } from './streams';

export const DEALS_SERVICE = 'prm.deals.v1.DealsService';
export const DEALS_PROTO = 'prm/deals/v1/deals.proto';

type Req = Record<string, unknown> & { actor?: ActorMessage; dealId?: string };
const ROLES: readonly Role[] = ['vendor_admin', 'pam', 'partner_user', 'direct_sales', 'service'];

export function actorOf(request: Req): Actor {
  return actorFrom(request, ROLES);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const opt = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const money = (m: unknown) => {
  const x = m as { amount?: string; currency?: string } | null | undefined;
  return x ? { amount: str(x.amount), currency: str(x.currency) } : undefined;
};
const ref = (r: DealResult) => ({
  dealId: r.dealId,
  version: String(r.version),
  events: r.events.map((e) => e.type),
});

export function toDealMessage(row: DealRow) {
  return {
    dealId: row.deal_id,
    partnerId: row.partner_id ?? '',
    channel: row.channel,
    customer: {
      name: row.customer_name,
      domain: row.customer_domain ?? '',
      taxId: row.customer_tax_id ?? '',
      country: row.customer_country,
    },
    customerClass: row.customer_class ?? '',
    status: row.status,
    stage: row.stage,
    attribution: row.attribution ?? '',
    estimatedValue: { amount: row.value_amount, currency: row.currency },
    expectedCloseDate: row.expected_close_date,
    products: row.products,
    registeredAt: row.registered_at,
    pamId: row.pam_id ?? '',
    holdsProtection: row.holds_protection,
    protectedUntil: row.protected_until ?? '',
    coSeller: row.co_seller ?? '',
    conflictCount: row.conflict_count,
    wonValue: row.won_value ? { amount: row.won_value, currency: row.currency } : null,
    closedOn: row.closed_on ?? '',
    cycleDays: row.cycle_days ?? 0,
    pendingExtension: row.pending_extension ?? '',
  };
}

/** The gRPC methods of prm.deals.v1.DealsService over the application and the queries. */
export function dealsGrpcHandlers(app: DealsApplication, queries: DealsQueries) {
  const dealIdOf = (r: Req) => str(r.dealId);
  return {
    async registerDeal(r: Req) {
      const c = (r.customer ?? {}) as Record<string, string>;
      const result = await app.registerDeal(
        {
          dealId: opt(r.dealId),
          requestId: opt(r.requestId),
          channel: (opt(r.channel) ?? 'partner') as 'partner' | 'direct',
          partnerId: opt(r.partnerId) ?? null,
          customer: {
            name: str(c.name),
            domain: opt(c.domain),
            taxId: opt(c.taxId),
            country: str(c.country),
          },
          estimatedValue: money(r.estimatedValue) ?? { amount: '', currency: '' },
          expectedCloseDate: str(r.expectedCloseDate),
          products: (r.products as string[]) ?? [],
          attribution: str(r.attribution) as 'sourced',
          description: opt(r.description),
        },
        actorOf(r),
      );
      const registered = result.events[0]!.data as { protectedUntil?: string | null };
      return {
        dealId: result.dealId,
        version: String(result.version),
        holdsProtection: result.holdsProtection,
        protectedUntil: registered.protectedUntil ?? '',
        conflicts: result.conflicts,
      };
    },
    async approveRegistration(r: Req) {
      const reason = opt(r.transferProtectionReason);
      return ref(
        await app.approveRegistration(
          dealIdOf(r),
          { note: opt(r.note), ...(reason && { transferProtection: { reason } }) },
          actorOf(r),
        ),
      );
    },
    async rejectRegistration(r: Req) {
      return ref(
        await app.rejectRegistration(
          dealIdOf(r),
          { reasonCode: str(r.reasonCode), reason: str(r.reason) },
          actorOf(r),
        ),
      );
    },
    async assignCoSeller(r: Req) {
      return ref(await app.assignCoSeller(dealIdOf(r), str(r.coSeller), actorOf(r)));
    },
    async changeStage(r: Req) {
      return ref(
        await app.changeStage(
          dealIdOf(r),
          {
            stage: str(r.stage),
            estimatedValue: money(r.estimatedValue),
            expectedCloseDate: opt(r.expectedCloseDate),
          },
          actorOf(r),
        ),
      );
    },
    async requestProtectionExtension(r: Req) {
      const result = await app.requestProtectionExtension(
        dealIdOf(r),
        { requestId: opt(r.requestId), days: Number(r.days), reason: str(r.reason) },
        actorOf(r),
      );
      return { dealId: result.dealId, version: String(result.version), requestId: result.requestId };
    },
    async decideProtectionExtension(r: Req) {
      return ref(
        await app.decideProtectionExtension(
          dealIdOf(r),
          { requestId: str(r.requestId), approve: r.approve === true, reason: opt(r.reason) },
          actorOf(r),
        ),
      );
    },
    async recordInfluence(r: Req) {
      return ref(
        await app.recordInfluence(
          dealIdOf(r),
          {
            influenceId: opt(r.influenceId),
            requestId: opt(r.requestId),
            partnerId: str(r.partnerId),
            activity: str(r.activity),
            description: opt(r.description),
            weightPercent: typeof r.weightPercent === 'number' ? r.weightPercent : undefined,
          },
          actorOf(r),
        ),
      );
    },
    async winDeal(r: Req) {
      return ref(
        await app.winDeal(
          dealIdOf(r),
          { wonValue: money(r.wonValue) ?? { amount: '', currency: '' }, closedOn: str(r.closedOn) },
          actorOf(r),
        ),
      );
    },
    async loseDeal(r: Req) {
      return ref(
        await app.loseDeal(
          dealIdOf(r),
          {
            lostReason: str(r.lostReason),
            note: opt(r.note),
            competitor: opt(r.competitor),
            closedOn: str(r.closedOn),
          },
          actorOf(r),
        ),
      );
    },
    async approveCommission(r: Req) {
      return ref(await app.approveCommission(dealIdOf(r), str(r.commissionId), actorOf(r)));
    },
    async payCommission(r: Req) {
      return ref(
        await app.payCommission(
          dealIdOf(r),
          {
            commissionId: str(r.commissionId),
            paidOn: str(r.paidOn),
            paymentReference: str(r.paymentReference),
          },
          actorOf(r),
        ),
      );
    },
    async correctCommission(r: Req) {
      return ref(
        await app.correctCommission(
          dealIdOf(r),
          {
            commissionId: opt(r.commissionId),
            requestId: opt(r.requestId),
            correctsCommissionId: str(r.correctsCommissionId),
            direction: str(r.direction),
            amount: str(r.amount),
            reason: str(r.reason),
          },
          actorOf(r),
        ),
      );
    },
    async classifyCustomer(r: Req) {
      const c = (r.customer ?? {}) as Record<string, string>;
      const result = await app.classifyCustomer(
        {
          name: str(c.name),
          domain: opt(c.domain),
          taxId: opt(c.taxId),
          country: str(c.country),
          customerClass: str(r.customerClass),
          accountOwner: opt(r.accountOwner),
          reason: opt(r.reason),
        },
        actorOf(r),
      );
      return { ...result, version: String(result.version) };
    },
    async recordExchangeRate(r: Req) {
      const result = await app.recordExchangeRate(
        { from: str(r.from), to: str(r.to), rate: str(r.rate), effectiveOn: str(r.effectiveOn) },
        actorOf(r),
      );
      return { version: String(result.version) };
    },
    async defineDealPolicy(r: Req) {
      const result = await app.defineDealPolicy(
        {
          program: str(r.program),
          protectionDays: Number(r.protectionDays),
          maxExtensionDays: Number(r.maxExtensionDays),
          allowStageSkipping: r.allowStageSkipping === true,
        },
        actorOf(r),
      );
      return { version: String(result.version) };
    },
    async getDeal(r: Req) {
      const { deal, history } = await queries.getDeal(dealIdOf(r), actorOf(r));
      return {
        deal: toDealMessage(deal),
        history: history.map((h) => ({
          type: h.type,
          version: String(h.version),
          occurredAt: h.occurredAt,
          actor: h.actor,
          dataJson: JSON.stringify(h.data),
        })),
      };
    },
    async listDeals(r: Req) {
      const result = await queries.listDeals(
        {
          partnerId: opt(r.partnerId),
          status: opt(r.status),
          customer: opt(r.customer),
          customerCountry: opt(r.customerCountry),
          pamId: opt(r.pamId),
          pageSize: Number(r.pageSize) || undefined,
          pageToken: opt(r.pageToken),
        },
        actorOf(r),
      );
      return { deals: result.deals.map(toDealMessage), nextPageToken: result.nextPageToken };
    },
    async getConflictQueue(r: Req) {
      const rows = await queries.conflictQueue(actorOf(r));
      return {
        entries: rows.map((row) => ({
          deal: toDealMessage(row),
          conflicts: ((row.conflicts as Array<Record<string, unknown>>) ?? []).map((c) => ({
            conflictingDealId: str(c.conflictingDealId),
            kind: str(c.kind),
            conflictingPartnerId: str(c.conflictingPartnerId),
            matchedOn: (c.matchedOn as string[]) ?? [],
            firstDealId: str(c.firstDealId),
            detectedAt: str(c.detectedAt),
            evidence: str(c.evidence),
          })),
        })),
      };
    },
    async getApprovalQueue(r: Req) {
      const rows = await queries.approvalQueue(str(r.pamId), actorOf(r));
      return { deals: rows.map(toDealMessage), nextPageToken: '' };
    },
    async listCommissions(r: Req) {
      const result = await queries.commissions(
        { partnerId: str(r.partnerId), from: opt(r.from), to: opt(r.to) },
        actorOf(r),
      );
      return {
        entries: result.entries.map((e) => ({
          commissionId: e.commission_id,
          dealId: e.deal_id,
          kind: e.kind,
          direction: e.direction,
          correctsCommissionId: e.corrects_commission_id ?? '',
          tier: e.tier ?? '',
          ratePercent: e.rate_percent === null ? 0 : Number(e.rate_percent),
          amount: { amount: e.amount, currency: e.currency },
          reportingAmount: e.reporting_amount
            ? { amount: e.reporting_amount, currency: e.reporting_currency }
            : null,
          status: e.status,
          accruedOn: e.accrued_on,
          paidOn: e.paid_on ?? '',
          paymentReference: e.payment_reference ?? '',
          reason: e.reason ?? '',
        })),
        totals: result.totals,
      };
    },
  };
}

/** Every handler checks the actor first, so a malformed actor is refused before anything is read. */
function withActorCheck<H extends Record<string, (r: Req) => Promise<unknown>>>(handlers: H): H {
  return Object.fromEntries(
    Object.entries(handlers).map(([method, handler]) => [
      method,
      async (r: Req) => {
        actorOf(r);
        return handler(r);
      },
    ]),
  ) as H;
}

/**
 * Where each method's request names its partner, for the one scope rule (libs/grpc PartnerScope):
 * the `partnerId` field, or the partner that registered the deal `dealId` names (read from the
 * deal's own stream, so a deal just registered is scoped as well).
 */
export function dealsPartnerScope(app: DealsApplication): PartnerScope {
  const dealPartner = async (r: Record<string, unknown>): Promise<string | undefined> => {
    const dealId = typeof r.dealId === 'string' ? r.dealId : '';
    if (!dealId) return undefined;
    const first = (await app.store.readStream(dealStream(dealId)))[0];
    return (first?.data as { partnerId?: string | null } | undefined)?.partnerId ?? undefined;
  };
  const handlers = dealsGrpcHandlers(app, undefined as never);
  const byDeal = Object.keys(handlers).filter(
    (m) => !['registerDeal', 'listDeals', 'listCommissions'].includes(m),
  );
  return new PartnerScope({
    roles: ROLES,
    rules: {
      ...Object.fromEntries(byDeal.map((m) => [m, dealPartner])),
      registerDeal: PARTNER_ID_FIELD,
      listDeals: PARTNER_ID_FIELD,
      listCommissions: PARTNER_ID_FIELD,
      classifyCustomer: NO_PARTNER,
      recordExchangeRate: NO_PARTNER,
      defineDealPolicy: NO_PARTNER,
      getConflictQueue: NO_PARTNER,
      getApprovalQueue: NO_PARTNER,
      // recordInfluence names the influencing partner as well as the deal: both must be the PAM's.
      recordInfluence: async (r) => [
        await dealPartner(r),
        typeof r.partnerId === 'string' ? r.partnerId : undefined,
      ],
    },
    pamRuns: async (pamId, partnerId) =>
      (
        await app.db.query('SELECT 1 FROM deals_partner_view WHERE partner_id = $1 AND pam_id = $2', [
          partnerId,
          pamId,
        ])
      ).length > 0,
  });
}

/** The deals context's gRPC binding; the embedded runtime serves it beside the others. */
export function dealsGrpcBinding(app: DealsApplication): GrpcBinding {
  return {
    protoFiles: [DEALS_PROTO],
    services: {
      [DEALS_SERVICE]: dealsPartnerScope(app).wrap(
        withActorCheck(dealsGrpcHandlers(app, new DealsQueries(app.db, app.store))),
      ) as never,
    },
    // Its request_id names the extension request being decided, not this call.
    requestIdIsNotIdempotencyKey: [`${DEALS_SERVICE}/DecideProtectionExtension`],
  };
}

export function startDealsGrpc(
  app: DealsApplication,
  address: string,
  log?: (line: string) => void,
): Promise<RunningGrpcServer> {
  return startGrpcServerFor(address, [dealsGrpcBinding(app)], log);
}
