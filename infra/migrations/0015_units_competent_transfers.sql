-- Issue #16: two units per dossier and liên thông (libs/projections/src/read-models/dossier-summary.projection.ts).
--
-- competent_unit_code: the unit that resolves the dossier, as at reception; the report counts a
--   dossier under it (`perspective=competent`, the default) or under `unit_code`, the receiving
--   centre (`perspective=receiving`). Never moved by a merge: the successor's report includes its
--   predecessors' units instead, so an old unit's report over a past period does not change.
-- current_unit_code: the competent unit now (its successor after a merge): work lists and scope.
-- transfer_ids / transfer_out_at / transfer_back_at: each liên thông hand-off in order (business
--   times; back NULL while open); NULL while the dossier has none. A dossier pending at the end of a
--   period is "held elsewhere" (pending.outside) when a transfer is open then.
ALTER TABLE dossier_summary
  ADD COLUMN IF NOT EXISTS competent_unit_code text,
  ADD COLUMN IF NOT EXISTS current_unit_code   text,
  ADD COLUMN IF NOT EXISTS transfer_ids        text[],
  ADD COLUMN IF NOT EXISTS transfer_out_at     timestamptz[],
  ADD COLUMN IF NOT EXISTS transfer_back_at    timestamptz[];

-- every dossier projected before: received and resolved by one unit
UPDATE dossier_summary SET competent_unit_code = unit_code WHERE competent_unit_code IS NULL;
UPDATE dossier_summary SET current_unit_code = unit_code WHERE current_unit_code IS NULL;
ALTER TABLE dossier_summary ALTER COLUMN competent_unit_code SET NOT NULL;
ALTER TABLE dossier_summary ALTER COLUMN current_unit_code SET NOT NULL;

-- the report by competent unit (as the unit_code indexes serve the receiving perspective)
CREATE INDEX IF NOT EXISTS dossier_summary_competent_received ON dossier_summary (competent_unit_code, received_at);
-- work lists of the competent unit now
CREATE INDEX IF NOT EXISTS dossier_summary_current_due ON dossier_summary (current_unit_code, effective_due_at, id);
