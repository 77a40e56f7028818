-- Retention: the daily run looks for bodies in KV whose delivery reached every destination
-- (retention.rs, BODIES_DONE_WITH). Few deliveries keep a body (too large for a queue message,
-- dead letters, kept deliveries): a partial index holds only those, so the run no longer walks
-- every delivery older than BODY_TTL_SECONDS to find them.
CREATE INDEX deliveries_with_bodies ON deliveries (last_received_at) WHERE body_key IS NOT NULL;

UPDATE ledger_meta SET value = '4' WHERE key = 'schema_version';
