-- The official report's daily roll-up (issue #20): what each dossier contributes to the report and
-- to the QĐ 766 indicators, summed per (competent unit, receiving unit, local day, working-day
-- length), so that a province's year reads a few hundred thousand small rows instead of millions of
-- dossiers (libs/projections/src/read-models/report-rollup.ts reads it; the summary projection keeps
-- it in the same transaction as the rows, dossier-summary.projection.ts).
--
-- `day` is the local date in UTC+7 (Asia/Ho_Chi_Minh, no daylight saving) as days since 1970-01-01:
-- a period whose bounds are local midnights there is a range of days; any other period (a unit in
-- another zone) is counted from `dossier_summary` as before.
--
-- Two kinds of column:
--   events      counted on the day they happened: a period's count is the sum over its days
--               (new by channel, resolved by timing, withdrawn, ratings, returned, refused, ...)
--   *_delta     a state held over an interval (t1, t2] of the period's end (or start): +1 on t1's
--               day, -1 on t2's day; the number of dossiers in that state at a local midnight E is
--               the sum over the days before E (open: carried over at the start, pending at the end;
--               overdue by the clock in force; overdue after an apology; held by another agency;
--               awaiting collection of the result)
-- The definitions are those of the report query (dossier-report.ts, reportSql) and of the
-- indicators query (dossier-indicators.ts), written as instants: the property test of
-- dossier-summary.spec.ts proves the three equal to the brute-force oracle on random histories.

