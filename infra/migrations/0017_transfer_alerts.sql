-- Issue #16: a liên thông transfer's deadline alerts (`TransferAlertRaised`) in the `alerts` read model.
-- transfer_id: the transfer the alert is for (NULL for the dossier's own alerts); its id is then
--   `<dossierId>.<transferId>.<kind>.<dueAt in ms>`.
-- to_unit_code: the agency holding the transfer. `unit_code` is the lead (competent) unit; the users
--   of either unit (and their ancestors) see the alert.
ALTER TABLE alerts
  ADD COLUMN IF NOT EXISTS transfer_id  text,
  ADD COLUMN IF NOT EXISTS to_unit_code text;
CREATE INDEX IF NOT EXISTS alerts_to_unit_raised ON alerts (to_unit_code, raised_at DESC, id DESC) WHERE to_unit_code IS NOT NULL;
