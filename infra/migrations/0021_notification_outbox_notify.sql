-- Issue #20 (an idle service reads nothing): every statement that makes rows of
-- `notification_outbox` due sends `NOTIFY motcua_outbox_due, '<schema of notification_outbox>'` at
-- its commit, so that the notification senders of every worker (and of the api's resends: another
-- process on PostgreSQL) wake on a LISTEN connection instead of polling the outbox every second
-- (libs/background/src/notifications/notification-sender.ts). Between signals a sender sleeps until
-- the next row it knows of is due, or a slow safety poll (NOTIFY_POLL_MS) finds what a lost
-- notification (a dropped LISTEN connection) did not announce.
-- Rows made due: a new row (the projections), a dead letter resent, a retry scheduled (another
-- sender should know when it is due): a pending row without a claim. A claim or a row marked sent
-- or failed sends nothing. Notifications of one transaction with the same payload are sent once.
-- PGlite (one process per data directory) signals in process: no trigger there (as 0019).
CREATE OR REPLACE FUNCTION notification_outbox_notify_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('motcua_outbox_due', TG_TABLE_SCHEMA);
  RETURN NULL;
END;
$$;

DO $$
BEGIN
  IF version() NOT LIKE '%PGlite%' THEN
    DROP TRIGGER IF EXISTS notification_outbox_notify_due ON notification_outbox;
    CREATE TRIGGER notification_outbox_notify_due AFTER INSERT OR UPDATE ON notification_outbox
      FOR EACH ROW WHEN (NEW.status = 'pending' AND NEW.claimed_until IS NULL)
      EXECUTE FUNCTION notification_outbox_notify_due();
  END IF;
END;
$$;
