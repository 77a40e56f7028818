-- The operator console: failed admin sign-ins per client (guessing ADMIN_TOKEN is slowed to
-- ten tries a quarter hour), and an index for the overview's "last success" per destination.

-- One row per client (a SHA-256 prefix of its IP address, never the address itself) with
-- failed sign-ins in its current window. A window starts at its first failure and lasts 15
-- minutes (see worker/src/auth.rs); rows of ended windows are deleted on the next failure.
CREATE TABLE admin_failures (
  client       TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,                -- first failure of the window
  failures     INTEGER NOT NULL                 -- failures since then
) WITHOUT ROWID;
CREATE INDEX admin_failures_by_time ON admin_failures (window_start);

-- "Last success" per destination: the newest delivered attempt, one seek per destination.
CREATE INDEX attempts_delivered ON attempts (destination, started_at) WHERE outcome = 'delivered';

-- paused_destinations.reason is now 'gone' (answered 410) or 'operator' (POST
-- /admin/destinations/{name}/pause); both keep the destination's deliveries until it is resumed.

UPDATE ledger_meta SET value = '3' WHERE key = 'schema_version';
