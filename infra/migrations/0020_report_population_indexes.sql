-- The official report's population through indexes (issue #20): a district's month reads the
-- dossiers received in the period, those open at its start and those rated in it, instead of
-- every dossier received before its end (libs/projections/src/read-models/dossier-report.ts).
--
-- "Open at the start" is a stabbing query (received before `from`, closed at or after it, or never
-- closed), which a B-tree cannot bound by itself. The span class buckets a dossier by how long it
-- stayed open: class k (0..12) when it was closed (resolved or withdrawn) within 2^k days of its
-- reception (ceil(log2) of the days, at least 0), 13 when later, 14 while it is open. A dossier of
-- class k <= 12 open at `from` was received after `from` - 2^k days (the query allows an hour more
-- for the rounding of log()), so each class is one bounded index range.
-- The expression is repeated verbatim in SPAN_CLASS (dossier-report.ts): the planner matches it.
CREATE INDEX IF NOT EXISTS dossier_summary_competent_span ON dossier_summary (competent_unit_code, (
  CASE WHEN LEAST(resolved_at, withdrawn_at) IS NULL THEN 14
       ELSE LEAST(13, GREATEST(0, ceil(log(2.0, GREATEST(1.0, extract(epoch FROM LEAST(resolved_at, withdrawn_at) - received_at) / 86400.0)))))::int END
), received_at);
CREATE INDEX IF NOT EXISTS dossier_summary_unit_span ON dossier_summary (unit_code, (
  CASE WHEN LEAST(resolved_at, withdrawn_at) IS NULL THEN 14
       ELSE LEAST(13, GREATEST(0, ceil(log(2.0, GREATEST(1.0, extract(epoch FROM LEAST(resolved_at, withdrawn_at) - received_at) / 86400.0)))))::int END
), received_at);
-- the ratings of the period by competent unit (dossier_summary_unit_rated, 0004, is by receiving unit)
CREATE INDEX IF NOT EXISTS dossier_summary_competent_rated ON dossier_summary (competent_unit_code, rated_at) WHERE rated_at IS NOT NULL;
