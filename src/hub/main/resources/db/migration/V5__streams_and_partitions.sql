-- The generic source engine: cursors, runs and dead letters are keyed by (source_system, stream, partition).
-- A stream is what config and the command line call it (hub.distru.entities, --entity): products, packages, ...
-- A partition splits a stream where the source does (Metrc: one per licence); '' for a stream without partitions
-- (every Distru stream). Existing rows are carried over with partition ''; cursors resume where they were.

ALTER TABLE hub.sync_cursors RENAME COLUMN entity TO stream;
ALTER TABLE hub.sync_cursors ADD COLUMN partition text NOT NULL DEFAULT '';
ALTER TABLE hub.sync_cursors DROP CONSTRAINT sync_cursors_pkey;
ALTER TABLE hub.sync_cursors ADD PRIMARY KEY (source_system, stream, partition);

ALTER TABLE hub.sync_runs RENAME COLUMN entity TO stream;
ALTER TABLE hub.sync_runs ADD COLUMN partition text NOT NULL DEFAULT '';
DROP INDEX hub.sync_runs_entity_started;
CREATE INDEX sync_runs_stream_started ON hub.sync_runs (source_system, stream, partition, started_at DESC);
DROP INDEX hub.sync_runs_running;
CREATE INDEX sync_runs_running ON hub.sync_runs (source_system, stream, partition) WHERE status = 'RUNNING';

ALTER TABLE hub.dead_letters RENAME COLUMN entity TO stream;
ALTER TABLE hub.dead_letters ADD COLUMN partition text NOT NULL DEFAULT '';
ALTER INDEX hub.dead_letters_entity RENAME TO dead_letters_stream;

-- record_changes named the reporting table; now the stream, like every other hub table. The table follows from
-- the stream (docs/reporting-schema.md). The trigger that keeps the log append-only steps aside for this once.
ALTER TABLE hub.record_changes RENAME COLUMN entity TO stream;
ALTER TABLE hub.record_changes DISABLE TRIGGER record_changes_append_only;
UPDATE hub.record_changes SET stream = CASE stream
        WHEN 'inventory_lots' THEN 'packages'
        WHEN 'stock_levels' THEN 'inventory'
        ELSE stream END
    WHERE source_system = 'distru' AND stream IN ('inventory_lots', 'stock_levels');
ALTER TABLE hub.record_changes ENABLE TRIGGER record_changes_append_only;
ALTER TABLE hub.record_changes ADD COLUMN partition text NOT NULL DEFAULT '';
