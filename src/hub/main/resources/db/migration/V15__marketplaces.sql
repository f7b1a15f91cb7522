-- Marketplace sinks (docs/marketplaces.md): TerraVault and the shop platform kept true from the outbox.

-- The marketplace sinks this database has run. A sink without a row has never run: its first round marks every
-- product for a push (a marketplace enabled on an existing database still gets everything).
CREATE TABLE hub.marketplace_sinks (
    sink           text        PRIMARY KEY,
    first_run_at   timestamptz NOT NULL DEFAULT now(),
    mapping_hash   text,                               -- SHA-256 of the mapping file in use: an edit re-pushes all
    stopped_at     timestamptz,                        -- 401/403: this sink stopped until its key is fixed
    stopped_reason text
);

-- Outbox events the marketplace planner has turned into dirty listings (one reader for every marketplace sink, so
-- events committed out of seq order are never skipped). Rows written before this migration count as seen: a
-- sink's first round covers them.
ALTER TABLE hub.outbox ADD COLUMN listings_marked boolean NOT NULL DEFAULT true;
ALTER TABLE hub.outbox ALTER COLUMN listings_marked SET DEFAULT false;
CREATE INDEX outbox_listings_unmarked ON hub.outbox (seq) WHERE NOT listings_marked;

-- What a listing is made of, looked up per product.
CREATE INDEX stock_levels_product ON reporting.stock_levels (source_system, product_source_id);
CREATE INDEX inventory_lots_product ON reporting.inventory_lots (source_system, product_source_id);

-- The id map and push state of one product on one marketplace. A product is DIRTY when something it is made of
-- changed since its last push; the sender works out what (if anything) to send by comparing what the listing
-- should be with what was last accepted (pushed_hash, pushed_quantity, remote_state). `pending` is the request
-- in flight (written before it is sent): a pending request found later (crash, timeout, 5xx) has an unknown outcome,
-- and the sink reads the listing back before doing anything else, so a lost response never makes a second listing.
CREATE TABLE hub.marketplace_listings (
    sink             text        NOT NULL,              -- terravault, shop-platform
    canonical_id     uuid        NOT NULL,              -- the product's canonical id (also the external reference)
    remote_id        text,                              -- TerraVault's prod_…, the shop platform's p1_id
    pushed_hash      text,                              -- SHA-256 of the listing fields last accepted
    pushed_quantity  numeric,                           -- the stock the marketplace holds, in its unit
    remote_state     jsonb       NOT NULL DEFAULT '{}', -- per-sink extras (shops attached, overrides pushed)
    pending          jsonb,                             -- the request in flight (kind, hash, quantity)
    dirty            boolean     NOT NULL DEFAULT true,
    changes          bigint      NOT NULL DEFAULT 1,    -- bumped by every mark: a push ends clean only if unchanged
    dirty_since      timestamptz,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    attempts         integer     NOT NULL DEFAULT 0,    -- failed attempts in a row (5xx, timeouts)
    claimed_by       text,
    lease_until      timestamptz,
    last_status      integer,
    last_error       text,
    pushed_at        timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sink, canonical_id)
);
CREATE INDEX marketplace_listings_due ON hub.marketplace_listings (sink, next_attempt_at) WHERE dirty;
CREATE UNIQUE INDEX marketplace_listings_remote ON hub.marketplace_listings (sink, remote_id) WHERE remote_id IS NOT NULL;

-- Every request a marketplace sink sent, and what came back (UNKNOWN: the node stopped before it heard).
CREATE TABLE hub.marketplace_requests (
    id            bigserial   PRIMARY KEY,
    sink          text        NOT NULL,
    canonical_id  uuid        NOT NULL,
    action        text        NOT NULL,                -- create, update, inventory, lookup, attach, ...
    method        text        NOT NULL,
    path          text        NOT NULL,
    node          text        NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    outcome       text        NOT NULL,                -- ACCEPTED, REJECTED, FAILED, RATE_LIMITED, UNAUTHORIZED, UNKNOWN
    http_status   integer,
    duration_ms   integer,
    error         text                                 -- the response body of a rejection (never the request's key)
);
CREATE INDEX marketplace_requests_listing ON hub.marketplace_requests (sink, canonical_id, id);

-- Marketplace orders, from the marketplaces' own signed webhooks: the canonical MarketplaceOrder (docs/events.md).
CREATE TABLE reporting.marketplace_orders (
    marketplace      text        NOT NULL,
    order_id         text        NOT NULL,
    canonical_id     uuid        NOT NULL UNIQUE,
    status           text        NOT NULL,             -- created, confirmed, shipped, delivered, disputed
    buyer_id         text,
    seller_id        text,
    total_cents      bigint,
    currency         text,
    items            jsonb       NOT NULL DEFAULT '[]',
    status_at        timestamptz NOT NULL,             -- created_at of the event that set the status
    last_event_id    text        NOT NULL,
    first_seen_at    timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (marketplace, order_id)
);

-- Every inbound marketplace event accepted, by its id: a redelivered event is acknowledged and changes nothing.
CREATE TABLE hub.inbound_events (
    marketplace  text        NOT NULL,
    event_id     text        NOT NULL,
    type         text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (marketplace, event_id)
);
