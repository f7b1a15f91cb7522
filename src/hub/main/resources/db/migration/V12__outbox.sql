-- The transactional outbox (docs/events.md): events written in the same transaction as the reporting rows they
-- describe, in the shape Debezium's outbox router made standard, plus a monotonic sequence for ordered reading.
-- Delivery (webhooks, marketplaces, Kafka) reads from here and keeps its own attempts.
CREATE TABLE hub.outbox (
    seq            bigserial   PRIMARY KEY,
    id             text        NOT NULL,            -- evt_…: 128 random bits, fixed once written (no index: written
                                                    -- in bulk, looked up by seq; a delivery's lookup goes by seq)
    aggregate_type text        NOT NULL,            -- product, inventory_lot, stock_level, order, transfer
    aggregate_id   uuid        NOT NULL,            -- the canonical id
    type           text        NOT NULL,            -- product.created, order.shipped, ...
    payload        text        NOT NULL,            -- JSON: schema_version, provenance, canonical_id, entity, record
                                                    -- (text: the bytes a delivery sends, no parse on the write path)
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    source_system  text        NOT NULL,
    stream         text        NOT NULL,
    partition      text        NOT NULL DEFAULT '',
    sync_run_id    bigint
);
CREATE INDEX outbox_aggregate ON hub.outbox (aggregate_id, seq);
