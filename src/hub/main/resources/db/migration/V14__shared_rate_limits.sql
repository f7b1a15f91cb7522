-- Request budgets shared by every hub node (docs/marketplaces.md): one row per API key (by its SHA-256, never the key),
-- holding the earliest moment the next request may go. Each request reserves the next slot in one UPDATE, so all
-- nodes together stay spaced by 60 s / (limit x margin): no sliding minute ever holds more than the limit.
CREATE TABLE hub.rate_limits (
    key_hash   text        PRIMARY KEY,
    next_free  timestamptz NOT NULL
);
