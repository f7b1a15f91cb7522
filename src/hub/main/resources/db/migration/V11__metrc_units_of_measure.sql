-- Metrc's units of measure (canonical UnitOfMeasure): global, keyed by name.
CREATE TABLE reporting.units_of_measure (
    source_system     text        NOT NULL,
    source_id         text        NOT NULL,   -- the unit's name
    canonical_id      uuid        NOT NULL UNIQUE,
    license_number    text,
    content_hash      text        NOT NULL,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    source_updated_at timestamptz,
    attributes        jsonb       NOT NULL DEFAULT '{}',
    name              text,
    abbreviation      text,
    quantity_type     text,       -- CountBased, WeightBased, VolumeBased
    active            boolean     NOT NULL,
    PRIMARY KEY (source_system, source_id)
);
