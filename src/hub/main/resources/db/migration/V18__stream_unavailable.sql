-- A stream of one partition the upstream refused (401/403) while the partition's other streams answered: Metrc
-- licences whose user lacks a permission for one endpoint. Recorded so `status` shows it and the engine does not ask
-- again before retry_at (a day later); the other streams go on. A later successful run of the stream removes the row.
CREATE TABLE hub.stream_unavailable (
    source_system text        NOT NULL,
    stream        text        NOT NULL,
    partition     text        NOT NULL DEFAULT '',
    http_status   integer     NOT NULL,
    reason        text        NOT NULL,
    since         timestamptz NOT NULL DEFAULT now(),
    retry_at      timestamptz NOT NULL,
    PRIMARY KEY (source_system, stream, partition)
);

ALTER TABLE hub.sync_runs DROP CONSTRAINT IF EXISTS sync_runs_status_check;
ALTER TABLE hub.sync_runs ADD CONSTRAINT sync_runs_status_check
    CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'INTERRUPTED', 'SKIPPED', 'ABANDONED', 'UNAVAILABLE'));
