-- More steps of a dossier (issue #14): pause/resume, return of the result, corrections.
-- `returned_at`: when the result was handed over (status `returned`; still resolved for the report).
-- `previous_assignees`: the assignees before the current one, oldest first (JSON array, null = none),
-- so that a correction of `assign` can restore the previous one. Pauses use the existing clock
-- history (`dossier_clock`: a pause is a stopped entry, a resume a running one with the moved due time).
ALTER TABLE dossier_summary ADD COLUMN IF NOT EXISTS returned_at timestamptz;
ALTER TABLE dossier_summary ADD COLUMN IF NOT EXISTS previous_assignees jsonb;
