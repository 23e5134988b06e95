-- Telling the citizen (issue #19): the notification outbox and what it needs.
-- `notification_outbox` is written by the `notifications` projection (citizen notices, one row per
-- event and channel) and by the `alerts` projection (one `staff` row per new alert: the SSE publish
-- and the webhook queueing), in the same transaction as their checkpoints; the sender
-- (libs/background/src/notifications) works through it. The id is deterministic, so a replay or a
-- rebuild inserts nothing twice (ON CONFLICT DO NOTHING) and sends nothing again.
CREATE TABLE IF NOT EXISTS notification_outbox (
  id              text PRIMARY KEY,
  seq             bigserial NOT NULL UNIQUE,
  -- citizen | staff
  audience        text NOT NULL,
  dossier_id      text,
  unit_code       text,
  event_id        text,
  event_type      text,
  -- the notice kind (received, supplement-needed, …) of a citizen row; the alert id of a staff row
  notice          text NOT NULL,
  -- email | sms | staff
  channel         text NOT NULL,
  -- the applicant's own address (never shown: GET /dossiers/{id}/notifications masks it)
  recipient       text,
  -- the template values of a citizen notice
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- pending (waiting or retrying) | sent | failed (the dead letter: every attempt failed)
  status          text NOT NULL DEFAULT 'pending',
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- a sender working on the row holds it until then (a killed sender's claim expires)
  claimed_until   timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  failed_at       timestamptz
);
CREATE INDEX IF NOT EXISTS notification_outbox_due ON notification_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notification_outbox_dossier ON notification_outbox (dossier_id, seq);
CREATE INDEX IF NOT EXISTS notification_outbox_failed ON notification_outbox (failed_at DESC) WHERE status = 'failed';

-- The reception facts later notices need (the `notifications` projection keeps it).
CREATE TABLE IF NOT EXISTS notification_dossiers (
  dossier_id     text PRIMARY KEY,
  code           text NOT NULL,
  unit_code      text NOT NULL,
  procedure_code text NOT NULL,
  procedure_name text,
  applicant_name text NOT NULL,
  time_zone      text NOT NULL,
  due_at         timestamptz NOT NULL,
  lookup_pin     text,
  email          text,
  phone          text
);

-- A citizen's opt-out (event NotificationsOptedOut on `notification-consent-<dossierId>`).
CREATE TABLE IF NOT EXISTS notification_opt_outs (
  dossier_id   text NOT NULL,
  channel      text NOT NULL,
  opted_out_at timestamptz NOT NULL,
  recorded_by  text,
  PRIMARY KEY (dossier_id, channel)
);

-- PUT /units/{code}/notification-settings (admin): the channels the unit uses and its template overrides.
CREATE TABLE IF NOT EXISTS unit_notification_settings (
  unit_code  text PRIMARY KEY,
  channels   text[] NOT NULL,
  templates  jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
