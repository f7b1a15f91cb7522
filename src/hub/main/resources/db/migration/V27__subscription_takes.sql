-- Which events a webhook subscription takes, in one place for the fan-out and `webhooks replay --since`
-- (docs/operations.md, "Alerts"): its patterns (as LIKE patterns), except that the hub's operational events
-- (hub.*) go only where a pattern names them: "*" means every data event, not the alerts.
CREATE FUNCTION hub.subscription_takes(event_type text, event_like text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT event_type LIKE ANY (event_like)
       AND (event_type NOT LIKE 'hub.%' OR event_type LIKE ANY (ARRAY(SELECT l FROM unnest(event_like) l WHERE l LIKE 'hub.%')))
$$;
