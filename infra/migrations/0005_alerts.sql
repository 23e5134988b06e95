-- Read model `alerts` (libs/projections/src/read-models/alerts.projection.ts): one row per deadline
-- alert (kind near-deadline | apology-cutoff | overdue), kept by the `alerts` projection from the
-- alert events on the dossier streams and `AlertAcknowledged` on the `alert-<id>` streams.
-- `id` is deterministic, `<dossierId>.<kind>.<dueAt in ms>`: one alert per kind per due time, so a
-- re-fired timer never duplicates one (the insert is ON CONFLICT DO NOTHING).
CREATE TABLE IF NOT EXISTS alerts (
  id              text PRIMARY KEY,
  -- insertion order: replay after `Last-Event-ID` on GET /alerts/stream
  seq             bigserial NOT NULL UNIQUE,
  dossier_id      text NOT NULL,
  -- the dossier code (from dossier_summary when it was there at projection time; queries fall back to a join)
  dossier_code    text,
  unit_code       text NOT NULL,
  assignee        text,
  kind            text NOT NULL,
  due_at          timestamptz NOT NULL,
  raised_at       timestamptz NOT NULL,
  -- the event that raised it (the first one, when a timer fired twice)
  event_id        text NOT NULL,
  state           text NOT NULL DEFAULT 'open',
  acknowledged_by text,
  acknowledged_at timestamptz
);
-- GET /alerts: a unit's alerts (optionally by state), newest first, keyset paging on (raised_at, id).
CREATE INDEX IF NOT EXISTS alerts_unit_raised ON alerts (unit_code, raised_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS alerts_unit_state_raised ON alerts (unit_code, state, raised_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS alerts_dossier ON alerts (dossier_id);

-- Webhook per unit (PUT /units/{code}/webhook, admin). The secret signs deliveries (HMAC-SHA256),
-- so it is kept as given; it is never returned by the API.
CREATE TABLE IF NOT EXISTS unit_webhooks (
  unit_code  text PRIMARY KEY,
  url        text NOT NULL,
  secret     text NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One random name per database: the Redis pub/sub channel and the BullMQ webhook queue of the
-- instances that share this database are named after it, so that deployments (and test schemas)
-- sharing one Redis never see each other's alerts.
CREATE TABLE IF NOT EXISTS alert_channel (
  id        integer PRIMARY KEY CHECK (id = 1),
  namespace text NOT NULL
);
INSERT INTO alert_channel (id, namespace) VALUES (1, replace(gen_random_uuid()::text, '-', '')) ON CONFLICT (id) DO NOTHING;
