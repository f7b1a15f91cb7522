-- One outbox reader contract (docs/events.md, "Readers"): the outbox is written once; each reader (webhook fan-out,
-- marketplace marking, the Kafka feed, and any later one) keeps its progress here instead of a flag column on every
-- outbox row.
--
-- A reader's progress: a watermark (every outbox row with seq <= watermark is taken, or will never be visible) and
-- the seqs above it it has taken (hub.outbox_reads). Unread = seq > watermark and not in its reads, in seq order, so a
-- transaction that commits after a later one (a lower seq seen late) is still read, and the events of one record
-- keep their order. The watermark moves up to a pending horizon (pending_seq) once every transaction that could still
-- commit a seq <= pending_seq has ended: pending_xmax is the snapshot xmax taken after pending_seq was read, and every
-- seq is taken by a transaction that already has its id (hub.outbox_next_seq below), so once the oldest running
-- transaction (snapshot xmin) is past pending_xmax, an invisible seq <= pending_seq was rolled back.
CREATE TABLE hub.outbox_readers (
    reader       text        PRIMARY KEY,
    watermark    bigint      NOT NULL DEFAULT 0,
    pending_seq  bigint      NOT NULL DEFAULT 0,
    pending_xmax xid8        NOT NULL DEFAULT '0',
    advanced_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hub.outbox_reads (
    reader text   NOT NULL REFERENCES hub.outbox_readers (reader) ON DELETE CASCADE,
    seq    bigint NOT NULL,
    PRIMARY KEY (reader, seq)
);

CREATE FUNCTION hub.outbox_next_seq() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    -- the transaction's id first, then the seq: a seq is never held by a transaction without an id (see above)
    PERFORM pg_current_xact_id();
    RETURN nextval('hub.outbox_seq_seq');
END
$$;
ALTER TABLE hub.outbox ALTER COLUMN seq SET DEFAULT hub.outbox_next_seq();

-- the three readers start where their flags left them: the watermark below the first row not taken, the rows above
-- it that were taken as reads
INSERT INTO hub.outbox_readers (reader, watermark, pending_seq)
SELECT r.reader, w.watermark, w.watermark
  FROM (VALUES ('webhooks'), ('marketplaces'), ('kafka')) AS r(reader)
 CROSS JOIN LATERAL (SELECT coalesce(
        (SELECT min(seq) - 1 FROM hub.outbox o WHERE NOT CASE r.reader WHEN 'webhooks' THEN o.fanned_out
                                                                     WHEN 'marketplaces' THEN o.listings_marked
                                                                     ELSE o.kafka_published END),
        (SELECT max(seq) FROM hub.outbox), 0) AS watermark) w;
INSERT INTO hub.outbox_reads (reader, seq)
SELECT r.reader, o.seq
  FROM hub.outbox_readers r JOIN hub.outbox o ON o.seq > r.watermark
 WHERE CASE r.reader WHEN 'webhooks' THEN o.fanned_out WHEN 'marketplaces' THEN o.listings_marked ELSE o.kafka_published END;

DROP INDEX IF EXISTS hub.outbox_to_fan_out;
DROP INDEX IF EXISTS hub.outbox_listings_unmarked;
DROP INDEX IF EXISTS hub.outbox_kafka_unpublished;
ALTER TABLE hub.outbox DROP COLUMN fanned_out, DROP COLUMN listings_marked, DROP COLUMN kafka_published;
