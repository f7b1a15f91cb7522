-- Operational alerts (docs/operations.md, "Alerts"): the state each alert subject is in, so every change of state
-- raises one event (hub.stream.failed, hub.stream.stale, hub.stream.recovered) and a repeated check raises none.
-- A node changes a state with one conditional upsert, so two nodes checking at once raise it once.
CREATE TABLE hub.alert_states (
    subject    text        NOT NULL,              -- stream:<source>/<stream>/<partition>
    condition  text        NOT NULL,              -- failed, stale
    active     boolean     NOT NULL,
    since      timestamptz NOT NULL DEFAULT now(),
    detail     text,
    PRIMARY KEY (subject, condition)
);

-- How a dead letter was resolved (admin API, docs/operations.md): synced (the record came through later), replayed,
-- run-succeeded (a later run re-read the failed window), discarded (a person decided it needs nothing).
ALTER TABLE hub.dead_letters ADD COLUMN resolution text;
