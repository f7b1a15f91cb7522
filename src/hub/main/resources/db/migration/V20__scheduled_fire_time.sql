-- The Quartz fire time a scheduled pass was started for: with several nodes on the clustered store, each fire time
-- must run on exactly one node, and this column is what shows it (two runs of one stream with one scheduled_for would
-- be a firing taken twice). NULL for passes nobody scheduled (sync --once, the bench).
ALTER TABLE hub.sync_runs ADD COLUMN scheduled_for timestamptz;
