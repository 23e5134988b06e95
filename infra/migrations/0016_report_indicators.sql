-- QĐ 766 indicators (issue #18): what `GET /statistics` `indicators` reads from `dossier_summary`.
--   work_start_at, worked_ms        processing-time bookkeeping (the running interval's start; the working
--                                   ms since reception or the last supplement's arrival, pauses left out)
--   processing_working_minutes      at resolution: that working time, in minutes of the unit's office hours
--   working_day_minutes             at resolution: minutes of one working day of the unit
--   supplement_late_at              JSON array of the times of late supplement requests
--   digitised, fee_due, fee_paid_online   facts recorded at reception; electronic_result on the resolution
-- Rows projected before this migration have them NULL (no processing time): rebuild the projection
-- (`npm run cli -- rebuild`) to fill them from the events.
ALTER TABLE dossier_summary
  ADD COLUMN IF NOT EXISTS work_start_at              timestamptz,
  ADD COLUMN IF NOT EXISTS worked_ms                  bigint,
  ADD COLUMN IF NOT EXISTS processing_working_minutes integer,
  ADD COLUMN IF NOT EXISTS working_day_minutes        integer,
  ADD COLUMN IF NOT EXISTS supplement_late_at         jsonb,
  ADD COLUMN IF NOT EXISTS digitised                  boolean,
  ADD COLUMN IF NOT EXISTS fee_due                    boolean,
  ADD COLUMN IF NOT EXISTS fee_paid_online            boolean,
  ADD COLUMN IF NOT EXISTS electronic_result          boolean;
