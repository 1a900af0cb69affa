import type { Migration } from '@prm/database';

export const projectionRunnerMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'projection status and per-stream idempotency marks',
    sql: `
CREATE TABLE projection_status (
  projection text PRIMARY KEY,
  generation integer NOT NULL DEFAULT 1,
  state text NOT NULL DEFAULT 'live',
  processed bigint NOT NULL DEFAULT 0,
  skipped_duplicates bigint NOT NULL DEFAULT 0,
  last_event_id uuid,
  last_global_position bigint,
  error text,
  failed_event jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The highest stream version applied per stream. Events of one stream arrive in order
-- (one Kafka key, one partition), so (stream, version) <= mark means "already applied".
-- It identifies processed events exactly while growing with streams, not with events.
CREATE TABLE projection_stream_marks (
  projection text NOT NULL,
  stream_id text NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (projection, stream_id)
);
`,
  },
];
