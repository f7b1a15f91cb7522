-- The outbox readers' pending horizon was bounded by a snapshot's xmax (V22), which PostgreSQL computes as the
-- latest completed transaction id + 1: the newest open transaction, holding seqs, can sit at it, so the watermark
-- could pass its rows. The bound is now the advancing transaction's own id (OutboxReader.advance, docs/events.md
-- "Readers"). A horizon taken the old way is dropped here; the next round takes a new one.
UPDATE hub.outbox_readers SET pending_seq = watermark, pending_xmax = '0';
