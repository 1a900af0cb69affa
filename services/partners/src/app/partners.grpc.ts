import { DomainError, isUuid } from '@prm/domain';
import {
  actorFrom,
  NO_PARTNER,
  PARTNER_ID_FIELD,
  PartnerScope,
  PROTO_ROOT,
  startGrpcServerFor,
  type ActorMessage,
  type GrpcBinding,
  type RunningGrpcServer,
} from '@prm/grpc';
import { tierScheduleAsOf, type TierSchedule } from '../domain';
import type { Actor, PartnersApplication, CommandResult } from './partners.application';
import type { PartnerSummaryRow, ProposedValues } from './partner-summary.projection';
import { PartnersQueries } from './partners.queries';

export { PROTO_ROOT };
export const PARTNERS_PROTO = 'prm/partners/v1/partners.proto';
export const PARTNERS_SERVICE = 'prm.partners.v1.PartnersService';

interface MoneyMessage {
  amount?: string;
  currency?: string;
}
type Req = Record<string, unknown> & { actor?: ActorMessage; partnerId?: string };

const ROLES = ['vendor_admin', 'pam', 'partner_user', 'service'] as const;

function actorOf(request: Req): Actor {
  return actorFrom(request, ROLES);
}

/** What a partner user may call, always on its own partner only; everything else is the vendor's. */
const PARTNER_USER_METHODS = new Set([
  'getPartner',
  'getJourneyTimeline',
  'updatePartnerProfile',
  'completeOnboardingStep',
  'recordTraining',
  'spendMdf',
]);

/**
 * Partners see only their own data: a partner user is refused any vendor-side method and any
 * partner id but its own, whatever it puts in the request, before anything is read.
 */
export function authorize(method: string, request: Req): void {
  const actor = actorOf(request);
  if (actor.role !== 'partner_user') return;
  if (!PARTNER_USER_METHODS.has(method)) {
    throw DomainError.permissionDenied(`a partner user may not call ${method}`);
  }
  if (request.partnerId !== actor.partnerId) {
    throw DomainError.permissionDenied('a partner user may act only on its own partner');
  }
}

function partnerIdOf(request: Req): string {
  if (!request.partnerId) throw DomainError.invalid([{ field: 'partnerId', reason: 'is required' }]);
  // A partner id is a UUID: a malformed one is the caller's error, not a database one.
  if (!isUuid(request.partnerId))
    throw DomainError.invalid([{ field: 'partnerId', reason: 'must be a UUID' }]);
  return request.partnerId;
}

const ref = (r: CommandResult) => ({ partnerId: r.partnerId, version: String(r.version) });
const list = (v: unknown): string[] | undefined =>
  v && typeof v === 'object' && Array.isArray((v as { values?: unknown }).values)
    ? (v as { values: string[] }).values
    : undefined;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const money = (m: unknown) => ({
  amount: str((m as MoneyMessage | undefined)?.amount),
  currency: str((m as MoneyMessage | undefined)?.currency),
});

function toPartnerMessage(row: PartnerSummaryRow, today: string) {
  const tier = tierScheduleAsOf(
    {
      tier: row.tier as TierSchedule['tier'],
      scheduledTier: (row.scheduled_tier ?? null) as TierSchedule['tier'],
      scheduledTierFrom: row.scheduled_tier_from ?? null,
    },
    today,
  );
  return {
    partnerId: row.partner_id,
    legalName: row.legal_name,
    country: row.country,
    region: row.region ?? '',
    websiteDomain: row.website_domain,
    taxId: row.tax_id,
    type: row.type,
    employeeCount: row.employee_count,
    salesReps: row.sales_reps,
    specializations: row.specializations,
    clientSegments: row.client_segments,
    industries: row.industries,
    stage: row.stage,
    stageEnteredAt: new Date(row.stage_entered_at).toISOString(),
    tier: tier.tier ?? '',
    scheduledTier: tier.scheduledTier ?? '',
    scheduledTierFrom: tier.scheduledTierFrom ?? '',
    pamId: row.pam_id ?? '',
    fitScore: row.fit_score ?? -1,
    fitExplanation: row.fit_explanation ?? [],
    version: String(row.version),
    ...(row.proposed ? { proposed: proposedMessage(row.proposed) } : {}),
  };
}

