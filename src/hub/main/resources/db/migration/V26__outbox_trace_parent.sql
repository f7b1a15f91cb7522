-- Traces (docs/operations.md): the W3C traceparent of the page whose transaction wrote the event (null when the
-- event came from no traced work). Deliveries (webhook attempts, Kafka sends) link their spans to it, and the Kafka
-- feed passes it on as the message's traceparent header.
ALTER TABLE hub.outbox ADD COLUMN trace_parent text;
