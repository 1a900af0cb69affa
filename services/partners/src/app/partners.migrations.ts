import type { Migration } from '@prm/database';

/** The partners service's own tables (besides the event store's). Never edit a released one. */
export const partnersMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'partner identity claims',
    sql: `
-- Uniqueness of a partner's INN / website domain across partners: a claim per key, taken before
-- the registration is appended. A claim whose partner stream does not exist is stale (the
-- process died between claim and append) and may be taken over.
CREATE TABLE partners_identity_claims (
  kind text NOT NULL,
  value text NOT NULL,
  partner_id uuid NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value)
);
CREATE INDEX partners_identity_claims_partner ON partners_identity_claims (partner_id);
`,
  },
  {
    version: 2,
    name: 'deal facts from the deals service',
    sql: `
-- Kept by the deal milestones consumer from prm.deals.events.v1 (idempotent upserts).
-- The latest deal registration and win per partner: the dormancy rule and the stalled view.
CREATE TABLE partners_deal_activity (
  partner_id uuid PRIMARY KEY,
  last_registered_at timestamptz,
  last_won_at timestamptz
);
-- Won deals (DealWon): trailing-12-month revenue for tier requirements.
CREATE TABLE partners_won_deals (
  deal_id text PRIMARY KEY,
  partner_id uuid NOT NULL,
  amount text NOT NULL,
  currency text NOT NULL,
  closed_on date NOT NULL
);
CREATE INDEX partners_won_deals_partner ON partners_won_deals (partner_id, closed_on);
-- ExchangeRateRecorded: units of to_currency per unit of from_currency from effective_on on.
CREATE TABLE partners_exchange_rates (
  from_currency text NOT NULL,
  to_currency text NOT NULL,
  effective_on date NOT NULL,
  rate text NOT NULL,
  PRIMARY KEY (from_currency, to_currency, effective_on)
);
`,
  },
];

/** The read model behind GetPartner (and the list queries to come). */
export const partnerSummaryMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'partner summary',
    sql: `
CREATE TABLE partners_partner_summary (
  partner_id uuid PRIMARY KEY,
  legal_name text NOT NULL,
  country text NOT NULL,
  region text,
  website_domain text NOT NULL,
  tax_id text NOT NULL,
  tax_id_scheme text NOT NULL,
  type text NOT NULL,
  employee_count integer NOT NULL,
  sales_reps integer NOT NULL,
  specializations jsonb NOT NULL,
  client_segments jsonb NOT NULL,
  industries jsonb NOT NULL,
  stage text NOT NULL,
  stage_entered_at timestamptz NOT NULL,
  tier text,
  pam_id text,
  version bigint NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX partners_partner_summary_pam ON partners_partner_summary (pam_id);
`,
  },
  {
    version: 2,
    name: 'journey stages and onboarding steps',
    sql: `
CREATE INDEX partners_partner_summary_list ON partners_partner_summary (legal_name, partner_id);
-- One row per stage a partner entered; left_at is set when it moves on.
CREATE TABLE partners_journey_stages (
  partner_id uuid NOT NULL,
  seq integer NOT NULL,
  stage text NOT NULL,
  entered_at timestamptz NOT NULL,
  left_at timestamptz,
  PRIMARY KEY (partner_id, seq)
);
CREATE TABLE partners_onboarding_steps (
  partner_id uuid NOT NULL,
  step text NOT NULL,
  completed_at timestamptz NOT NULL,
  completed_by text,
  PRIMARY KEY (partner_id, step)
);
`,
  },
  {
    version: 3,
    name: 'fit to the ideal partner profile',
    sql: `
ALTER TABLE partners_partner_summary ADD COLUMN fit_score integer, ADD COLUMN fit_explanation jsonb;
CREATE INDEX partners_partner_summary_fit ON partners_partner_summary (fit_score);
CREATE TABLE partners_ideal_profile (
  id text PRIMARY KEY,
  profile jsonb NOT NULL,
  defined_at timestamptz NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'certifications',
    sql: `
CREATE TABLE partners_certifications (
  partner_id uuid NOT NULL,
  certification_id text NOT NULL,
  holder_id text NOT NULL,
  certification_code text NOT NULL,
  granted_on date NOT NULL,
  expires_on date,
  expired boolean NOT NULL DEFAULT false,
  PRIMARY KEY (partner_id, certification_id)
);
CREATE INDEX partners_certifications_due ON partners_certifications (expires_on) WHERE NOT expired;
`,
  },
  {
    version: 5,
    name: 'scheduled tier',
    sql: `
-- A future-dated tier change is shown as scheduled (tier and first day, YYYY-MM-DD) until its day;
-- tier stays the one in force (see tierScheduleAsOf).
ALTER TABLE partners_partner_summary ADD COLUMN scheduled_tier text, ADD COLUMN scheduled_tier_from text;
`,
  },
  {
    version: 6,
    name: 'PAM capacities',
    sql: `
-- A PAM's own capacity (PamCapacitySet); PAMs without a row have the default.
CREATE TABLE partners_pam_capacity (
  pam_id text PRIMARY KEY,
  capacity integer NOT NULL
);
`,
  },
  {
    version: 7,
    name: 'last training',
    sql: `
-- The latest TrainingCompleted: trainings count as activity for dormancy and the stalled view.
ALTER TABLE partners_partner_summary ADD COLUMN last_training_at timestamptz;
`,
  },
  {
    version: 8,
    name: 'proposed self-reported values',
    sql: `
-- PartnerProfileChangeProposed values awaiting the vendor's confirmation (null: none pending).
ALTER TABLE partners_partner_summary ADD COLUMN proposed jsonb;
`,
  },
];