function proposedMessage(p: ProposedValues) {
  return {
    ...(p.employeeCount !== undefined && { employeeCount: p.employeeCount }),
    ...(p.salesReps !== undefined && { salesReps: p.salesReps }),
    clientSegments: p.clientSegments ?? [],
    proposedBy: p.proposedBy,
    proposedAt: p.proposedAt,
  };
}

/** The gRPC methods of prm.partners.v1.PartnersService over the application layer. */
export function partnersGrpcHandlers(app: PartnersApplication, queries: PartnersQueries) {
  const today = () => app.now().toISOString().slice(0, 10);
  return {
    async registerPartner(r: Req) {
      return ref(
        await app.registerPartner(
          {
            partnerId: str(r.partnerId) || undefined,
            requestId: str(r.requestId) || undefined,
            program: str(r.program) || undefined,
            legalName: str(r.legalName),
            country: str(r.country),
            region: str(r.region) || undefined,
            website: str(r.website),
            taxId: str(r.taxId),
            type: str(r.type),
            employeeCount: Number(r.employeeCount),
            salesReps: Number(r.salesReps),
            specializations: (r.specializations as string[]) ?? [],
            clientSegments: (r.clientSegments as string[]) ?? [],
            industries: (r.industries as string[]) ?? [],
          },
          actorOf(r),
        ),
      );
    },
    async updatePartnerProfile(r: Req) {
      const has = (k: string) => r[k] !== undefined && r[k] !== null;
      return ref(
        await app.updatePartnerProfile(
          partnerIdOf(r),
          {
            ...(has('legalName') && { legalName: str(r.legalName) }),
            ...(has('country') && { country: str(r.country) }),
            ...(has('region') && { region: str(r.region) || null }),
            ...(has('website') && { website: str(r.website) }),
            ...(has('taxId') && { taxId: str(r.taxId) }),
            ...(has('type') && { type: str(r.type) }),
            ...(has('employeeCount') && { employeeCount: Number(r.employeeCount) }),
            ...(has('salesReps') && { salesReps: Number(r.salesReps) }),
            ...(list(r.specializations) && { specializations: list(r.specializations) }),
            ...(list(r.clientSegments) && { clientSegments: list(r.clientSegments) }),
            ...(list(r.industries) && { industries: list(r.industries) }),
          },
          actorOf(r),
        ),
      );
    },
    async advanceJourney(r: Req) {
      return ref(await app.advanceJourney(partnerIdOf(r), str(r.stage), actorOf(r)));
    },
    async completeOnboardingStep(r: Req) {
      return ref(await app.completeOnboardingStep(partnerIdOf(r), str(r.step), actorOf(r)));
    },
    async changeTier(r: Req) {
      return ref(
        await app.changeTier(
          partnerIdOf(r),
          {
            program: str(r.program) || undefined,
            tier: str(r.tier),
            effectiveFrom: str(r.effectiveFrom),
            overrideReason: str(r.overrideReason) || undefined,
          },
          actorOf(r),
        ),
      );
    },
    async assignPam(r: Req) {
      const result = await app.assignPam(partnerIdOf(r), str(r.pamId), actorOf(r));
      return {
        ...ref(result),
        overCapacity: result.overCapacity,
        pamPartnerCount: result.pamPartnerCount,
        capacity: result.capacity,
      };
    },
    async grantCertification(r: Req) {
      return ref(
        await app.run(
          partnerIdOf(r),
          {
            type: 'GrantCertification',
            data: {
              certificationId: str(r.certificationId),
              certificationCode: str(r.certificationCode),
              certificationName: str(r.certificationName),
              holderId: str(r.holderId),
              grantedOn: str(r.grantedOn),
              expiresOn: str(r.expiresOn) || null,
            },
          },
          actorOf(r),
        ),
      );
    },
    async recordTraining(r: Req) {
      return ref(
        await app.recordTraining(
          partnerIdOf(r),
          {
            trainingCode: str(r.trainingCode),
            trainingName: str(r.trainingName),
            attendeeId: str(r.attendeeId),
            completedAt: str(r.completedAt) || undefined,
            hours: r.hours ? Number(r.hours) : undefined,
            requestId: str(r.requestId) || undefined,
          },
          actorOf(r),
        ),
      );
    },
    async allocateMdf(r: Req) {
      return ref(
        await app.run(
          partnerIdOf(r),
          {
            type: 'AllocateMdf',
            data: {
              allocationId: str(r.allocationId),
              amount: money(r.amount),
              validFrom: str(r.validFrom),
              validUntil: str(r.validUntil),
              purpose: str(r.purpose) || undefined,
            },
          },
          actorOf(r),
        ),
      );
    },
    async spendMdf(r: Req) {
      return ref(
        await app.run(
          partnerIdOf(r),
          {
            type: 'SpendMdf',
            data: {
              allocationId: str(r.allocationId),
              spendId: str(r.spendId),
              amount: money(r.amount),
              spentOn: str(r.spentOn),
              activity: str(r.activity),
              claimReference: str(r.claimReference) || undefined,
              // A partner user's spend is a claim until the vendor confirms it (ConfirmMdfSpend).
              ...(actorOf(r).role === 'partner_user' ? { claimedBy: actorOf(r).id } : {}),
            },
          },
          actorOf(r),
        ),
      );
    },
    async confirmMdfSpend(r: Req) {
      return ref(await app.confirmMdfSpend(partnerIdOf(r), str(r.spendId), actorOf(r)));
    },
    async confirmPartnerProfile(r: Req) {
      return ref(await app.confirmPartnerProfile(partnerIdOf(r), actorOf(r)));
    },
    async churnPartner(r: Req) {
      return ref(
        await app.run(
          partnerIdOf(r),
          {
            type: 'ChurnPartner',
            data: { reason: str(r.reason), note: str(r.note) || undefined, at: app.now().toISOString() },
          },
          actorOf(r),
        ),
      );
    },
    async reactivatePartner(r: Req) {
      return ref(
        await app.run(
          partnerIdOf(r),
          { type: 'ReactivatePartner', data: { at: app.now().toISOString() } },
          actorOf(r),
        ),
      );
    },
    async getPartner(r: Req) {
      actorOf(r);
      return toPartnerMessage(await app.getPartner(partnerIdOf(r)), today());
    },
    async listPartners(r: Req) {
      actorOf(r);
      const page = await queries.listPartners({
        tier: str(r.tier) || undefined,
        stage: str(r.stage) || undefined,
        pamId: str(r.pamId) || undefined,
        region: str(r.region) || undefined,
        type: str(r.type) || undefined,
        minFit: r.minFit === undefined || r.minFit === null ? undefined : Number(r.minFit),
        maxFit: r.maxFit === undefined || r.maxFit === null ? undefined : Number(r.maxFit),
        limit: r.limit ? Number(r.limit) : undefined,
        cursor: str(r.cursor) || undefined,
        today: today(),
      });
      return { partners: page.items.map((p) => toPartnerMessage(p, today())), nextCursor: page.nextCursor };
    },
    async getJourneyTimeline(r: Req) {
      actorOf(r);
      const partnerId = partnerIdOf(r);
      const stages = await queries.journeyTimeline(partnerId, app.now());
      return { partnerId, stages: stages.map((s) => ({ ...s, leftAt: s.leftAt ?? '' })) };
    },
    async getJourneyFunnel(r: Req) {
      actorOf(r);
      const funnel = await queries.journeyFunnel();
      return {
        stages: funnel.stages.map((s) => ({ ...s, medianDays: s.medianDays ?? -1 })),
        onboardingSteps: funnel.onboardingSteps.map((s) => ({
          ...s,
          medianDaysFromOnboardingStart: s.medianDaysFromOnboardingStart ?? -1,
        })),
      };
    },
    async listStalledPartners(r: Req) {
      actorOf(r);
      const rows = await queries.stalledPartners(r.days ? Number(r.days) : 30, app.now());
      return {
        partners: rows.map((p) => ({
          partner: toPartnerMessage(p, today()),
          daysWithoutProgress: p.daysInStage,
          stalledBy: p.stalledBy,
          lastActivityKind: p.lastActivityKind,
        })),
      };
    },
    async defineIdealPartnerProfile(r: Req) {
      const actor = actorOf(r);
      const range = (v: unknown) => {
        const x = v as { min?: number | null; max?: number | null } | undefined | null;
        if (!x) return undefined;
        return { ...(x.min != null && { min: Number(x.min) }), ...(x.max != null && { max: Number(x.max) }) };
      };
      const result = await app.defineIdealPartnerProfile(
        {
          profileId: str(r.profileId),
          requestId: str(r.requestId) || undefined,
          name: str(r.name),
          partnerTypes: r.partnerTypes ?? [],
          employeeCount: range(r.employeeCount),
          salesReps: range(r.salesReps),
          countries: r.countries ?? [],
          regions: r.regions ?? [],
          specializations: r.specializations ?? [],
          clientSegments: r.clientSegments ?? [],
          industries: r.industries ?? [],
          weights: r.weights
            ? Object.fromEntries(
                Object.entries(r.weights as Record<string, unknown>).filter(
                  ([, v]) => v !== null && v !== undefined,
                ),
              )
            : undefined,
        },
        actor,
      );
      return { profileId: result.profileId, version: String(result.version) };
    },
    async defineProgram(r: Req) {
      const tiers = ((r.tiers as Array<Record<string, unknown>>) ?? []).map((t) => {
        const req = (t.requirements ?? {}) as {
          certifiedPeople?: number | null;
          trailing12MonthRevenue?: MoneyMessage | null;
        };
        return {
          tier: str(t.tier),
          discountPercent: Number(t.discountPercent),
          requirements: {
            ...(req.certifiedPeople != null && { certifiedPeople: Number(req.certifiedPeople) }),
            ...(req.trailing12MonthRevenue && { trailing12MonthRevenue: money(req.trailing12MonthRevenue) }),
          },
        };
      });
      const result = await app.defineProgram(
        {
          program: str(r.program),
          name: str(r.name),
          tiers,
          onboardingChecklist: r.onboardingChecklist ?? [],
        },
        actorOf(r),
      );
      return { program: result.program, version: String(result.version) };
    },
    async setPamCapacity(r: Req) {
      const result = await app.setPamCapacity(
        str(r.pamId),
        { capacity: Number(r.capacity), reason: str(r.reason) || undefined },
        actorOf(r),
      );
      return {
        pamId: result.pamId,
        capacity: result.capacity,
        partners: result.partnerCount,
        overCapacity: result.overCapacity,
      };
    },
    async getPamWorkload(r: Req) {
      actorOf(r);
      return { pams: await queries.pamWorkload(app.pamCapacity) };
    },
  };
}

