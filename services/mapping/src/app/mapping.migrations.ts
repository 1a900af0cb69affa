import type { Migration } from '@prm/database';

/** The mapping service's tables (besides the event store's). Never edit a released one. */
export const mappingMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'account lists',
    sql: `
-- One row per import. 'staged' rows are being written (invisible); the AccountListImported
-- event makes a list 'current' and the previous one 'replaced' (its accounts deleted).
CREATE TABLE mapping_lists (
  list_id uuid PRIMARY KEY,
  owner_key text NOT NULL,
  partner_id uuid,
  status text NOT NULL CHECK (status IN ('staged', 'current', 'replaced')),
  privacy_mode boolean NOT NULL,
  source text NOT NULL,
  format text NOT NULL,
  encoding text,
  key_fingerprint text NOT NULL,
  account_count integer NOT NULL DEFAULT 0,
  rejected_count integer NOT NULL DEFAULT 0,
  populations jsonb,
  key_coverage jsonb,
  packed bytea,
  stream_version bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  imported_at timestamptz,
  imported_by text
);
CREATE UNIQUE INDEX mapping_lists_current ON mapping_lists (owner_key) WHERE status = 'current';
CREATE INDEX mapping_lists_status ON mapping_lists (status);

-- The accounts of a list; row_no is the account's index in the packed list. In privacy mode
-- only population, line and the keyed hashes are stored: name, domain, tax_id, country and
-- external_id stay NULL.
CREATE TABLE mapping_accounts (
  list_id uuid NOT NULL,
  row_no integer NOT NULL,
  line integer NOT NULL,
  population smallint NOT NULL,
  k_tax bigint,
  k_domain bigint,
  k_name bigint,
  name text,
  domain text,
  tax_id text,
  country text,
  external_id text,
  PRIMARY KEY (list_id, row_no)
);

-- Rejected rows of an import: where and why, never the row's values.
CREATE TABLE mapping_rejections (
  list_id uuid NOT NULL,
  seq integer NOT NULL,
  line integer NOT NULL,
  col text NOT NULL,
  reason text NOT NULL,
  PRIMARY KEY (list_id, seq)
);
`,
  },
];
