-- The normalized Kafka feed (docs/kafka-feed.md): the outbox published to Kafka, an event marked only once the
-- broker acknowledged it. Rows written before this migration count as published (`feed republish` sends a snapshot).
ALTER TABLE hub.outbox ADD COLUMN kafka_published boolean NOT NULL DEFAULT true;
ALTER TABLE hub.outbox ALTER COLUMN kafka_published SET DEFAULT false;
CREATE INDEX outbox_kafka_unpublished ON hub.outbox (seq) WHERE NOT kafka_published;

-- The feed's own state: when it first ran on this database (events from before it are not published; see above).
CREATE TABLE hub.kafka_feed (
    id            integer     PRIMARY KEY CHECK (id = 1),
    first_run_at  timestamptz NOT NULL DEFAULT now(),
    bootstrap     text        NOT NULL
);
