-- Deletions (docs/sync-engine.md, "Absence from a snapshot"): a record a complete, unfiltered snapshot pass no
-- longer serves keeps its last content and gets deleted_at; it is cleared when the record comes back. The change
-- log records both; a run whose snapshot could not be proven complete is INCOMPLETE (written, nothing deleted).
ALTER TABLE reporting.strains ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.companies ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.locations ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.products ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.batches ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.inventory_lots ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.stock_levels ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.orders ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.harvests ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.plant_batches ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.plants ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.sales_receipts ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.transfers ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.lab_results ADD COLUMN deleted_at timestamptz;
ALTER TABLE reporting.units_of_measure ADD COLUMN deleted_at timestamptz;

ALTER TABLE hub.record_changes DROP CONSTRAINT IF EXISTS record_changes_change_type_check;
ALTER TABLE hub.record_changes ADD CONSTRAINT record_changes_change_type_check
    CHECK (change_type IN ('CREATED', 'UPDATED', 'DELETED', 'RESTORED'));

ALTER TABLE hub.sync_runs DROP CONSTRAINT IF EXISTS sync_runs_status_check;
ALTER TABLE hub.sync_runs ADD CONSTRAINT sync_runs_status_check
    CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'INTERRUPTED', 'SKIPPED', 'ABANDONED', 'UNAVAILABLE', 'INCOMPLETE'));

-- A commodity supply chain (OriginTrace, ../shared/reference/origintrace-api.txt): farms, the batches collected from
-- them, and the shipments they leave in. Links are by source id within a source (a batch's farm may arrive later).
CREATE TABLE reporting.farms (
    source_system      text        NOT NULL,
    source_id          text        NOT NULL,
    canonical_id       uuid        NOT NULL UNIQUE,
    license_number     text,
    content_hash       text        NOT NULL,
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    source_updated_at  timestamptz,
    attributes         jsonb       NOT NULL DEFAULT '{}',
    deleted_at         timestamptz,
    farmer_name        text,
    farmer_id          text,
    farmer_phone       text,        -- personal data: only with hub.origintrace.store-personal-data=true
    community          text,
    area_hectares      numeric,
    commodity          text,
    compliance_status  text,
    created_at         timestamptz,
    PRIMARY KEY (source_system, source_id)
);
CREATE INDEX farms_compliance ON reporting.farms (compliance_status);

CREATE TABLE reporting.collection_batches (
    source_system      text        NOT NULL,
    source_id          text        NOT NULL,
    canonical_id       uuid        NOT NULL UNIQUE,
    license_number     text,
    content_hash       text        NOT NULL,
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    source_updated_at  timestamptz,
    attributes         jsonb       NOT NULL DEFAULT '{}',
    deleted_at         timestamptz,
    farm_source_id     text,        -- reporting.farms.source_id of the same source_system
    agent_id           text,
    status             text,
    total_weight       numeric,
    weight_unit        text,
    bag_count          integer,
    notes              text,
    collected_at       timestamptz,
    created_at         timestamptz,
    PRIMARY KEY (source_system, source_id)
);
CREATE INDEX collection_batches_farm ON reporting.collection_batches (source_system, farm_source_id);

CREATE TABLE reporting.shipments (
    source_system            text        NOT NULL,
    source_id                text        NOT NULL,
    canonical_id             uuid        NOT NULL UNIQUE,
    license_number           text,
    content_hash             text        NOT NULL,
    first_seen_at            timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    source_updated_at        timestamptz,
    attributes               jsonb       NOT NULL DEFAULT '{}',
    deleted_at               timestamptz,
    shipment_code            text,
    status                   text,
    destination_country      text,
    destination_country_code text,      -- ISO 3166-1 alpha-2; null when the name is not recognised
    destination_port         text,
    buyer_company            text,
    commodity                text,      -- lower case
    total_weight_kg          numeric,
    total_items              integer,
    readiness_score          integer,
    readiness_decision       text,
    estimated_ship_date      date,
    created_at               timestamptz,
    PRIMARY KEY (source_system, source_id)
);
CREATE INDEX shipments_status ON reporting.shipments (status);

-- Shipments ready to leave: status ready and a "go" readiness decision, not deleted, soonest first.
CREATE VIEW reporting.v_shipments_ready AS
SELECT s.source_system, s.source_id, s.shipment_code, s.destination_country, s.destination_country_code,
       s.destination_port, s.buyer_company, s.commodity, s.total_weight_kg, s.total_items, s.readiness_score,
       s.readiness_decision, s.estimated_ship_date
  FROM reporting.shipments s
 WHERE s.deleted_at IS NULL AND s.status = 'ready' AND s.readiness_decision = 'go'
 ORDER BY s.estimated_ship_date NULLS LAST, s.shipment_code;

-- Batches collected from farms that are not approved (pending, rejected, deleted, or not known to the hub).
CREATE VIEW reporting.v_batches_from_unapproved_farms AS
SELECT b.source_system, b.source_id AS batch_source_id, b.status AS batch_status, b.total_weight, b.weight_unit,
       b.bag_count, b.collected_at, b.farm_source_id, f.farmer_name, f.farmer_id, f.community,
       CASE WHEN f.source_id IS NULL THEN 'unknown'
            WHEN f.deleted_at IS NOT NULL THEN 'deleted'
            ELSE f.compliance_status END AS farm_compliance_status
  FROM reporting.collection_batches b
  LEFT JOIN reporting.farms f ON f.source_system = b.source_system AND f.source_id = b.farm_source_id
 WHERE b.deleted_at IS NULL
   AND (f.source_id IS NULL OR f.deleted_at IS NOT NULL OR f.compliance_status IS DISTINCT FROM 'approved');
