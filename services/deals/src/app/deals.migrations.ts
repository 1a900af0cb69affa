import type { Migration } from '@prm/database';

/** The deals service's own tables (besides the event store and the read models). Never edit a released one. */
export const dealsMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'customer registry and customer classes',
    sql: `
-- The conflict index: one row per (normalized customer key, deal) of registrations and direct
-- deals, written by deals_claim_customer before the deal's events are appended. It is an index
-- checked against the streams: a row whose deal has no stream is a registration in flight (young)
-- or one that died before its append (old: dropped); a closed deal's row is deactivated.
CREATE TABLE deals_customer_registry (
  key text NOT NULL,
  deal_id uuid NOT NULL,
  partner_id uuid,
  channel text NOT NULL,
  registered_at timestamptz NOT NULL,
  holds_protection boolean NOT NULL,
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (key, deal_id)
);
CREATE INDEX deals_customer_registry_active ON deals_customer_registry (key) WHERE active;
CREATE INDEX deals_customer_registry_deal ON deals_customer_registry (deal_id);

-- Registration's facts, check and record in one call (one round trip). First the partner as the
-- local view knows it: unknown or not in p_allowed_stages (the decider's list) → a 'refused' row
-- and nothing written, the decider says why. Then the customer's class rows. Then transaction-level
-- advisory locks on the customer's keys (ids sorted by the caller, so registrations sharing keys
-- never deadlock) serialize registrations of one customer across every replica; under them the
-- other partners' active rows are read and this registration's rows are written, holding
-- protection when no other active registration holds it and no direct deal is open. Each
-- statement of this (volatile) function sees what committed before it, so the second of two
-- simultaneous registrations always sees the first. The commit does not wait for the WAL flush:
-- the deal's append that follows is synchronous and later in the same WAL, so it flushes these
-- rows with it, and a row can only be lost together with the events it indexes.
CREATE FUNCTION deals_claim_customer(
  p_keys text[], p_lock_ids bigint[], p_deal_id uuid, p_partner_id uuid, p_channel text, p_at timestamptz,
  p_allowed_stages text[])
RETURNS TABLE (kind text, key text, deal_id uuid, partner_id uuid, channel text, registered_at timestamptz,
               holds_protection boolean, a text, b text, c text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_holds boolean;
  v_partner record;
BEGIN
  IF p_channel = 'partner' THEN
    SELECT v.stage, v.pam_id, v.program INTO v_partner FROM deals_partner_view v WHERE v.partner_id = p_partner_id;
    IF FOUND THEN
      RETURN QUERY SELECT 'partner', NULL::text, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean,
        v_partner.stage, v_partner.pam_id, v_partner.program;
    END IF;
    IF NOT FOUND OR v_partner.stage IS NULL OR NOT (v_partner.stage = ANY(p_allowed_stages)) THEN
      RETURN QUERY SELECT 'refused', NULL::text, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean,
        NULL::text, NULL::text, NULL::text;
      RETURN;
    END IF;
  END IF;
  RETURN QUERY
    SELECT 'class', k.key, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean,
      k.customer_id::text, k.customer_class, k.account_owner
    FROM deals_customer_classes k WHERE k.key = ANY(p_keys);
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(l) FROM unnest(p_lock_ids) AS l;
  RETURN QUERY
    SELECT 'existing', r.key, r.deal_id, r.partner_id, r.channel, r.registered_at, r.holds_protection,
      NULL::text, NULL::text, NULL::text
    FROM deals_customer_registry r
    WHERE r.key = ANY(p_keys) AND r.active AND r.deal_id <> p_deal_id
      AND (p_channel = 'direct' OR r.partner_id IS DISTINCT FROM p_partner_id);
  v_holds := p_channel = 'partner' AND NOT EXISTS (
    SELECT 1 FROM deals_customer_registry r
    WHERE r.key = ANY(p_keys) AND r.active AND r.deal_id <> p_deal_id
      AND r.partner_id IS DISTINCT FROM p_partner_id AND (r.holds_protection OR r.channel = 'direct'));
  RETURN QUERY
    WITH mine AS (
      INSERT INTO deals_customer_registry AS r (key, deal_id, partner_id, channel, registered_at, holds_protection)
      SELECT k, p_deal_id, p_partner_id, p_channel, p_at, v_holds FROM unnest(p_keys) AS k
      ON CONFLICT DO NOTHING
      RETURNING r.key, r.deal_id, r.partner_id, r.channel, r.registered_at, r.holds_protection)
    SELECT 'mine', m.key, m.deal_id, m.partner_id, m.channel, m.registered_at, m.holds_protection,
      NULL::text, NULL::text, NULL::text FROM mine m;
END
$fn$;

-- Classified customers by each of their keys; the class applies to every deal with the customer.
CREATE TABLE deals_customer_classes (
  key text PRIMARY KEY,
  customer_id uuid NOT NULL,
  customer_class text NOT NULL,
  account_owner text,
  customer_name text NOT NULL
);
CREATE INDEX deals_customer_classes_customer ON deals_customer_classes (customer_id);
`,
  },
  {
    version: 2,
    name: 'a name-only match does not take protection',
    sql: `
-- Issue 21: a customer matched on its name and country alone is a possible conflict for the vendor
-- to decide (the decider's DealConflictDetected evidence possible_same_customer), not the same
-- customer: only tax id and domain rows of another registration keep this one from holding
-- protection. Otherwise as version 1.
CREATE OR REPLACE FUNCTION deals_claim_customer(
  p_keys text[], p_lock_ids bigint[], p_deal_id uuid, p_partner_id uuid, p_channel text, p_at timestamptz,
  p_allowed_stages text[])
RETURNS TABLE (kind text, key text, deal_id uuid, partner_id uuid, channel text, registered_at timestamptz,
               holds_protection boolean, a text, b text, c text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_holds boolean;
  v_partner record;
BEGIN
  IF p_channel = 'partner' THEN
    SELECT v.stage, v.pam_id, v.program INTO v_partner FROM deals_partner_view v WHERE v.partner_id = p_partner_id;
    IF FOUND THEN
      RETURN QUERY SELECT 'partner', NULL::text, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean,
        v_partner.stage, v_partner.pam_id, v_partner.program;
    END IF;
    IF NOT FOUND OR v_partner.stage IS NULL OR NOT (v_partner.stage = ANY(p_allowed_stages)) THEN
      RETURN QUERY SELECT 'refused', NULL::text, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean,
        NULL::text, NULL::text, NULL::text;
      RETURN;
    END IF;
  END IF;
  RETURN QUERY
    SELECT 'class', k.key, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean,
      k.customer_id::text, k.customer_class, k.account_owner
    FROM deals_customer_classes k WHERE k.key = ANY(p_keys);
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(l) FROM unnest(p_lock_ids) AS l;
  RETURN QUERY
    SELECT 'existing', r.key, r.deal_id, r.partner_id, r.channel, r.registered_at, r.holds_protection,
      NULL::text, NULL::text, NULL::text
    FROM deals_customer_registry r
    WHERE r.key = ANY(p_keys) AND r.active AND r.deal_id <> p_deal_id
      AND (p_channel = 'direct' OR r.partner_id IS DISTINCT FROM p_partner_id);
  v_holds := p_channel = 'partner' AND NOT EXISTS (
    SELECT 1 FROM deals_customer_registry r
    WHERE r.key = ANY(p_keys) AND r.active AND r.deal_id <> p_deal_id AND r.key NOT LIKE 'name:%'
      AND r.partner_id IS DISTINCT FROM p_partner_id AND (r.holds_protection OR r.channel = 'direct'));
  RETURN QUERY
    WITH mine AS (
      INSERT INTO deals_customer_registry AS r (key, deal_id, partner_id, channel, registered_at, holds_protection)
      SELECT k, p_deal_id, p_partner_id, p_channel, p_at, v_holds FROM unnest(p_keys) AS k
      ON CONFLICT DO NOTHING
      RETURNING r.key, r.deal_id, r.partner_id, r.channel, r.registered_at, r.holds_protection)
    SELECT 'mine', m.key, m.deal_id, m.partner_id, m.channel, m.registered_at, m.holds_protection,
      NULL::text, NULL::text, NULL::text FROM mine m;
END
$fn$;
`,
  },
];

