-- Issue #14 (refusal at reception, supplement requests): `dossier_summary` keeps
--   refused_at                   a dossier refused at the counter (DossierRefusedAtReception): never
--                                received, so the report skips it (its received_at/due columns hold
--                                the refusal time only to order work lists); no clock entry
--   supplement_requests_late     supplement requests made after 3 working days of reception
--   supplement_requests_repeated supplement requests after the first ("một lần đầy đủ" broken)
-- so that a supervisor's lists and the report's future indicators can find them.
ALTER TABLE dossier_summary
  ADD COLUMN IF NOT EXISTS refused_at                   timestamptz,
  ADD COLUMN IF NOT EXISTS supplement_requests_late     integer,
  ADD COLUMN IF NOT EXISTS supplement_requests_repeated integer;