-- days since 1970-01-01 of t's local date in UTC+7 (epoch arithmetic: independent of the session's zone)
CREATE OR REPLACE FUNCTION report_day(t timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT floor((extract(epoch FROM t) + 25200) / 86400)::integer $$;

CREATE TABLE IF NOT EXISTS report_daily (
  competent_unit_code           text    NOT NULL,
  unit_code                     text    NOT NULL,
  day                           integer NOT NULL,
  -- the dossier's working-day length at resolution (minutes), -1 when unknown: the mean processing time is exact per length
  day_minutes                   integer NOT NULL,
  new_direct                    integer NOT NULL,
  new_online                    integer NOT NULL,
  new_postal                    integer NOT NULL,
  new_other                     integer NOT NULL,
  open_delta                    integer NOT NULL,
  early                         integer NOT NULL,
  on_time                       integer NOT NULL,
  late                          integer NOT NULL,
  withdrawn                     integer NOT NULL,
  late_apology                  integer NOT NULL,
  late_apology_in_time          integer NOT NULL,
  overdue_delta                 integer NOT NULL,
  overdue_apology_delta         integer NOT NULL,
  overdue_apology_in_time_delta integer NOT NULL,
  satisfied                     integer NOT NULL,
  neutral                       integer NOT NULL,
  dissatisfied                  integer NOT NULL,
  outside_delta                 integer NOT NULL,
  returned                      integer NOT NULL,
  awaiting_delta                integer NOT NULL,
  refused                       integer NOT NULL,
  supplement_late               integer NOT NULL,
  digitised                     integer NOT NULL,
  fee_due                       integer NOT NULL,
  fee_paid_online               integer NOT NULL,
  electronic                    integer NOT NULL,
  processing_measured           integer NOT NULL,
  processing_minutes            bigint  NOT NULL,
  PRIMARY KEY (competent_unit_code, unit_code, day, day_minutes)
);
-- the receiving unit's perspective (issue #16)
CREATE INDEX IF NOT EXISTS report_daily_receiving ON report_daily (unit_code, day);

-- the same sums per calendar month (`month`: the day number of its first day): a period of whole
-- months (a year, a quarter, a month) reads a row per unit and month; other periods add the days
-- of their first and last months from report_daily
CREATE TABLE IF NOT EXISTS report_monthly (LIKE report_daily);
ALTER TABLE report_monthly RENAME COLUMN day TO month;
ALTER TABLE report_monthly ADD PRIMARY KEY (competent_unit_code, unit_code, month, day_minutes);
CREATE INDEX IF NOT EXISTS report_monthly_receiving ON report_monthly (unit_code, month);

-- the day number of the first day of the month of day number d
CREATE OR REPLACE FUNCTION report_month(d integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT make_date(extract(year FROM DATE '1970-01-01' + d)::integer, extract(month FROM DATE '1970-01-01' + d)::integer, 1) - DATE '1970-01-01'
$$;

-- What one dossier_summary row contributes: (day, k, n) entries, k the column in the order above
-- (0 new_direct … 27 processing_minutes), pivoted into one row per entry. Each clause mirrors a
-- condition of reportSql / indicatorsSql. Relies on the decider's rules: a dossier is closed once
-- (resolved or withdrawn, never both), and an apology is issued while the dossier is open (so
-- before its resolution).
CREATE OR REPLACE FUNCTION report_contributions(
  p_received_at timestamptz, p_refused_at timestamptz, p_channel text, p_resolved_at timestamptz, p_timing text,
  p_withdrawn_at timestamptz, p_original_due_at timestamptz,
  p_clock_at timestamptz[], p_clock_due_at timestamptz[], p_clock_stopped boolean[],
  p_apology_issued_at timestamptz, p_apology_cutoff_at timestamptz, p_rated_at timestamptz, p_rating text,
  p_transfer_out_at timestamptz[], p_transfer_back_at timestamptz[], p_returned_at timestamptz, p_supplement_late_at jsonb,
  p_digitised boolean, p_fee_due boolean, p_fee_paid_online boolean, p_electronic_result boolean,
  p_processing_working_minutes integer, p_working_day_minutes integer)
RETURNS TABLE (
  day integer, new_direct integer, new_online integer, new_postal integer, new_other integer, open_delta integer,
  early integer, on_time integer, late integer, withdrawn integer, late_apology integer, late_apology_in_time integer,
  overdue_delta integer, overdue_apology_delta integer, overdue_apology_in_time_delta integer,
  satisfied integer, neutral integer, dissatisfied integer, outside_delta integer, returned integer, awaiting_delta integer,
  refused integer, supplement_late integer, digitised integer, fee_due integer, fee_paid_online integer, electronic integer,
  processing_measured integer, processing_minutes bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
WITH f AS (
  SELECT p_refused_at IS NULL AND p_received_at IS NOT NULL AS kept,
         LEAST(p_resolved_at, p_withdrawn_at) AS closed,
         p_timing IS DISTINCT FROM 'early' AND p_timing IS DISTINCT FROM 'on-time' AS is_late,
         p_apology_issued_at <= p_apology_cutoff_at AS apology_in_time
),
-- the legal clock's entries: entry i is in force at the period's end E for E in (at_i, at_(i+1)];
-- overdue there when it runs and its due time is before E, and the dossier is open (E in (received, closed])
clock AS (
  SELECT c.at, c.due, c.stopped, lead(c.at) OVER (ORDER BY c.ord) AS next
  FROM unnest(p_clock_at, p_clock_due_at, p_clock_stopped) WITH ORDINALITY AS c(at, due, stopped, ord)
  WHERE p_clock_at IS NOT NULL
  UNION ALL
  SELECT p_received_at, p_original_due_at, false, NULL::timestamptz WHERE p_clock_at IS NULL
),
overdue AS (
  SELECT GREATEST(c.at, c.due, p_received_at) AS x, LEAST(c.next, f.closed) AS y
  FROM clock c, f
  WHERE f.kept AND NOT c.stopped AND c.due IS NOT NULL
),
-- held by another agency: E in (out, back] of some transfer, and open at E; a dossier may be sent to
-- a second agency before the first answers, so overlapping transfers are merged into one interval
transfers AS (
  SELECT GREATEST(t.o, p_received_at) AS x, COALESCE(LEAST(t.b, f.closed), 'infinity') AS y
  FROM unnest(p_transfer_out_at, p_transfer_back_at) AS t(o, b), f
  WHERE f.kept AND t.o IS NOT NULL
),
islands AS (
  SELECT x, y, sum(starts) OVER (ORDER BY x, y) AS island
  FROM (SELECT x, y, CASE WHEN x <= max(y) OVER (ORDER BY x, y ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS starts
        FROM transfers WHERE x < y) t
),
outside AS (
  SELECT min(x) AS x, NULLIF(max(y), 'infinity') AS y FROM islands GROUP BY island
),
e(day, k, n) AS (
  -- received (not refused): new by channel; open from the reception until closed; reception facts
  SELECT report_day(p_received_at), CASE p_channel WHEN 'direct' THEN 0 WHEN 'online' THEN 1 WHEN 'postal' THEN 2 ELSE 3 END, 1::bigint FROM f WHERE f.kept
  UNION ALL SELECT report_day(p_received_at), 4, 1 FROM f WHERE f.kept
  UNION ALL SELECT report_day(f.closed), 4, -1 FROM f WHERE f.kept AND f.closed IS NOT NULL
  UNION ALL SELECT report_day(p_received_at), 22, 1 FROM f WHERE f.kept AND p_digitised
  UNION ALL SELECT report_day(p_received_at), 23, 1 FROM f WHERE f.kept AND p_fee_due
  UNION ALL SELECT report_day(p_received_at), 24, 1 FROM f WHERE f.kept AND p_fee_due AND p_fee_paid_online
  -- resolved: by timing (anything but early or on time is late), the apology of a late one, indicators
  UNION ALL SELECT report_day(p_resolved_at), CASE p_timing WHEN 'early' THEN 5 WHEN 'on-time' THEN 6 ELSE 7 END, 1 FROM f WHERE f.kept AND p_resolved_at IS NOT NULL
  UNION ALL SELECT report_day(p_resolved_at), 9, 1 FROM f WHERE f.kept AND p_resolved_at IS NOT NULL AND f.is_late AND p_apology_issued_at IS NOT NULL
  UNION ALL SELECT report_day(p_resolved_at), 10, 1 FROM f WHERE f.kept AND p_resolved_at IS NOT NULL AND f.is_late AND f.apology_in_time
  UNION ALL SELECT report_day(p_resolved_at), 25, 1 FROM f WHERE f.kept AND p_resolved_at IS NOT NULL AND p_electronic_result
  UNION ALL SELECT report_day(p_resolved_at), 26, 1 FROM f WHERE f.kept AND p_resolved_at IS NOT NULL AND p_processing_working_minutes IS NOT NULL AND p_working_day_minutes IS NOT NULL
  UNION ALL SELECT report_day(p_resolved_at), 27, p_processing_working_minutes FROM f WHERE f.kept AND p_resolved_at IS NOT NULL AND p_processing_working_minutes IS NOT NULL AND p_working_day_minutes IS NOT NULL
  UNION ALL SELECT report_day(p_withdrawn_at), 8, 1 FROM f WHERE f.kept AND p_withdrawn_at IS NOT NULL AND p_resolved_at IS NULL
  -- overdue at E (pending by the clock in force), and overdue with the apology issued before E (in time or not)
  UNION ALL SELECT report_day(o.x), 11, 1 FROM overdue o WHERE o.y IS NULL OR o.x < o.y
  UNION ALL SELECT report_day(o.y), 11, -1 FROM overdue o WHERE o.x < o.y
  UNION ALL SELECT report_day(GREATEST(o.x, p_apology_issued_at)), k.k, 1 FROM overdue o, f, (VALUES (12), (13)) k(k)
    WHERE p_apology_issued_at IS NOT NULL AND (k.k = 12 OR f.apology_in_time) AND (o.y IS NULL OR GREATEST(o.x, p_apology_issued_at) < o.y)
  UNION ALL SELECT report_day(o.y), k.k, -1 FROM overdue o, f, (VALUES (12), (13)) k(k)
    WHERE p_apology_issued_at IS NOT NULL AND (k.k = 12 OR f.apology_in_time) AND GREATEST(o.x, p_apology_issued_at) < o.y
  -- rated (whatever the dossier's state: the report counts ratings given in the period)
  UNION ALL SELECT report_day(p_rated_at), CASE p_rating WHEN 'satisfied' THEN 14 WHEN 'neutral' THEN 15 ELSE 16 END, 1
    FROM f WHERE f.kept AND p_rated_at IS NOT NULL AND p_rating IN ('satisfied', 'neutral', 'dissatisfied')
  UNION ALL SELECT report_day(t.x), 17, 1 FROM outside t WHERE t.y IS NULL OR t.x < t.y
  UNION ALL SELECT report_day(t.y), 17, -1 FROM outside t WHERE t.x < t.y
  -- the result: returned on a day; awaiting collection at E for E in (resolved, returned]
  UNION ALL SELECT report_day(p_returned_at), 18, 1 FROM f WHERE f.kept AND p_returned_at IS NOT NULL
  UNION ALL SELECT report_day(p_resolved_at), 19, 1 FROM f WHERE f.kept AND p_resolved_at IS NOT NULL AND (p_returned_at IS NULL OR p_returned_at > p_resolved_at)
  UNION ALL SELECT report_day(p_returned_at), 19, -1 FROM f WHERE f.kept AND p_resolved_at IS NOT NULL AND p_returned_at > p_resolved_at
  -- refused at the counter (a refused row holds the refusal time as its reception)
  UNION ALL SELECT report_day(p_refused_at), 20, 1 WHERE p_refused_at IS NOT NULL AND p_received_at IS NOT NULL
  UNION ALL SELECT report_day(l.at::timestamptz), 21, 1 FROM f, jsonb_array_elements_text(p_supplement_late_at) AS l(at) WHERE f.kept AND jsonb_typeof(p_supplement_late_at) = 'array'
)
SELECT e.day,
  (e.k = 0)::int * e.n::int, (e.k = 1)::int * e.n::int, (e.k = 2)::int * e.n::int, (e.k = 3)::int * e.n::int, (e.k = 4)::int * e.n::int,
  (e.k = 5)::int * e.n::int, (e.k = 6)::int * e.n::int, (e.k = 7)::int * e.n::int, (e.k = 8)::int * e.n::int, (e.k = 9)::int * e.n::int,
  (e.k = 10)::int * e.n::int, (e.k = 11)::int * e.n::int, (e.k = 12)::int * e.n::int, (e.k = 13)::int * e.n::int, (e.k = 14)::int * e.n::int,
  (e.k = 15)::int * e.n::int, (e.k = 16)::int * e.n::int, (e.k = 17)::int * e.n::int, (e.k = 18)::int * e.n::int, (e.k = 19)::int * e.n::int,
  (e.k = 20)::int * e.n::int, (e.k = 21)::int * e.n::int, (e.k = 22)::int * e.n::int, (e.k = 23)::int * e.n::int, (e.k = 24)::int * e.n::int,
  (e.k = 25)::int * e.n::int, (e.k = 26)::int * e.n::int, CASE WHEN e.k = 27 THEN e.n ELSE 0 END
FROM e
$$;

-- the rows projected before this migration
INSERT INTO report_daily
SELECT s.competent_unit_code, s.unit_code, c.day, COALESCE(s.working_day_minutes, -1),
  sum(c.new_direct), sum(c.new_online), sum(c.new_postal), sum(c.new_other), sum(c.open_delta), sum(c.early), sum(c.on_time), sum(c.late),
  sum(c.withdrawn), sum(c.late_apology), sum(c.late_apology_in_time), sum(c.overdue_delta), sum(c.overdue_apology_delta),
  sum(c.overdue_apology_in_time_delta), sum(c.satisfied), sum(c.neutral), sum(c.dissatisfied), sum(c.outside_delta), sum(c.returned),
  sum(c.awaiting_delta), sum(c.refused), sum(c.supplement_late), sum(c.digitised), sum(c.fee_due), sum(c.fee_paid_online), sum(c.electronic),
  sum(c.processing_measured), sum(c.processing_minutes)
FROM dossier_summary s,
  LATERAL report_contributions(s.received_at, s.refused_at, s.channel, s.resolved_at, s.timing, s.withdrawn_at, s.original_due_at,
    s.clock_history_at, s.clock_history_due_at, s.clock_history_stopped, s.apology_issued_at, s.apology_cutoff_at, s.rated_at, s.rating,
    s.transfer_out_at, s.transfer_back_at, s.returned_at, s.supplement_late_at, s.digitised, s.fee_due, s.fee_paid_online, s.electronic_result,
    s.processing_working_minutes, s.working_day_minutes) c
GROUP BY 1, 2, 3, 4;
DELETE FROM report_daily WHERE ROW(new_direct, new_online, new_postal, new_other, open_delta, early, on_time, late, withdrawn, late_apology,
  late_apology_in_time, overdue_delta, overdue_apology_delta, overdue_apology_in_time_delta, satisfied, neutral, dissatisfied, outside_delta,
  returned, awaiting_delta, refused, supplement_late, digitised, fee_due, fee_paid_online, electronic, processing_measured, processing_minutes)
  = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0::bigint);
INSERT INTO report_monthly
SELECT competent_unit_code, unit_code, report_month(day), day_minutes,
  sum(new_direct), sum(new_online), sum(new_postal), sum(new_other), sum(open_delta), sum(early), sum(on_time), sum(late),
  sum(withdrawn), sum(late_apology), sum(late_apology_in_time), sum(overdue_delta), sum(overdue_apology_delta),
  sum(overdue_apology_in_time_delta), sum(satisfied), sum(neutral), sum(dissatisfied), sum(outside_delta), sum(returned),
  sum(awaiting_delta), sum(refused), sum(supplement_late), sum(digitised), sum(fee_due), sum(fee_paid_online), sum(electronic),
  sum(processing_measured), sum(processing_minutes)
FROM report_daily
GROUP BY 1, 2, 3, 4;
DELETE FROM report_monthly WHERE ROW(new_direct, new_online, new_postal, new_other, open_delta, early, on_time, late, withdrawn, late_apology,
  late_apology_in_time, overdue_delta, overdue_apology_delta, overdue_apology_in_time_delta, satisfied, neutral, dissatisfied, outside_delta,
  returned, awaiting_delta, refused, supplement_late, digitised, fee_due, fee_paid_online, electronic, processing_measured, processing_minutes)
  = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0::bigint);
