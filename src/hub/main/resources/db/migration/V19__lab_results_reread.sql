-- Lab results used to be asked only for packages whose LabTestingStateDate fell on or after the slice's first UTC day,
-- which missed packages tested before their last modification (6 % of results in a 10-licence backfill). The
-- labresults streams start again from hub.metrc.start-date (or the backfill days) with the corrected rule, so an
-- existing database gets the missing results on its next pass; results already stored are not written again.
DELETE FROM hub.sync_cursors WHERE source_system = 'metrc' AND stream = 'labresults';
