-- Canopy Hub schema v1. Documented in docs/reporting-schema.md.
-- Schema hub: the hub's own state. Schema reporting: one table per canonical entity.

CREATE SCHEMA IF NOT EXISTS hub;
CREATE SCHEMA IF NOT EXISTS reporting;

-- ---------------------------------------------------------------- hub

CREATE TABLE hub.sync_cursors (
    source_system text        NOT NULL,
    entity        text        NOT NULL,
    window_end    timestamptz NOT NULL,  -- end of the last window whose records every sink took
    last_run_id   bigint,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_system, entity)
);

CREATE TABLE hub.sync_runs (
    id            bigserial   PRIMARY KEY,
    pass_id       uuid        NOT NULL,
    source_system text        NOT NULL,
    entity        text        NOT NULL,
    trigger       text        NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    status        text        NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'INTERRUPTED', 'SKIPPED')),
    window_start  timestamptz,
    window_end    timestamptz,
    pages         integer,
    fetched       bigint,
    changed       bigint,
    written       bigint,
    dead_lettered bigint,
    error         text
);
CREATE INDEX sync_runs_entity_started ON hub.sync_runs (source_system, entity, started_at DESC);

CREATE TABLE hub.dead_letters (
    id              bigserial   PRIMARY KEY,
    fingerprint     text        NOT NULL,  -- same failure seen again bumps attempts on the open row
    source_system   text        NOT NULL,
    entity          text        NOT NULL,
    source_id       text,
    route_id        text,
    reason          text        NOT NULL,
    payload         text,                  -- the record as it arrived, or the failed request
    attempts        integer     NOT NULL DEFAULT 1,
    first_failed_at timestamptz NOT NULL,
    last_failed_at  timestamptz NOT NULL,
    sync_run_id     bigint,
    resolved_at     timestamptz
);
CREATE UNIQUE INDEX dead_letters_open_fingerprint ON hub.dead_letters (fingerprint) WHERE resolved_at IS NULL;
CREATE INDEX dead_letters_entity ON hub.dead_letters (source_system, entity, last_failed_at DESC);

