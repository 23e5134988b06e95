-- The official report (GET /statistics) without a per-dossier probe into `dossier_clock`:
-- `dossier_summary` carries the legal clock's history itself, so the report is one scan of one
-- table (libs/projections/src/read-models/dossier-report.ts; bench/statistics.bench.ts).
--
-- The three arrays hold every `dossier_clock` entry of the dossier in (at, version) order, and are
-- NULL while the dossier has only its reception entry, which is always (received_at,
-- original_due_at, running): about 95% of dossiers never stop their clock, and NULLs cost no space.
-- The entry in force at an instant E is the last one with at < E:
-- `width_bucket(E - 1 µs, clock_history_at)` is its 1-based index (0 when there is none).
-- Kept by the `dossier-summary` projection from `dossier_clock` whenever an entry is added.
ALTER TABLE dossier_summary
  ADD COLUMN IF NOT EXISTS clock_history_at      timestamptz[],
  ADD COLUMN IF NOT EXISTS clock_history_due_at  timestamptz[],
  ADD COLUMN IF NOT EXISTS clock_history_stopped boolean[];

UPDATE dossier_summary s
SET clock_history_at = h.at, clock_history_due_at = h.due_at, clock_history_stopped = h.stopped
FROM (
  SELECT dossier_id,
         array_agg(at ORDER BY at, version) AS at,
         array_agg(due_at ORDER BY at, version) AS due_at,
         array_agg(stopped ORDER BY at, version) AS stopped
  FROM dossier_clock
  GROUP BY dossier_id
  HAVING count(*) > 1
) h
WHERE s.id = h.dossier_id;
