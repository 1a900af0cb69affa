import type { DataOf, RecordedEvent } from '@prm/contracts';
import type { Projection } from '@prm/projections';
import { EntitySchema, type EntityManager } from 'typeorm';
import {
  afterTierChange,
  fitScore,
  type FitInput,
  type FitScore,
  type IdealPartnerProfile,
  type TierSchedule,
} from '../domain';
import { partnerSummaryMigrations } from './partners.migrations';

export interface PartnerSummaryRow {
  partner_id: string;
  legal_name: string;
  country: string;
  region: string | null;
  website_domain: string;
  tax_id: string;
  tax_id_scheme: string;
  type: string;
  employee_count: number;
  sales_reps: number;
  specializations: string[];
  client_segments: string[];
  industries: string[];
  stage: string;
  stage_entered_at: Date;
  tier: string | null;
  /** A future-dated tier change not in force yet, and its first day (YYYY-MM-DD). */
  scheduled_tier: string | null;
  scheduled_tier_from: string | null;
  pam_id: string | null;
  version: string;
  updated_at: Date;
  fit_score: number | null;
  fit_explanation: FitScore['criteria'] | null;
  last_training_at: Date | null;
  /** Self-reported values awaiting the vendor's confirmation; null when none. */
  proposed: ProposedValues | null;
}

export interface ProposedValues {
  employeeCount?: number;
  salesReps?: number;
  clientSegments?: string[];
  proposedBy: string;
  proposedAt: string;
}

export const PartnerSummaryEntity = new EntitySchema<PartnerSummaryRow>({
  name: 'partners_partner_summary',
  columns: {
    partner_id: { type: 'uuid', primary: true },
    legal_name: { type: 'text' },
    country: { type: 'text' },
    region: { type: 'text', nullable: true },
    website_domain: { type: 'text' },
    tax_id: { type: 'text' },
    tax_id_scheme: { type: 'text' },
    type: { type: 'text' },
    employee_count: { type: 'int' },
    sales_reps: { type: 'int' },
    specializations: { type: 'jsonb' },
    client_segments: { type: 'jsonb' },
    industries: { type: 'jsonb' },
    stage: { type: 'text' },
    stage_entered_at: { type: 'timestamptz' },
    tier: { type: 'text', nullable: true },
    scheduled_tier: { type: 'text', nullable: true },
    scheduled_tier_from: { type: 'text', nullable: true },
    pam_id: { type: 'text', nullable: true },
    version: { type: 'bigint' },
    updated_at: { type: 'timestamptz' },
    fit_score: { type: 'int', nullable: true },
    fit_explanation: { type: 'jsonb', nullable: true },
    last_training_at: { type: 'timestamptz', nullable: true },
    proposed: { type: 'jsonb', nullable: true },
  },
});

/** Recomputes the fit of one partner (or of all, when partnerId is omitted) against the current profile. */
async function refreshFit(manager: EntityManager, partnerId?: string): Promise<void> {
  const profiles: Array<{ profile: IdealPartnerProfile }> = await manager.query(
    "SELECT profile FROM partners_ideal_profile WHERE id = 'current'",
  );
  const profile = profiles[0]?.profile;
  if (!profile) return;
  const rows = manager.getRepository(PartnerSummaryEntity);
  const partners = await rows.find({
    where: partnerId ? { partner_id: partnerId } : {},
    order: { partner_id: 'ASC' },
  });
  for (const p of partners) {
    const fit = fitScore(profile, {
      type: p.type as FitInput['type'],
      employeeCount: p.employee_count,
      salesReps: p.sales_reps,
      country: p.country,
      region: p.region ?? undefined,
      specializations: p.specializations,
      clientSegments: p.client_segments as FitInput['clientSegments'],
      industries: p.industries,
    });
    await rows.update(
      { partner_id: p.partner_id },
      { fit_score: fit.score, fit_explanation: [...fit.criteria] },
    );
  }
}

type Patch = Partial<PartnerSummaryRow>;

