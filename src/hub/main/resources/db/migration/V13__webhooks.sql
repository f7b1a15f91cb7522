-- Signed webhooks (docs/webhooks.md): subscriptions, their signing secrets (encrypted), one delivery per event and
-- subscription, and every attempt as a row, so a restart between attempts loses nothing. Plus the once-only state of
-- the derived events inventory.low_stock and document.expiring.

-- Outbox rows not yet fanned out into deliveries (the partial index stays as small as the backlog).
ALTER TABLE hub.outbox ADD COLUMN fanned_out boolean NOT NULL DEFAULT false;
CREATE INDEX outbox_to_fan_out ON hub.outbox (seq) WHERE NOT fanned_out;

CREATE TABLE hub.webhook_subscriptions (
    id              text        PRIMARY KEY,
    url             text        NOT NULL,
    event_patterns  text[]      NOT NULL,              -- as configured: order.*, inventory.low_stock, *
    event_like      text[]      NOT NULL,              -- the same as LIKE patterns: order.%, inventory.low\_stock, %
    description     text,
    origin          text        NOT NULL,              -- config (config/webhooks.yaml) or sandbox (the built-in receiver)
    enabled         boolean     NOT NULL DEFAULT true, -- as configured
    max_in_flight   integer     NOT NULL,
    -- set by the hub: a 410 Gone, or failing continuously for hub.webhooks.disable-after; cleared by `webhooks enable`
    disabled_at     timestamptz,
    disabled_reason text,
    failing_since   timestamptz,                       -- first failure after the last success
    last_success_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Signing secrets, AES-256-GCM encrypted with hub.webhooks.secret-key (the plain secret is never stored). Every secret
-- not expired signs; rotation gives the old ones an expiry.
CREATE TABLE hub.webhook_secrets (
    id              bigserial   PRIMARY KEY,
    subscription_id text        NOT NULL REFERENCES hub.webhook_subscriptions (id) ON DELETE CASCADE,
    encrypted       bytea       NOT NULL,              -- 12-byte nonce || ciphertext || tag
    fingerprint     text        NOT NULL,              -- first 16 hex of SHA-256(secret): recognises a configured one
    origin          text        NOT NULL,              -- config, generated
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz,
    UNIQUE (subscription_id, fingerprint)
);

-- One delivery of one event to one subscription. status: WAITING (an earlier event of the same aggregate is still
-- open for this subscription: per-aggregate order), PENDING (due at next_attempt_at), SENDING (claimed by a node until
-- lease_until), DELIVERED, DEAD (every attempt failed; `webhooks replay` makes it PENDING again). When a delivery ends
-- (DELIVERED, DEAD) the next WAITING one of its aggregate becomes PENDING.
CREATE TABLE hub.webhook_deliveries (
    id              bigserial   PRIMARY KEY,
    subscription_id text        NOT NULL REFERENCES hub.webhook_subscriptions (id) ON DELETE CASCADE,
    event_seq       bigint      NOT NULL,              -- hub.outbox.seq
    event_id        text        NOT NULL,
    event_type      text        NOT NULL,
    aggregate_id    uuid        NOT NULL,
    status          text        NOT NULL DEFAULT 'PENDING',
    attempts        integer     NOT NULL DEFAULT 0,    -- attempts of the current series (a replay starts a new one)
    next_attempt_at timestamptz NOT NULL,
    first_attempt_at timestamptz,
    lease_until     timestamptz,
    claimed_by      text,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (subscription_id, event_seq)
);
-- the claim's indexes (partial, so no other query can wander into them)
CREATE INDEX webhook_deliveries_due ON hub.webhook_deliveries (subscription_id, next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_sending ON hub.webhook_deliveries (subscription_id) WHERE status = 'SENDING';
-- per-aggregate order: the open deliveries of one aggregate, in event order
CREATE INDEX webhook_deliveries_open_aggregate ON hub.webhook_deliveries (subscription_id, aggregate_id, event_seq)
    WHERE status IN ('PENDING', 'SENDING', 'WAITING');
CREATE INDEX webhook_deliveries_status ON hub.webhook_deliveries (subscription_id, status, event_seq);

-- Every attempt: what was sent when, by which node, and what came back. outcome: DELIVERED, FAILED, GONE (410),
-- REFUSED (the URL resolved to a refused address), UNKNOWN (the node stopped before recording the outcome).
CREATE TABLE hub.webhook_attempts (
    id              bigserial   PRIMARY KEY,
    delivery_id     bigint      NOT NULL REFERENCES hub.webhook_deliveries (id) ON DELETE CASCADE,
    attempt         integer     NOT NULL,
    node            text        NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    outcome         text        NOT NULL,
    http_status     integer,
    duration_ms     integer,
    error           text
);
CREATE INDEX webhook_attempts_delivery ON hub.webhook_attempts (delivery_id, attempt);

-- inventory.low_stock fires when a product's stock crosses below its threshold, once: this remembers which side it is on.
CREATE TABLE hub.low_stock_state (
    product_id      uuid        PRIMARY KEY,          -- the product's canonical id
    low             boolean     NOT NULL,
    available       numeric,
    threshold       numeric,
    changed_at      timestamptz NOT NULL DEFAULT now()
);

-- document.expiring fires once per document and threshold (days).
CREATE TABLE hub.document_expiry_notices (
    source_system   text        NOT NULL,
    document_id     text        NOT NULL,
    threshold_days  integer     NOT NULL,
    expires_at      timestamptz NOT NULL,
    noticed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_system, document_id, threshold_days)
);
