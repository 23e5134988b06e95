-- Multi-stream append (bulk imports): several streams in one transaction, all or nothing.
--
-- p_parts: a JSON array of {stream, expected, events: [{id, type, data, metadata}]}, applied in
-- order; a stream may appear more than once, each part's expectation (as in es_append) counting
-- the parts before it. Every stream's advisory lock is taken first, before anything is written
-- (so before this transaction has an id: see 0001), in one global order (the sorted keys) so that
-- two multi-stream appends cannot deadlock; a single-stream es_append holds one lock only.
-- Set-based: a handful of statements whatever the number of parts.
-- Returns ok = false with the first failing stream and its revision at that point; on success,
-- revision is the last part's stream's revision afterwards.
CREATE OR REPLACE FUNCTION es_append_many(p_parts jsonb)
RETURNS TABLE (ok boolean, failed_stream text, revision text, transaction_id text, last_position text)
LANGUAGE plpgsql AS $$
DECLARE
  v_stream   text;
  v_current  bigint;
  v_last     bigint;
  v_streams  text[];
  v_expected text[];
  v_n        bigint[];
  v_cur      bigint[];
BEGIN
  PERFORM pg_advisory_xact_lock(l.k)
  FROM (SELECT DISTINCT hashtextextended(p.value->>'stream', 0) AS k FROM jsonb_array_elements(p_parts) p ORDER BY 1) l;

  -- Per part, in order: stream, expectation, event count, and the stream's revision when the
  -- part is applied (cur; NULL: no stream yet).
  SELECT array_agg(c.stream ORDER BY c.pord), array_agg(c.expected ORDER BY c.pord), array_agg(c.n ORDER BY c.pord),
         array_agg(CASE WHEN st.revision IS NULL AND c.before = 0 THEN NULL ELSE coalesce(st.revision, -1) + c.before END ORDER BY c.pord)
  INTO v_streams, v_expected, v_n, v_cur
  FROM (
    SELECT p.pord, p.stream, p.expected, p.n,
           coalesce(sum(p.n) OVER (PARTITION BY p.stream ORDER BY p.pord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM (
      SELECT x.ordinality AS pord, x.value->>'stream' AS stream, coalesce(x.value->>'expected', 'any') AS expected,
             jsonb_array_length(x.value->'events')::bigint AS n
      FROM jsonb_array_elements(p_parts) WITH ORDINALITY x
    ) p
  ) c
  LEFT JOIN es_streams st ON st.stream_id = c.stream;

  SELECT a.stream, a.cur INTO v_stream, v_current
  FROM unnest(v_streams, v_expected, v_cur) WITH ORDINALITY AS a(stream, expected, cur, pord)
  WHERE (a.expected = 'no-stream' AND a.cur IS NOT NULL)
     OR (a.expected = 'stream-exists' AND a.cur IS NULL)
     OR (a.expected NOT IN ('any', 'no-stream', 'stream-exists') AND (a.cur IS NULL OR a.cur <> a.expected::bigint))
  ORDER BY a.pord LIMIT 1;
  IF FOUND THEN
    RETURN QUERY SELECT false, v_stream, v_current::text, NULL::text, NULL::text;
    RETURN;
  END IF;

  v_stream := v_streams[array_length(v_streams, 1)];
  IF coalesce((SELECT sum(x) FROM unnest(v_n) x), 0) = 0 THEN
    RETURN QUERY SELECT true, NULL::text, (SELECT s.revision::text FROM es_streams s WHERE s.stream_id = v_stream), NULL::text, NULL::text;
    RETURN;
  END IF;

  INSERT INTO es_streams (stream_id, revision)
  SELECT a.stream, max(coalesce(a.cur, -1) + a.n) FROM unnest(v_streams, v_cur, v_n) AS a(stream, cur, n)
  WHERE a.n > 0 GROUP BY a.stream
  ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision;

  INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata)
  SELECT (e.value->>'id')::uuid, v_streams[p.ordinality], coalesce(v_cur[p.ordinality], -1) + e.ordinality,
         e.value->>'type', e.value->'data', e.value->'metadata'
  FROM jsonb_array_elements(p_parts) WITH ORDINALITY p
  CROSS JOIN LATERAL jsonb_array_elements(p.value->'events') WITH ORDINALITY e
  ORDER BY p.ordinality, e.ordinality;

  v_last := currval(pg_get_serial_sequence('es_events', 'global_position'));
  RETURN QUERY SELECT true, NULL::text, (SELECT s.revision::text FROM es_streams s WHERE s.stream_id = v_stream),
                      pg_current_xact_id()::text, v_last::text;
END;
$$;
