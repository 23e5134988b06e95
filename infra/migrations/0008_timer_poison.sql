-- Poison entries of the deadline timers (libs/timers): a dossier whose timers could not be
-- computed (an event the calendar cannot handle, e.g. a due time in 2999 written before the HTTP
-- door refused it, or a corrupt stream). The scheduling subscription records the dossier here, counts
-- it (`motcua_timers_poison_events_total`), logs it and moves on instead of stalling every dossier
-- behind it; the sweep re-evaluates every entry and deletes it once the dossier's timers compute
-- again (after a fix: a calendar, a code upgrade, a later event on the dossier).
CREATE TABLE IF NOT EXISTS timer_poison (
  dossier_id      text PRIMARY KEY,
  stream          text NOT NULL,
  -- the event that made the dossier be (re)scheduled when it failed (the last of its batch), if known
  event_id        text,
  event_type      text,
  position        text,
  error           text NOT NULL,
  attempts        integer NOT NULL DEFAULT 1,
  first_failed_at timestamptz NOT NULL DEFAULT now(),
  last_failed_at  timestamptz NOT NULL DEFAULT now()
);
