-- Idempotency-Key: the first answer to a POST, replayed for a repeated key (per user).
CREATE TABLE IF NOT EXISTS idempotency_keys (
  actor        text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  state        text NOT NULL CHECK (state IN ('in-progress', 'done')),
  status       integer,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (actor, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created_idx ON idempotency_keys (created_at);