function withAuthorization<H extends Record<string, (r: Req) => Promise<unknown>>>(handlers: H): H {
  return Object.fromEntries(
    Object.entries(handlers).map(([method, handler]) => [
      method,
      async (r: Req) => {
        authorize(method, r);
        return handler(r);
      },
    ]),
  ) as H;
}

/** Methods whose request names no existing partner (registerPartner's partnerId is the new one's). */
const NO_PARTNER_METHODS = new Set([
  'registerPartner',
  'listPartners',
  'getJourneyFunnel',
  'listStalledPartners',
  'getPamWorkload',
  'defineIdealPartnerProfile',
  'defineProgram',
]);

/** Where each method's request names its partner, for the one scope rule (libs/grpc PartnerScope). */
export function partnersPartnerScope(app: PartnersApplication): PartnerScope {
  const methods = Object.keys(partnersGrpcHandlers(app, undefined as never));
  return new PartnerScope({
    roles: ROLES,
    rules: Object.fromEntries(
      methods.map((m) => [m, NO_PARTNER_METHODS.has(m) ? NO_PARTNER : PARTNER_ID_FIELD]),
    ),
    pamRuns: async (pamId, partnerId) =>
      (
        await app.db.query('SELECT 1 FROM partners_partner_summary WHERE partner_id = $1 AND pam_id = $2', [
          partnerId,
          pamId,
        ])
      ).length > 0,
  });
}

/** The partners context's gRPC binding; the embedded runtime serves it beside the others. */
export function partnersGrpcBinding(app: PartnersApplication): GrpcBinding {
  return {
    protoFiles: [PARTNERS_PROTO],
    services: {
      [PARTNERS_SERVICE]: partnersPartnerScope(app).wrap(
        withAuthorization(partnersGrpcHandlers(app, new PartnersQueries(app.db))),
      ) as never,
    },
  };
}

export function startPartnersGrpc(
  app: PartnersApplication,
  address: string,
  log?: (line: string) => void,
): Promise<RunningGrpcServer> {
  return startGrpcServerFor(address, [partnersGrpcBinding(app)], log);
}
