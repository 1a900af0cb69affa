import type { Migration } from '@prm/database';

export const messagingMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'outbox relay checkpoints and in-process bus offsets',
    sql: `
CREATE TABLE outbox_relay_checkpoints (
  relay text PRIMARY KEY,
  position bigint NOT NULL,
  published bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE bus_offsets (
  group_id text PRIMARY KEY,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
];
