-- motcua event store: one schema for PGlite and PostgreSQL.
--
-- Global order without skipped events
-- -----------------------------------
-- A sequence hands out numbers at INSERT time, but transactions commit in any order: a reader
-- that remembers "I have seen everything up to position 41" can miss position 40 if the
-- transaction holding it commits a moment later (this bit Marten and Emmett). We order the log
-- by (transaction_id, global_position) instead and let readers see only rows whose transaction id
-- is below the oldest transaction still running (pg_snapshot_xmin of the current snapshot).
-- Transaction ids are assigned in increasing order, so every transaction that could still commit
-- has an id at or above that horizon: once a reader has passed a (transaction_id, position) pair,
-- nothing can ever appear before it. The checkpoint is that pair (see Position in the port).
--
-- Per-stream order: es_append takes a transaction-level advisory lock on the stream *before*
-- writing anything, i.e. before the transaction is given an id. Two appends to one stream are
-- therefore serialised and the later one always gets the larger transaction id, so the global
-- order never shows revision 1 of a stream before revision 0.

CREATE TABLE IF NOT EXISTS es_streams (
  stream_id   text PRIMARY KEY,
  revision    bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS es_events (
  global_position bigserial NOT NULL,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid NOT NULL,
  stream_id       text NOT NULL,
  revision        bigint NOT NULL,
  type            text NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  PRIMARY KEY (transaction_id, global_position),
  CONSTRAINT es_events_stream_revision UNIQUE (stream_id, revision),
  CONSTRAINT es_events_event_id UNIQUE (event_id)
);

CREATE INDEX IF NOT EXISTS es_events_type_idx ON es_events (type, transaction_id, global_position);

-- Appends p_events (a JSON array of {id, type, data, metadata}) to p_stream atomically.
-- p_expected: 'any' | 'no-stream' | 'stream-exists' | a revision number as text.
-- Returns ok = false and the actual revision (NULL: no stream) when the expectation fails.
CREATE OR REPLACE FUNCTION es_append(p_stream text, p_expected text, p_events jsonb)
RETURNS TABLE (ok boolean, revision text, transaction_id text, last_position text)
LANGUAGE plpgsql AS $$
DECLARE
  v_count   bigint := jsonb_array_length(p_events);
  v_current bigint;
  v_new     bigint;
  v_last    bigint;
BEGIN
  -- Serialise writers of this stream before this transaction is given an id (see above).
  PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));
  SELECT s.revision INTO v_current FROM es_streams s WHERE s.stream_id = p_stream;

  IF (p_expected = 'no-stream' AND v_current IS NOT NULL)
     OR (p_expected = 'stream-exists' AND v_current IS NULL)
     OR (p_expected NOT IN ('any', 'no-stream', 'stream-exists')
         AND (v_current IS NULL OR v_current <> p_expected::bigint)) THEN
    RETURN QUERY SELECT false, v_current::text, NULL::text, NULL::text;
    RETURN;
  END IF;

  IF v_count = 0 THEN
    RETURN QUERY SELECT true, v_current::text, NULL::text, NULL::text;
    RETURN;
  END IF;

  v_new := coalesce(v_current, -1) + v_count;
  IF v_current IS NULL THEN
    INSERT INTO es_streams (stream_id, revision) VALUES (p_stream, v_new);
  ELSE
    UPDATE es_streams SET revision = v_new WHERE stream_id = p_stream;
  END IF;

  INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata)
  SELECT (e.value->>'id')::uuid, p_stream, coalesce(v_current, -1) + e.ord, e.value->>'type',
         e.value->'data', e.value->'metadata'
  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ord)
  ORDER BY e.ord;

  v_last := currval(pg_get_serial_sequence('es_events', 'global_position'));
  RETURN QUERY SELECT true, v_new::text, pg_current_xact_id()::text, v_last::text;
END;
$$;
