-- Read model `dossier_summary` (libs/projections/src/read-models/dossier-summary.projection.ts):
-- one row per dossier, kept by the `dossier-summary` projection, for the work lists
-- (GET /dossiers) and the official report (GET /statistics). `version` is the dossier stream's
-- version (1-based) of the last event applied: applying is idempotent by version.
CREATE TABLE IF NOT EXISTS dossier_summary (
  id                text PRIMARY KEY,
  code              text NOT NULL,
  unit_code         text NOT NULL,
  procedure_code    text NOT NULL,
  procedure_name    text,
  field             text NOT NULL,
  channel           text NOT NULL,
  online_level      text NOT NULL,
  time_zone         text NOT NULL,
  received_at       timestamptz NOT NULL,
  -- legal due time at reception
  original_due_at   timestamptz NOT NULL,
  -- legal due time in force (reception or last supplement received); the report's timing uses it
  due_at            timestamptz NOT NULL,
  -- re-appointed due time of an apology (cleared when a supplement restarts the clock)
  appointed_due_at  timestamptz,
  -- coalesce(appointed_due_at, due_at): what work lists and alerts run against
  effective_due_at  timestamptz NOT NULL,
  -- since when the clock is stopped (awaiting supplement), null when running
  clock_stopped_at  timestamptz,
  apology_issued_at timestamptz,
  -- the legal due time the apology was about, and the apology cut-off for it (Art. 19.9)
  apology_due_at    timestamptz,
  apology_cutoff_at timestamptz,
  resolved_at       timestamptz,
  outcome           text,
  -- early | on-time | late, against the legal due in force at resolution
  timing            text,
  withdrawn_at      timestamptz,
  rating            text,
  rated_at          timestamptz,
  assignee          text,
  status            text NOT NULL,
  version           integer NOT NULL
);

-- Work lists: a unit's open dossiers by due time, an assignee's dossiers by due time.
CREATE INDEX IF NOT EXISTS dossier_summary_unit_due ON dossier_summary (unit_code, effective_due_at, id);
CREATE INDEX IF NOT EXISTS dossier_summary_unit_status_due ON dossier_summary (unit_code, status, effective_due_at, id);
CREATE INDEX IF NOT EXISTS dossier_summary_assignee_due ON dossier_summary (assignee, effective_due_at, id) WHERE assignee IS NOT NULL;
-- The report: dossiers of a unit received before the period's end, closed ones by closing time.
CREATE INDEX IF NOT EXISTS dossier_summary_unit_received ON dossier_summary (unit_code, received_at);
CREATE INDEX IF NOT EXISTS dossier_summary_unit_resolved ON dossier_summary (unit_code, resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS dossier_summary_unit_withdrawn ON dossier_summary (unit_code, withdrawn_at) WHERE withdrawn_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS dossier_summary_unit_rated ON dossier_summary (unit_code, rated_at) WHERE rated_at IS NOT NULL;

-- The legal clock's history of each dossier (reception, supplement requested = stopped,
-- supplement received = restarted with a new due time), so that the report can tell the due
-- time in force, and whether the clock was stopped, at the end of any past period.
CREATE TABLE IF NOT EXISTS dossier_clock (
  dossier_id text NOT NULL,
  version    integer NOT NULL,
  at         timestamptz NOT NULL,
  due_at     timestamptz NOT NULL,
  stopped    boolean NOT NULL,
  PRIMARY KEY (dossier_id, version)
);
CREATE INDEX IF NOT EXISTS dossier_clock_at ON dossier_clock (dossier_id, at DESC, version DESC);
