import type { Migration } from '@prm/database';

/**
 * Event store schema. Released migrations are never edited; add a new version.
 *
 * Ordering: every append runs inside `es_append_batch`, which first locks the single row of
 * `es_head` and takes its global positions from it. The row lock is held until commit and
 * PostgreSQL makes a transaction visible before it releases its locks, so positions are
 * assigned in commit order and are gap-free: a reader of `global_position > n` can never
 * later see a commit with a lower position (the bigserial gap problem). The cost is one
 * short critical section per batch; writers batch (group commit) to amortise it.
 */
export const eventStoreMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create events, streams, head and es_append_batch',
    sql: `
CREATE TABLE es_head (
  id smallint PRIMARY KEY CHECK (id = 1),
  position bigint NOT NULL
);
INSERT INTO es_head (id, position) VALUES (1, 0);

CREATE TABLE es_streams (
  stream_id text PRIMARY KEY,
  version bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE es_events (
  global_position bigint PRIMARY KEY,
  stream_id text NOT NULL,
  stream_version bigint NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT es_events_stream_version_key UNIQUE (stream_id, stream_version),
  CONSTRAINT es_events_event_id_key UNIQUE (event_id)
);

-- batch: [{"s": stream, "x": "any"|"no-stream"|"stream-exists"|"<n>",
--          "e": [{"i": uuid, "t": type, "v": schemaVersion, "d": data, "m": metadata}]}]
-- Returns one row per append: ok, the stream version after (or the actual version on conflict),
-- and the global positions written.
CREATE FUNCTION es_append_batch(batch jsonb)
RETURNS TABLE (idx integer, ok boolean, stream_version bigint, first_position bigint, last_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  head bigint;
  a record;
  cur bigint;
  n integer;
  x text;
  sid text;
BEGIN
  SELECT h.position INTO head FROM es_head h WHERE h.id = 1 FOR UPDATE;
  FOR a IN SELECT (ord - 1)::integer AS i, value AS v FROM jsonb_array_elements(batch) WITH ORDINALITY AS t(value, ord) LOOP
    sid := a.v->>'s';
    x := a.v->>'x';
    SELECT s.version INTO cur FROM es_streams s WHERE s.stream_id = sid;
    IF NOT FOUND THEN cur := NULL; END IF;
    IF (x = 'no-stream' AND cur IS NOT NULL)
       OR (x = 'stream-exists' AND cur IS NULL)
       OR (x NOT IN ('any', 'no-stream', 'stream-exists') AND cur IS DISTINCT FROM x::bigint) THEN
      idx := a.i; ok := false; stream_version := cur; first_position := NULL; last_position := NULL;
      RETURN NEXT;
      CONTINUE;
    END IF;
    n := jsonb_array_length(a.v->'e');
    INSERT INTO es_events (global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata)
    SELECT head + e.ord, sid, coalesce(cur, -1) + e.ord, (e.value->>'i')::uuid, e.value->>'t',
           (e.value->>'v')::integer, e.value->'d', e.value->'m'
    FROM jsonb_array_elements(a.v->'e') WITH ORDINALITY AS e(value, ord);
    IF cur IS NULL THEN
      INSERT INTO es_streams (stream_id, version) VALUES (sid, n - 1);
    ELSE
      UPDATE es_streams SET version = cur + n, updated_at = now() WHERE es_streams.stream_id = sid;
    END IF;
    idx := a.i; ok := true; stream_version := coalesce(cur, -1) + n;
    first_position := head + 1; last_position := head + n;
    head := head + n;
    RETURN NEXT;
  END LOOP;
  UPDATE es_head SET position = head WHERE id = 1;
  PERFORM pg_notify('es_appended', head::text);
END
$fn$;
`,
  },
];
