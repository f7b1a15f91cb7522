-- Runs a killed or cut-off process left RUNNING are marked ABANDONED (at startup, or by the next run of the
-- stream, once its advisory lock shows no live owner); host and pid say which hub process ran each run.
ALTER TABLE hub.sync_runs DROP CONSTRAINT sync_runs_status_check;
ALTER TABLE hub.sync_runs ADD CONSTRAINT sync_runs_status_check
    CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'INTERRUPTED', 'SKIPPED', 'ABANDONED'));
ALTER TABLE hub.sync_runs ADD COLUMN host text;
ALTER TABLE hub.sync_runs ADD COLUMN pid bigint;
CREATE INDEX sync_runs_running ON hub.sync_runs (source_system, entity) WHERE status = 'RUNNING';

-- A cursor belongs to the upstream it was read from (e.g. the Distru base URL, or the sandbox): a database
-- pointed at another upstream starts that stream from the beginning instead of trusting a foreign cursor.
-- Cursors written before this migration have none and are re-read from the beginning once.
ALTER TABLE hub.sync_cursors ADD COLUMN upstream text;