/** The local view of partners (from prm.partners.events.v1) the deals service decides with. */
export const partnerViewMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'partner view',
    sql: `
CREATE TABLE deals_partner_view (
  partner_id uuid PRIMARY KEY,
  legal_name text,
  stage text,
  pam_id text,
  program text NOT NULL DEFAULT 'default'
);
CREATE INDEX deals_partner_view_pam ON deals_partner_view (pam_id);
-- Tier history: the tier a partner held on a date is the latest effective_from on or before it.
CREATE TABLE deals_partner_tiers (
  partner_id uuid NOT NULL,
  effective_from date NOT NULL,
  position bigint NOT NULL,
  tier text NOT NULL,
  discount_percent numeric NOT NULL,
  PRIMARY KEY (partner_id, effective_from, position)
);
`,
  },
  {
    version: 2,
    name: 'tier change instants and program entry tiers',
    sql: `
-- When a tier change was made: it is in force from the start of its effective day but never
-- before this instant (a change made after a registration, dated the same day, does not pay it).
ALTER TABLE deals_partner_tiers ADD COLUMN changed_at timestamptz;
-- Each program's tiers from PartnerProgramDefined (lowest, the entry tier, first): a partner
-- holds its starting tier (the entry tier unless registered with one) from its registration on,
-- recorded as the first row of its tier history with the discount of the program at that time.
CREATE TABLE deals_partner_programs (
  program text PRIMARY KEY,
  tiers jsonb NOT NULL
);
`,
  },
];

