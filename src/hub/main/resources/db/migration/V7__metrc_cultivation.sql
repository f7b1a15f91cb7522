-- Metrc's cultivation records: harvests, plant batches, plants (canonical model 2.0, docs/canonical-model.md).
-- Same common columns as every reporting table (keyed by source_system, source_id; license_number = the licence).

CREATE TABLE reporting.harvests (
    source_system        text        NOT NULL,
    source_id            text        NOT NULL,
    canonical_id         uuid        NOT NULL UNIQUE,
    license_number       text,
    content_hash         text        NOT NULL,
    first_seen_at        timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    source_updated_at    timestamptz,
    attributes           jsonb       NOT NULL DEFAULT '{}',
    name                 text,
    harvest_type         text,
    state                text,        -- active, inactive (finished), onhold
    drying_location_name text,
    plant_count          integer,
    wet_weight           numeric,
    current_weight       numeric,
    waste_weight         numeric,
    weight_unit          text,
    package_count        integer,
    started_at           timestamptz,
    finished_at          timestamptz,
    PRIMARY KEY (source_system, source_id)
);

CREATE TABLE reporting.plant_batches (
    source_system     text        NOT NULL,
    source_id         text        NOT NULL,
    canonical_id      uuid        NOT NULL UNIQUE,
    license_number    text,
    content_hash      text        NOT NULL,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    source_updated_at timestamptz,
    attributes        jsonb       NOT NULL DEFAULT '{}',
    name              text,
    batch_type        text,
    state             text,       -- active, inactive
    strain_source_id  text,
    strain_name       text,
    location_name     text,
    untracked_count   integer,
    tracked_count     integer,
    destroyed_count   integer,
    planted_at        timestamptz,
    PRIMARY KEY (source_system, source_id)
);

CREATE TABLE reporting.plants (
    source_system         text        NOT NULL,
    source_id             text        NOT NULL,
    canonical_id          uuid        NOT NULL UNIQUE,
    license_number        text,
    content_hash          text        NOT NULL,
    first_seen_at         timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    source_updated_at     timestamptz,
    attributes            jsonb       NOT NULL DEFAULT '{}',
    label                 text,       -- the plant tag
    growth_phase          text,
    state                 text,       -- vegetative, flowering, inactive
    plant_batch_source_id text,
    plant_batch_name      text,
    strain_source_id      text,
    strain_name           text,
    location_name         text,
    planted_at            timestamptz,
    vegetative_at         timestamptz,
    flowering_at          timestamptz,
    harvested_at          timestamptz,
    destroyed_at          timestamptz,
    PRIMARY KEY (source_system, source_id)
);
CREATE INDEX plants_label ON reporting.plants (label);
