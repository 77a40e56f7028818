-- The delivery ledger: every delivery the edge verifier accepted, what became of it at each
-- destination, and every attempt. Ids, names, numbers and states only: no payload contents
-- (bodies stay in the queue message, or in KV under `body:` when large, dead or kept).
-- Times are milliseconds since the Unix epoch.

-- One row per delivery (a distinct body), however many times AtlasBrokers posted it.
CREATE TABLE deliveries (
  id               TEXT PRIMARY KEY,            -- SHA-256 of the exact body, lowercase hex
  event            TEXT NOT NULL,               -- '' when an authentic body named none
  workspace_id     TEXT,                        -- NULL when the body is not the envelope
  received_at      INTEGER NOT NULL,            -- first receipt
  last_received_at INTEGER NOT NULL,            -- latest receipt (a Replay)
  size             INTEGER NOT NULL,            -- bytes
  signature        TEXT NOT NULL,               -- the X-Webhook-Secret value that verified
  body_key         TEXT,                        -- KV key when the body is in KV
  envelope_problem TEXT                         -- X-Atlas-Envelope-Problem, NULL when none
);

-- One row per (delivery, destination): the delivery's state there.
CREATE TABLE targets (
  delivery_id     TEXT NOT NULL REFERENCES deliveries (id),
  destination     TEXT NOT NULL,
  event           TEXT NOT NULL,                -- copied from the delivery, for filters
  received_at     INTEGER NOT NULL,             -- copied from the delivery, for ordering
  state           TEXT NOT NULL CHECK (state IN
                    ('pending', 'delivering', 'delivered', 'retrying', 'dead', 'paused')),
  -- Raised each time the operator sends it again (a Replay of a dead or retrying one, a dead
  -- letter replayed, a resume): queue messages of an older generation are stale.
  generation      INTEGER NOT NULL DEFAULT 1,
  attempts        INTEGER NOT NULL DEFAULT 0,   -- attempts started in this generation
  last_status     INTEGER,                      -- HTTP status of the last attempt
  last_outcome    TEXT,                         -- delivered, http_error, timeout, ...
  next_attempt_at INTEGER,                      -- when retrying
  claim_token     TEXT,                         -- the consumer forwarding it right now...
  claim_until     INTEGER,                      -- ...until then; after it, another may take over
  dead_reason     TEXT,                         -- when dead: rejected, exhausted, ...
  delivered_at    INTEGER,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (delivery_id, destination)
) WITHOUT ROWID;

-- One row per attempt (a POST to a destination, or a decision not to send).
CREATE TABLE attempts (
  delivery_id TEXT NOT NULL,
  destination TEXT NOT NULL,
  generation  INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,
  started_at  INTEGER NOT NULL,
  latency_ms  INTEGER NOT NULL,
  status      INTEGER,                          -- NULL: no answer (timeout, network error)
  outcome     TEXT NOT NULL,                    -- delivered, gone, queue_full, http_error, timeout, network_error
  next        TEXT NOT NULL                     -- done, retry, dead, kept, replay, superseded
);

-- Destinations that get nothing until the operator resumes them: 'gone' (answered 410).
CREATE TABLE paused_destinations (
  name        TEXT PRIMARY KEY,
  reason      TEXT NOT NULL,
  since       INTEGER NOT NULL,
  delivery_id TEXT                              -- the delivery that found it gone
);

CREATE TABLE ledger_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- What the worker itself asks: dead letters and kept deliveries by destination (admin, resume,
-- /healthz), a delivery's attempts.
CREATE INDEX targets_by_state ON targets (state, destination, received_at);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id, destination, started_at);

INSERT INTO ledger_meta (key, value) VALUES ('schema_version', '1');