CREATE TABLE hub.record_changes (
    id            bigserial   PRIMARY KEY,
    entity        text        NOT NULL,  -- reporting table name
    source_system text        NOT NULL,
    source_id     text        NOT NULL,
    canonical_id  uuid        NOT NULL,
    change_type   text        NOT NULL CHECK (change_type IN ('CREATED', 'UPDATED')),
    old_hash      text,
    new_hash      text        NOT NULL,
    sync_run_id   bigint,
    changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_changes_record ON hub.record_changes (source_system, entity, source_id);
CREATE INDEX record_changes_changed_at ON hub.record_changes (changed_at);

-- record_changes is append-only: an audit trail must not be rewritten.
CREATE FUNCTION hub.forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hub.record_changes is append-only';
END;
$$;
CREATE TRIGGER record_changes_append_only BEFORE UPDATE OR DELETE ON hub.record_changes
    FOR EACH ROW EXECUTE FUNCTION hub.forbid_change();

-- ---------------------------------------------------------------- reporting
-- Every table: keyed by (source_system, source_id); canonical_id is the stable cross-system id;
-- content_hash is the SHA-256 of the canonical record; first_seen_at is set once, updated_at on each change.

CREATE TABLE reporting.strains (
    source_system     text        NOT NULL,
    source_id         text        NOT NULL,
    canonical_id      uuid        NOT NULL UNIQUE,
    license_number    text,
    content_hash      text        NOT NULL,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    source_updated_at timestamptz,
    name              text,
    PRIMARY KEY (source_system, source_id)
);

CREATE TABLE reporting.companies (
    source_system     text        NOT NULL,
    source_id         text        NOT NULL,
    canonical_id      uuid        NOT NULL UNIQUE,
    license_number    text,
    content_hash      text        NOT NULL,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    source_updated_at timestamptz,
    name              text,
    legal_name        text,
    category          text,
    relationship_type text,
    email             text,
    phone             text,
    website           text,
    license_numbers   jsonb       NOT NULL DEFAULT '[]',
    custom_data       jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (source_system, source_id)
);

CREATE TABLE reporting.locations (
    source_system     text        NOT NULL,
    source_id         text        NOT NULL,
    canonical_id      uuid        NOT NULL UNIQUE,
    license_number    text,
    content_hash      text        NOT NULL,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    source_updated_at timestamptz,
    name              text,
    address           text,
    company_source_id text,
    license_source_id text,
    PRIMARY KEY (source_system, source_id)
);

CREATE TABLE reporting.products (
    source_system     text        NOT NULL,
    source_id         text        NOT NULL,
    canonical_id      uuid        NOT NULL UNIQUE,
    license_number    text,
    content_hash      text        NOT NULL,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    source_updated_at timestamptz,
    name              text,
    sku               text,
    description       text,
    active            boolean     NOT NULL,
    brand_name        text,
    category_name     text,
    category_type     text,
    subcategory_name  text,
    vendor_name       text,
    strain_source_id  text,
    strain_name       text,
    unit_of_measure   text,
    unit_price        numeric,
    msrp              numeric,
    currency          text,
    units_per_case    numeric,
    image_urls        jsonb       NOT NULL DEFAULT '[]',
    custom_data       jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (source_system, source_id)
);

CREATE TABLE reporting.batches (
    source_system     text        NOT NULL,
    source_id         text        NOT NULL,
    canonical_id      uuid        NOT NULL UNIQUE,
    license_number    text,
    content_hash      text        NOT NULL,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    source_updated_at timestamptz,
    name              text,
    batch_number      text,
    product_source_id text,
    description       text,
    expires_at        timestamptz,
    owner_source_id   text,
    test_result       jsonb,
    custom_data       jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (source_system, source_id)
);

CREATE TABLE reporting.inventory_lots (
    source_system         text        NOT NULL,
    source_id             text        NOT NULL,
    canonical_id          uuid        NOT NULL UNIQUE,
    license_number        text,
    content_hash          text        NOT NULL,
    first_seen_at         timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    source_updated_at     timestamptz,
    label                 text,        -- compliance tag (Metrc package label): joins Distru and Metrc
    product_source_id     text,
    batch_number          text,
    location_source_id    text,
    location_name         text,
    status                text,
    quantity              numeric,
    quantity_available    numeric,
    quantity_assembling   numeric,
    quantity_unit         text,
    product_unit_quantity numeric,
    product_unit          text,
    expires_at            timestamptz,
    trade_sample          boolean     NOT NULL,
    test_result           jsonb,
    custom_data           jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (source_system, source_id)
);
CREATE INDEX inventory_lots_label ON reporting.inventory_lots (label);

CREATE TABLE reporting.stock_levels (
    source_system      text        NOT NULL,
    source_id          text        NOT NULL,  -- product|location|batch number
    canonical_id       uuid        NOT NULL UNIQUE,
    license_number     text,
    content_hash       text        NOT NULL,
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    source_updated_at  timestamptz,
    product_source_id  text        NOT NULL,
    location_source_id text,
    batch_number       text,
    active_quantity    numeric     NOT NULL,
    available_quantity numeric     NOT NULL,
    quantity_unit      text        NOT NULL,
    PRIMARY KEY (source_system, source_id)
);

CREATE TABLE reporting.orders (
    source_system              text        NOT NULL,
    source_id                  text        NOT NULL,
    canonical_id               uuid        NOT NULL UNIQUE,
    license_number             text,
    content_hash               text        NOT NULL,
    first_seen_at              timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    source_updated_at          timestamptz,
    order_number               text,
    status                     text,
    customer_source_id         text,
    customer_name              text,
    billing_location_source_id  text,
    shipping_location_source_id text,
    ordered_at                 timestamptz,
    due_at                     timestamptz,
    delivery_at                timestamptz,
    created_at                 timestamptz,
    total                      numeric,
    currency                   text,
    internal_notes             text,
    line_count                 integer     NOT NULL,
    custom_data                jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (source_system, source_id)
);

CREATE TABLE reporting.order_lines (
    source_system      text        NOT NULL,
    source_id          text        NOT NULL,  -- the line's id upstream
    canonical_id       uuid        NOT NULL UNIQUE,
    order_source_id    text        NOT NULL,
    order_canonical_id uuid        NOT NULL,
    content_hash       text        NOT NULL,
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    product_source_id  text,
    product_name       text,
    sku                text,
    batch_source_id    text,
    batch_number       text,
    package_label      text,
    location_source_id text,
    quantity           numeric,
    returned_quantity  numeric,
    quantity_unit      text,
    unit_price         numeric,
    unit_price_base    numeric,
    currency           text,
    PRIMARY KEY (source_system, source_id),
    FOREIGN KEY (source_system, order_source_id) REFERENCES reporting.orders (source_system, source_id) ON DELETE CASCADE
);
CREATE INDEX order_lines_order ON reporting.order_lines (source_system, order_source_id);