function profilePatch(data: DataOf<'PartnerProfileUpdated'>): Patch {
  const patch: Patch = {};
  for (const field of data.changedFields) {
    switch (field) {
      case 'legalName':
        patch.legal_name = data.legalName!;
        break;
      case 'country':
        patch.country = data.country!;
        break;
      case 'region':
        patch.region = data.region ?? null;
        break;
      case 'websiteDomain':
        patch.website_domain = data.websiteDomain!;
        break;
      case 'taxId':
        patch.tax_id = data.taxId!.value;
        patch.tax_id_scheme = data.taxId!.scheme;
        break;
      case 'type':
        patch.type = data.type!;
        break;
      case 'employeeCount':
        patch.employee_count = data.employeeCount!;
        break;
      case 'salesReps':
        patch.sales_reps = data.salesReps!;
        break;
      case 'specializations':
        patch.specializations = [...data.specializations!];
        break;
      case 'clientSegments':
        patch.client_segments = [...data.clientSegments!];
        break;
      case 'industries':
        patch.industries = [...data.industries!];
        break;
      default: {
        const never: never = field;
        throw new Error(`unknown profile field ${String(never)}`);
      }
    }
  }
  return patch;
}

/** One row per partner: profile, stage, tier and PAM — what GetPartner returns. */
export const partnerSummaryProjection: Projection = {
  name: 'partners-summary',
  contexts: ['partners'],
  migrations: partnerSummaryMigrations,
  tables: [
    'partners_partner_summary',
    'partners_journey_stages',
    'partners_onboarding_steps',
    'partners_ideal_profile',
    'partners_pam_capacity',
  ],
  entities: [PartnerSummaryEntity],
  async apply(event: RecordedEvent, manager: EntityManager) {
    const rows = manager.getRepository(PartnerSummaryEntity);
    const common = { version: String(event.streamVersion), updated_at: new Date(event.metadata.occurredAt) };
    switch (event.type) {
      case 'PartnerRegistered': {
        const d = event.data as DataOf<'PartnerRegistered'>;
        await rows.insert({
          partner_id: d.partnerId,
          legal_name: d.legalName,
          country: d.country,
          region: d.region ?? null,
          website_domain: d.websiteDomain,
          tax_id: d.taxId.value,
          tax_id_scheme: d.taxId.scheme,
          type: d.type,
          employee_count: d.employeeCount,
          sales_reps: d.salesReps,
          specializations: [...d.specializations],
          client_segments: [...d.clientSegments],
          industries: [...d.industries],
          stage: 'prospect',
          stage_entered_at: new Date(event.metadata.occurredAt),
          tier: d.tier ?? null,
          scheduled_tier: null,
          scheduled_tier_from: null,
          pam_id: null,
          fit_score: null,
          fit_explanation: null,
          last_training_at: null,
          proposed: null,
          ...common,
        });
        await refreshFit(manager, d.partnerId);
        return;
      }
      case 'PartnerProfileUpdated': {
        const d = event.data as DataOf<'PartnerProfileUpdated'>;
        await rows.update({ partner_id: d.partnerId }, { ...profilePatch(d), ...common });
        // A value set or confirmed by the vendor is no longer pending.
        await manager.query(
          `UPDATE partners_partner_summary SET proposed = CASE
             WHEN (proposed - $2::text[]) ?| array['employeeCount', 'salesReps', 'clientSegments']
             THEN proposed - $2::text[] END
           WHERE partner_id = $1 AND proposed IS NOT NULL`,
          [d.partnerId, [...d.changedFields]],
        );
        await refreshFit(manager, d.partnerId);
        return;
      }
      case 'PartnerProfileChangeProposed': {
        const d = event.data as DataOf<'PartnerProfileChangeProposed'>;
        const values: Record<string, unknown> = { proposedBy: d.proposedBy, proposedAt: d.proposedAt };
        for (const f of d.proposedFields) values[f] = d[f];
        await manager.query(
          `UPDATE partners_partner_summary SET proposed = coalesce(proposed, '{}'::jsonb) || $2::jsonb,
             version = $3, updated_at = $4 WHERE partner_id = $1`,
          [d.partnerId, JSON.stringify(values), common.version, common.updated_at],
        );
        return;
      }
      case 'PartnerJourneyStageReached': {
        const d = event.data as DataOf<'PartnerJourneyStageReached'>;
        await rows.update(
          { partner_id: d.partnerId },
          { stage: d.stage, stage_entered_at: new Date(d.reachedAt), ...common },
        );
        await manager.query(
          'UPDATE partners_journey_stages SET left_at = $2 WHERE partner_id = $1 AND left_at IS NULL',
          [d.partnerId, d.reachedAt],
        );
        await manager.query(
          `INSERT INTO partners_journey_stages (partner_id, seq, stage, entered_at)
           SELECT $1, coalesce(max(seq), 0) + 1, $2, $3 FROM partners_journey_stages WHERE partner_id = $1`,
          [d.partnerId, d.stage, d.reachedAt],
        );
        return;
      }
      case 'OnboardingStepCompleted': {
        const d = event.data as DataOf<'OnboardingStepCompleted'>;
        await manager.query(
          `INSERT INTO partners_onboarding_steps (partner_id, step, completed_at, completed_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (partner_id, step) DO NOTHING`,
          [d.partnerId, d.step, d.completedAt, d.completedBy ?? null],
        );
        await rows.update({ partner_id: d.partnerId }, common);
        return;
      }
      case 'IdealPartnerProfileDefined': {
        await manager.query(
          `INSERT INTO partners_ideal_profile (id, profile, defined_at) VALUES ('current', $1, $2)
           ON CONFLICT (id) DO UPDATE SET profile = EXCLUDED.profile, defined_at = EXCLUDED.defined_at`,
          [JSON.stringify(event.data), event.metadata.occurredAt],
        );
        await refreshFit(manager);
        return;
      }
      case 'CertificationGranted': {
        const d = event.data as DataOf<'CertificationGranted'>;
        await manager.query(
          `INSERT INTO partners_certifications (partner_id, certification_id, holder_id, certification_code, granted_on, expires_on)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (partner_id, certification_id) DO NOTHING`,
          [d.partnerId, d.certificationId, d.holderId, d.certificationCode, d.grantedOn, d.expiresOn ?? null],
        );
        await rows.update({ partner_id: d.partnerId }, common);
        return;
      }
      case 'CertificationExpired': {
        const d = event.data as DataOf<'CertificationExpired'>;
        await manager.query(
          'UPDATE partners_certifications SET expired = true WHERE partner_id = $1 AND certification_id = $2',
          [d.partnerId, d.certificationId],
        );
        await rows.update({ partner_id: d.partnerId }, common);
        return;
      }
      case 'PartnerTierChanged': {
        const d = event.data as DataOf<'PartnerTierChanged'>;
        const row = await rows.findOne({ where: { partner_id: d.partnerId } });
        const next = afterTierChange(
          {
            tier: (row?.tier ?? null) as TierSchedule['tier'],
            scheduledTier: (row?.scheduled_tier ?? null) as TierSchedule['tier'],
            scheduledTierFrom: row?.scheduled_tier_from ?? null,
          },
          d,
          event.metadata.occurredAt.slice(0, 10),
        );
        await rows.update(
          { partner_id: d.partnerId },
          {
            tier: next.tier,
            scheduled_tier: next.scheduledTier,
            scheduled_tier_from: next.scheduledTierFrom,
            ...common,
          },
        );
        return;
      }
      case 'PamAssigned': {
        const d = event.data as DataOf<'PamAssigned'>;
        await rows.update({ partner_id: d.partnerId }, { pam_id: d.pamId, ...common });
        return;
      }
      case 'TrainingCompleted': {
        const d = event.data as DataOf<'TrainingCompleted'>;
        await manager.query(
          `UPDATE partners_partner_summary SET last_training_at = greatest(last_training_at, $2::timestamptz),
             version = $3, updated_at = $4 WHERE partner_id = $1`,
          [d.partnerId, d.completedAt, common.version, common.updated_at],
        );
        return;
      }
      case 'PamCapacitySet': {
        const d = event.data as DataOf<'PamCapacitySet'>;
        await manager.query(
          `INSERT INTO partners_pam_capacity (pam_id, capacity) VALUES ($1, $2)
           ON CONFLICT (pam_id) DO UPDATE SET capacity = EXCLUDED.capacity`,
          [d.pamId, d.capacity],
        );
        return;
      }
      case 'PamLoadReviewed':
        // A PAM stream's event: it names a partner but is not part of that partner's summary.
        return;
      default: {
        const partnerId = (event.data as { partnerId?: string }).partnerId;
        if (partnerId) await rows.update({ partner_id: partnerId }, common);
      }
    }
  },
};
