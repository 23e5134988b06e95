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
  -- a row that holds nothing (its contributions cancelled out): deleted after each change
  zero boolean GENERATED ALWAYS AS (
    new_direct = 0 AND new_online = 0 AND new_postal = 0 AND new_other = 0 AND open_delta = 0 AND early = 0 AND on_time = 0 AND
    late = 0 AND withdrawn = 0 AND late_apology = 0 AND late_apology_in_time = 0 AND overdue_delta = 0 AND
    overdue_apology_delta = 0 AND overdue_apology_in_time_delta = 0 AND satisfied = 0 AND neutral = 0 AND
    dissatisfied = 0 AND outside_delta = 0 AND returned = 0 AND awaiting_delta = 0 AND refused = 0 AND supplement_late = 0 AND
    digitised = 0 AND fee_due = 0 AND fee_paid_online = 0 AND electronic = 0 AND processing_measured = 0 AND processing_minutes = 0
  ) STORED,
  PRIMARY KEY (competent_unit_code, unit_code, day, day_minutes)
);
CREATE INDEX IF NOT EXISTS report_daily_zero ON report_daily (day) WHERE zero;
-- the receiving unit's perspective (issue #16)
CREATE INDEX IF NOT EXISTS report_daily_receiving ON report_daily (unit_code, day);

-- the same sums per calendar month (`month`: the day number of its first day): a period of whole
-- months (a year, a quarter, a month) reads a row per unit and month; other periods add the days
-- of their first and last months from report_daily
CREATE TABLE IF NOT EXISTS report_monthly (LIKE report_daily INCLUDING GENERATED);
ALTER TABLE report_monthly RENAME COLUMN day TO month;
ALTER TABLE report_monthly ADD PRIMARY KEY (competent_unit_code, unit_code, month, day_minutes);
CREATE INDEX IF NOT EXISTS report_monthly_receiving ON report_monthly (unit_code, month);
CREATE INDEX IF NOT EXISTS report_monthly_zero ON report_monthly (month) WHERE zero;

