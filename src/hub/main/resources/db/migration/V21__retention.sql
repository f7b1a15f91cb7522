-- Retention (hub.retention.*) purges in small batches; these indexes let each batch find its rows without scanning
-- the table: deliveries by the outbox event they carry (an event is kept while a delivery still refers to it), and
-- finished marketplace requests by age.
CREATE INDEX webhook_deliveries_event ON hub.webhook_deliveries (event_seq);
CREATE INDEX marketplace_requests_finished ON hub.marketplace_requests (finished_at);
CREATE INDEX outbox_occurred ON hub.outbox (occurred_at);

-- hub.record_changes stays append-only (no UPDATE, no DELETE), except for retention's purge of old rows: a
-- transaction that sets hub.retention_purge = on (SET LOCAL, retention/Retention) may delete.
CREATE OR REPLACE FUNCTION hub.forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('hub.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'hub.record_changes is append-only';
END;
$$;
