-- Open dead letters are looked up by record when a later sync writes that record (auto-resolution).
CREATE INDEX dead_letters_open_record ON hub.dead_letters (source_system, entity, source_id) WHERE resolved_at IS NULL;