-- the day number of the first day of the month of day number d
CREATE OR REPLACE FUNCTION report_month(d integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT make_date(extract(year FROM DATE '1970-01-01' + d)::integer, extract(month FROM DATE '1970-01-01' + d)::integer, 1) - DATE '1970-01-01'
$$;

-- What one dossier_summary row contributes, as rows of count columns on a day (the callers sum
-- them). Each step mirrors a condition of reportSql / indicatorsSql, written as instants. Relies on
-- the decider's rules: a dossier is closed once (resolved or withdrawn, never both), an apology is
-- issued while the dossier is open (so before its resolution), transfers are in the order they
-- were sent. PL/pgSQL, not SQL: an inlined SQL body of this size took ~50 ms to plan on every
-- statement; this is compiled once a session and runs in microseconds a row.
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
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  closed timestamptz := LEAST(p_resolved_at, p_withdrawn_at);
  in_time integer := CASE WHEN p_apology_issued_at <= p_apology_cutoff_at THEN 1 ELSE 0 END;
  x timestamptz;
  y timestamptz;
  a timestamptz;
  cur_x timestamptz;
  cur_y timestamptz;
  l text;
BEGIN
  new_direct := 0; new_online := 0; new_postal := 0; new_other := 0; open_delta := 0; early := 0; on_time := 0; late := 0;
  withdrawn := 0; late_apology := 0; late_apology_in_time := 0; overdue_delta := 0; overdue_apology_delta := 0;
  overdue_apology_in_time_delta := 0; satisfied := 0; neutral := 0; dissatisfied := 0; outside_delta := 0; returned := 0;
  awaiting_delta := 0; refused := 0; supplement_late := 0; digitised := 0; fee_due := 0; fee_paid_online := 0; electronic := 0;
  processing_measured := 0; processing_minutes := 0;

  -- refused at the counter (a refused row holds the refusal time as its reception): that alone
  IF p_refused_at IS NOT NULL THEN
    IF p_received_at IS NOT NULL THEN day := report_day(p_refused_at); refused := 1; RETURN NEXT; END IF;
    RETURN;
  END IF;
  IF p_received_at IS NULL THEN RETURN; END IF;

  -- received: new by channel, open from the reception (until closed, below), reception facts
  day := report_day(p_received_at);
  CASE p_channel WHEN 'direct' THEN new_direct := 1; WHEN 'online' THEN new_online := 1; WHEN 'postal' THEN new_postal := 1; ELSE new_other := 1; END CASE;
  open_delta := 1;
  IF p_digitised THEN digitised := 1; END IF;
  IF p_fee_due THEN fee_due := 1; IF p_fee_paid_online THEN fee_paid_online := 1; END IF; END IF;
  RETURN NEXT;
  new_direct := 0; new_online := 0; new_postal := 0; new_other := 0; open_delta := 0; digitised := 0; fee_due := 0; fee_paid_online := 0;

  -- closed: no longer open
  IF closed IS NOT NULL THEN day := report_day(closed); open_delta := -1; RETURN NEXT; open_delta := 0; END IF;

  -- resolved: by timing (anything but early or on time is late), the apology of a late one, indicators
  IF p_resolved_at IS NOT NULL THEN
    day := report_day(p_resolved_at);
    IF p_timing = 'early' THEN early := 1; ELSIF p_timing = 'on-time' THEN on_time := 1;
    ELSE
      late := 1;
      IF p_apology_issued_at IS NOT NULL THEN late_apology := 1; late_apology_in_time := in_time; END IF;
    END IF;
    IF p_electronic_result THEN electronic := 1; END IF;
    IF p_processing_working_minutes IS NOT NULL AND p_working_day_minutes IS NOT NULL THEN
      processing_measured := 1; processing_minutes := p_processing_working_minutes;
    END IF;
    RETURN NEXT;
    early := 0; on_time := 0; late := 0; late_apology := 0; late_apology_in_time := 0; electronic := 0; processing_measured := 0; processing_minutes := 0;
  ELSIF p_withdrawn_at IS NOT NULL THEN
    day := report_day(p_withdrawn_at); withdrawn := 1; RETURN NEXT; withdrawn := 0;
  END IF;

  -- overdue at E: the clock entry in force at E (entry i for E in (at_i, at_(i+1)]) runs and is due
  -- before E, and the dossier is open (E in (received, closed]); with the apology issued before E too
  FOR i IN 1 .. COALESCE(array_length(p_clock_at, 1), 1) LOOP
    IF p_clock_at IS NULL THEN
      x := GREATEST(p_received_at, p_original_due_at); y := closed;
      CONTINUE WHEN p_original_due_at IS NULL;
    ELSE
      CONTINUE WHEN p_clock_stopped[i] IS NOT FALSE OR p_clock_due_at[i] IS NULL;
      x := GREATEST(p_clock_at[i], p_clock_due_at[i], p_received_at); y := LEAST(p_clock_at[i + 1], closed);
    END IF;
    CONTINUE WHEN y IS NOT NULL AND x >= y;
    day := report_day(x); overdue_delta := 1; RETURN NEXT; overdue_delta := 0;
    IF y IS NOT NULL THEN day := report_day(y); overdue_delta := -1; RETURN NEXT; overdue_delta := 0; END IF;
    a := GREATEST(x, p_apology_issued_at);
    IF p_apology_issued_at IS NOT NULL AND (y IS NULL OR a < y) THEN
      day := report_day(a); overdue_apology_delta := 1; overdue_apology_in_time_delta := in_time; RETURN NEXT;
      IF y IS NOT NULL THEN day := report_day(y); overdue_apology_delta := -1; overdue_apology_in_time_delta := -in_time; RETURN NEXT; END IF;
      overdue_apology_delta := 0; overdue_apology_in_time_delta := 0;
    END IF;
  END LOOP;

  -- held by another agency at E: E in (out, back] of some transfer and open at E; a dossier may be
  -- sent to a second agency before the first answers: overlapping intervals are merged
  FOR i IN 1 .. COALESCE(array_length(p_transfer_out_at, 1), 0) + 1 LOOP
    x := NULL;
    IF i <= COALESCE(array_length(p_transfer_out_at, 1), 0) THEN
      CONTINUE WHEN p_transfer_out_at[i] IS NULL;
      x := GREATEST(p_transfer_out_at[i], p_received_at); y := COALESCE(LEAST(p_transfer_back_at[i], closed), 'infinity');
      CONTINUE WHEN x >= y;
      IF cur_x IS NOT NULL AND x <= cur_y THEN cur_y := GREATEST(cur_y, y); CONTINUE; END IF;
    END IF;
    IF cur_x IS NOT NULL THEN
      day := report_day(cur_x); outside_delta := 1; RETURN NEXT;
      IF cur_y < 'infinity' THEN day := report_day(cur_y); outside_delta := -1; RETURN NEXT; END IF;
      outside_delta := 0;
    END IF;
    cur_x := x; cur_y := y;
  END LOOP;

  -- rated (whatever the dossier's state: the report counts the ratings given in the period)
  IF p_rated_at IS NOT NULL AND p_rating IN ('satisfied', 'neutral', 'dissatisfied') THEN
    day := report_day(p_rated_at);
    CASE p_rating WHEN 'satisfied' THEN satisfied := 1; WHEN 'neutral' THEN neutral := 1; ELSE dissatisfied := 1; END CASE;
    RETURN NEXT;
    satisfied := 0; neutral := 0; dissatisfied := 0;
  END IF;

  -- the result: returned on a day; awaiting collection at E for E in (resolved, returned]
  IF p_returned_at IS NOT NULL THEN day := report_day(p_returned_at); returned := 1; RETURN NEXT; returned := 0; END IF;
  IF p_resolved_at IS NOT NULL AND (p_returned_at IS NULL OR p_returned_at > p_resolved_at) THEN
    day := report_day(p_resolved_at); awaiting_delta := 1; RETURN NEXT;
    IF p_returned_at IS NOT NULL THEN day := report_day(p_returned_at); awaiting_delta := -1; RETURN NEXT; END IF;
    awaiting_delta := 0;
  END IF;

  -- supplement requests made late
  IF jsonb_typeof(p_supplement_late_at) = 'array' THEN
    supplement_late := 1;
    FOR l IN SELECT jsonb_array_elements_text(p_supplement_late_at) LOOP
      day := report_day(l::timestamptz); RETURN NEXT;
    END LOOP;
  END IF;
END
$$;

-- Adds (`p_sign` 1) or takes away (-1) the contributions of the dossier_summary rows `p_ids` as they
-- are now, into both tables, then deletes the rows left all zero (so that the tables are the same
-- however they were reached: a rebuild adds each dossier once; verify compares). The summary
-- projection calls it twice a batch (libs/projections/src/read-models/report-rollup.ts): before it
-- writes the rows (-1) and after (+1), in the same transaction. PL/pgSQL so that the statements are
-- planned once a session, not on every call (PGlite plans every unnamed statement).
CREATE OR REPLACE FUNCTION report_rollup_apply(p_ids text[], p_sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  WITH c AS (
    SELECT s.competent_unit_code, s.unit_code, k.day, COALESCE(s.working_day_minutes, -1) AS day_minutes,
      p_sign * sum(k.new_direct) AS new_direct, p_sign * sum(k.new_online) AS new_online, p_sign * sum(k.new_postal) AS new_postal, p_sign * sum(k.new_other) AS new_other,
      p_sign * sum(k.open_delta) AS open_delta, p_sign * sum(k.early) AS early, p_sign * sum(k.on_time) AS on_time, p_sign * sum(k.late) AS late,
      p_sign * sum(k.withdrawn) AS withdrawn, p_sign * sum(k.late_apology) AS late_apology, p_sign * sum(k.late_apology_in_time) AS late_apology_in_time,
      p_sign * sum(k.overdue_delta) AS overdue_delta, p_sign * sum(k.overdue_apology_delta) AS overdue_apology_delta,
      p_sign * sum(k.overdue_apology_in_time_delta) AS overdue_apology_in_time_delta, p_sign * sum(k.satisfied) AS satisfied, p_sign * sum(k.neutral) AS neutral,
      p_sign * sum(k.dissatisfied) AS dissatisfied, p_sign * sum(k.outside_delta) AS outside_delta, p_sign * sum(k.returned) AS returned,
      p_sign * sum(k.awaiting_delta) AS awaiting_delta, p_sign * sum(k.refused) AS refused, p_sign * sum(k.supplement_late) AS supplement_late,
      p_sign * sum(k.digitised) AS digitised, p_sign * sum(k.fee_due) AS fee_due, p_sign * sum(k.fee_paid_online) AS fee_paid_online,
      p_sign * sum(k.electronic) AS electronic, p_sign * sum(k.processing_measured) AS processing_measured, p_sign * sum(k.processing_minutes) AS processing_minutes
    FROM dossier_summary s,
      LATERAL report_contributions(s.received_at, s.refused_at, s.channel, s.resolved_at, s.timing, s.withdrawn_at, s.original_due_at,
        s.clock_history_at, s.clock_history_due_at, s.clock_history_stopped, s.apology_issued_at, s.apology_cutoff_at, s.rated_at, s.rating,
        s.transfer_out_at, s.transfer_back_at, s.returned_at, s.supplement_late_at, s.digitised, s.fee_due, s.fee_paid_online, s.electronic_result,
        s.processing_working_minutes, s.working_day_minutes) k
    WHERE s.id = ANY(p_ids)
    GROUP BY 1, 2, 3, 4
  ), daily AS (
    INSERT INTO report_daily AS d (competent_unit_code, unit_code, day, day_minutes,
    new_direct, new_online, new_postal, new_other, open_delta, early, on_time, late, withdrawn, late_apology,
    late_apology_in_time, overdue_delta, overdue_apology_delta, overdue_apology_in_time_delta, satisfied,
    neutral, dissatisfied, outside_delta, returned, awaiting_delta, refused, supplement_late, digitised,
    fee_due, fee_paid_online, electronic, processing_measured, processing_minutes)
    SELECT * FROM c
    ON CONFLICT (competent_unit_code, unit_code, day, day_minutes) DO UPDATE SET
    new_direct = d.new_direct + EXCLUDED.new_direct, new_online = d.new_online + EXCLUDED.new_online,
    new_postal = d.new_postal + EXCLUDED.new_postal, new_other = d.new_other + EXCLUDED.new_other,
    open_delta = d.open_delta + EXCLUDED.open_delta, early = d.early + EXCLUDED.early,
    on_time = d.on_time + EXCLUDED.on_time, late = d.late + EXCLUDED.late,
    withdrawn = d.withdrawn + EXCLUDED.withdrawn, late_apology = d.late_apology + EXCLUDED.late_apology,
    late_apology_in_time = d.late_apology_in_time + EXCLUDED.late_apology_in_time,
    overdue_delta = d.overdue_delta + EXCLUDED.overdue_delta,
    overdue_apology_delta = d.overdue_apology_delta + EXCLUDED.overdue_apology_delta,
    overdue_apology_in_time_delta = d.overdue_apology_in_time_delta + EXCLUDED.overdue_apology_in_time_delta,
    satisfied = d.satisfied + EXCLUDED.satisfied, neutral = d.neutral + EXCLUDED.neutral,
    dissatisfied = d.dissatisfied + EXCLUDED.dissatisfied,
    outside_delta = d.outside_delta + EXCLUDED.outside_delta, returned = d.returned + EXCLUDED.returned,
    awaiting_delta = d.awaiting_delta + EXCLUDED.awaiting_delta, refused = d.refused + EXCLUDED.refused,
    supplement_late = d.supplement_late + EXCLUDED.supplement_late,
    digitised = d.digitised + EXCLUDED.digitised, fee_due = d.fee_due + EXCLUDED.fee_due,
    fee_paid_online = d.fee_paid_online + EXCLUDED.fee_paid_online,
    electronic = d.electronic + EXCLUDED.electronic,
    processing_measured = d.processing_measured + EXCLUDED.processing_measured,
    processing_minutes = d.processing_minutes + EXCLUDED.processing_minutes
  )
  INSERT INTO report_monthly AS d (competent_unit_code, unit_code, month, day_minutes,
    new_direct, new_online, new_postal, new_other, open_delta, early, on_time, late, withdrawn, late_apology,
    late_apology_in_time, overdue_delta, overdue_apology_delta, overdue_apology_in_time_delta, satisfied,
    neutral, dissatisfied, outside_delta, returned, awaiting_delta, refused, supplement_late, digitised,
    fee_due, fee_paid_online, electronic, processing_measured, processing_minutes)
  SELECT competent_unit_code, unit_code, report_month(day), day_minutes,
    sum(new_direct), sum(new_online), sum(new_postal), sum(new_other), sum(open_delta), sum(early),
    sum(on_time), sum(late), sum(withdrawn), sum(late_apology), sum(late_apology_in_time),
    sum(overdue_delta), sum(overdue_apology_delta), sum(overdue_apology_in_time_delta), sum(satisfied),
    sum(neutral), sum(dissatisfied), sum(outside_delta), sum(returned), sum(awaiting_delta), sum(refused),
    sum(supplement_late), sum(digitised), sum(fee_due), sum(fee_paid_online), sum(electronic),
    sum(processing_measured), sum(processing_minutes)
  FROM c
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (competent_unit_code, unit_code, month, day_minutes) DO UPDATE SET
    new_direct = d.new_direct + EXCLUDED.new_direct, new_online = d.new_online + EXCLUDED.new_online,
    new_postal = d.new_postal + EXCLUDED.new_postal, new_other = d.new_other + EXCLUDED.new_other,
    open_delta = d.open_delta + EXCLUDED.open_delta, early = d.early + EXCLUDED.early,
    on_time = d.on_time + EXCLUDED.on_time, late = d.late + EXCLUDED.late,
    withdrawn = d.withdrawn + EXCLUDED.withdrawn, late_apology = d.late_apology + EXCLUDED.late_apology,
    late_apology_in_time = d.late_apology_in_time + EXCLUDED.late_apology_in_time,
    overdue_delta = d.overdue_delta + EXCLUDED.overdue_delta,
    overdue_apology_delta = d.overdue_apology_delta + EXCLUDED.overdue_apology_delta,
    overdue_apology_in_time_delta = d.overdue_apology_in_time_delta + EXCLUDED.overdue_apology_in_time_delta,
    satisfied = d.satisfied + EXCLUDED.satisfied, neutral = d.neutral + EXCLUDED.neutral,
    dissatisfied = d.dissatisfied + EXCLUDED.dissatisfied,
    outside_delta = d.outside_delta + EXCLUDED.outside_delta, returned = d.returned + EXCLUDED.returned,
    awaiting_delta = d.awaiting_delta + EXCLUDED.awaiting_delta, refused = d.refused + EXCLUDED.refused,
    supplement_late = d.supplement_late + EXCLUDED.supplement_late,
    digitised = d.digitised + EXCLUDED.digitised, fee_due = d.fee_due + EXCLUDED.fee_due,
    fee_paid_online = d.fee_paid_online + EXCLUDED.fee_paid_online,
    electronic = d.electronic + EXCLUDED.electronic,
    processing_measured = d.processing_measured + EXCLUDED.processing_measured,
    processing_minutes = d.processing_minutes + EXCLUDED.processing_minutes;
  DELETE FROM report_daily WHERE zero;
  DELETE FROM report_monthly WHERE zero;
END
$$;

-- the rows projected before this migration
SELECT report_rollup_apply(ARRAY(SELECT id FROM dossier_summary), 1);
