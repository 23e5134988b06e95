-- Projection checkpoints: one row per projection, written in the same transaction as its read
-- model (libs/projections). `position` is the event-store position of the last event applied,
-- in its string form "<commit>/<prepare>" ("-1/-1": nothing applied yet). With EventStoreDB as
-- the event store, this table and the read models live in PostgreSQL.
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name           text PRIMARY KEY,
  position       text NOT NULL,
  events_handled bigint NOT NULL DEFAULT 0,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
