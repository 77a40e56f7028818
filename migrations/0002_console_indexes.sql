-- What the operator console asks (see "The delivery ledger" in README.md for the plans):
-- deliveries newest first, filtered by event or destination; authentic bodies that were not
-- the envelope; outcomes per minute per destination; forward latency percentiles.
CREATE INDEX deliveries_by_time ON deliveries (received_at);
CREATE INDEX deliveries_by_event ON deliveries (event, received_at);
CREATE INDEX deliveries_with_problems ON deliveries (received_at) WHERE envelope_problem IS NOT NULL;
CREATE INDEX targets_by_destination ON targets (destination, received_at);
CREATE INDEX targets_by_state_time ON targets (state, received_at);
CREATE INDEX attempts_by_time ON attempts (started_at, destination, outcome);
CREATE INDEX attempts_latency ON attempts (destination, started_at, latency_ms);

UPDATE ledger_meta SET value = '2' WHERE key = 'schema_version';