/** Read models of deals: the deal list, the conflict queue, the commission ledger. */
export const dealReadModelMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'deal read models',
    sql: `
CREATE TABLE deals_deal (
  deal_id uuid PRIMARY KEY,
  partner_id uuid,
  channel text NOT NULL,
  customer_name text NOT NULL,
  customer_country text NOT NULL,
  customer_domain text,
  customer_tax_id text,
  customer_key text NOT NULL,
  customer_id uuid,
  customer_class text,
  status text NOT NULL,
  stage text NOT NULL,
  attribution text,
  value_amount numeric NOT NULL,
  currency text NOT NULL,
  expected_close_date date NOT NULL,
  products jsonb NOT NULL,
  registered_at timestamptz NOT NULL,
  registered_by text,
  pam_id text,
  holds_protection boolean NOT NULL,
  protected_until date,
  approved_at timestamptz,
  co_seller text,
  pending_extension uuid,
  conflict_count int NOT NULL DEFAULT 0,
  won_value numeric,
  closed_on date,
  cycle_days int,
  lost_reason text,
  updated_at timestamptz NOT NULL
);
CREATE INDEX deals_deal_partner ON deals_deal (partner_id, registered_at DESC, deal_id DESC);
CREATE INDEX deals_deal_status ON deals_deal (status, registered_at DESC, deal_id DESC);
CREATE INDEX deals_deal_pam ON deals_deal (pam_id, registered_at DESC, deal_id DESC);
CREATE INDEX deals_deal_customer ON deals_deal (customer_key, registered_at DESC, deal_id DESC);
CREATE INDEX deals_deal_protection ON deals_deal (protected_until) WHERE status = 'open';

CREATE TABLE deals_conflict (
  deal_id uuid NOT NULL,
  conflicting_deal_id uuid NOT NULL,
  kind text NOT NULL,
  conflicting_partner_id uuid,
  matched_on jsonb NOT NULL,
  first_deal_id uuid,
  detected_at timestamptz NOT NULL,
  PRIMARY KEY (deal_id, conflicting_deal_id)
);

CREATE TABLE deals_commission (
  commission_id uuid PRIMARY KEY,
  deal_id uuid NOT NULL,
  partner_id uuid NOT NULL,
  kind text NOT NULL,
  direction text NOT NULL,
  corrects_commission_id uuid,
  tier text,
  rate_percent numeric,
  amount numeric NOT NULL,
  currency text NOT NULL,
  reporting_amount numeric,
  reporting_currency text,
  status text NOT NULL,
  accrued_on date NOT NULL,
  approved_by text,
  paid_on date,
  payment_reference text,
  reason text
);
CREATE INDEX deals_commission_partner ON deals_commission (partner_id, accrued_on);
`,
  },
  {
    version: 2,
    name: 'conflict evidence',
    sql: `
-- DealConflictDetected evidence (issue 21): same_customer (a shared tax id or domain) or
-- possible_same_customer (name and country only: the vendor decides). Older events have none.
ALTER TABLE deals_conflict ADD COLUMN evidence text NOT NULL DEFAULT 'same_customer';
`,
  },
];
