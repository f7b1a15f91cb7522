-- Retention (hub.retention.*) purges in small batches; these indexes let each batch find its rows without scanning
-- the table: deliveries by the outbox event they carry (an event is kept while a delivery still refers to it), and
-- finished marketplace requests by age.
CREATE INDEX webhook_deliveries_event ON hub.webhook_deliveries (event_seq);
CREATE INDEX marketplace_requests_finished ON hub.marketplace_requests (finished_at);
CREATE INDEX outbox_occurred ON hub.outbox (occurred_at);
