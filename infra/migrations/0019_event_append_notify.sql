-- Issue #20 (an idle service reads nothing): every statement that inserts into `es_events` sends
-- `NOTIFY motcua_es_appended, '<schema of es_events>'` at its commit, so that the subscriptions of
-- other processes (api and worker are separate processes on PostgreSQL) wake on a LISTEN connection
-- instead of polling the log every 50 ms (libs/event-store/src/adapters/sql/sql-event-store.ts).
-- A signal only wakes a subscription: what it reads still comes from its position in the log, and a
-- slow safety poll finds what a lost notification (a dropped LISTEN connection) did not announce.
-- Notifications of one transaction with the same payload are sent once. The payload names the
-- schema, so that stores in other schemas of the same database ignore it.
-- PGlite (one process per data directory) signals its own appends in process: no trigger there.
CREATE OR REPLACE FUNCTION es_notify_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('motcua_es_appended', TG_TABLE_SCHEMA);
  RETURN NULL;
END;
$$;

DO $$
BEGIN
  IF version() NOT LIKE '%PGlite%' THEN
    DROP TRIGGER IF EXISTS es_events_notify_appended ON es_events;
    CREATE TRIGGER es_events_notify_appended AFTER INSERT ON es_events
      FOR EACH STATEMENT EXECUTE FUNCTION es_notify_appended();
  END IF;
END;
$$;
