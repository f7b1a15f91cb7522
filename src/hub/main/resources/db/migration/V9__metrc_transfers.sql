-- Metrc transfers (manifests) with their deliveries and delivered packages (canonical Transfer). A transfer is the
-- unit of change; its deliveries are kept with it as jsonb and shown as one row per delivered package by a view.

CREATE TABLE reporting.transfers (
    source_system              text        NOT NULL,
    source_id                  text        NOT NULL,
    canonical_id               uuid        NOT NULL UNIQUE,
    license_number             text,        -- the licence whose pass last wrote it (shipper or a recipient)
    content_hash               text        NOT NULL,
    first_seen_at              timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    source_updated_at          timestamptz,
    attributes                 jsonb       NOT NULL DEFAULT '{}',
    manifest_number            text,
    shipper_license_number     text,
    shipper_name               text,
    transporter_license_number text,
    transporter_name           text,
    shipment_type_name         text,
    package_count              integer,
    received_package_count     integer,
    voided                     boolean     NOT NULL,
    created_at                 timestamptz,
    delivery_count             integer,
    deliveries                 jsonb       NOT NULL DEFAULT '[]',
    PRIMARY KEY (source_system, source_id)
);
CREATE INDEX transfers_manifest ON reporting.transfers (manifest_number);

-- One row per package on a delivery: who shipped it to whom, what was shipped and what was received.
CREATE VIEW reporting.v_transfer_packages AS
SELECT t.source_system, t.source_id AS transfer_source_id, t.manifest_number, t.shipper_license_number,
       d.delivery ->> 'sourceId' AS delivery_source_id,
       d.delivery ->> 'recipientLicenseNumber' AS recipient_license_number,
       p.package ->> 'packageSourceId' AS package_source_id,
       p.package ->> 'packageLabel' AS package_label,
       p.package ->> 'itemName' AS item_name,
       p.package ->> 'shipmentPackageState' AS shipment_package_state,
       (p.package -> 'shipped' ->> 'amount')::numeric AS shipped_quantity,
       p.package -> 'shipped' ->> 'unit' AS shipped_unit,
       (p.package -> 'received' ->> 'amount')::numeric AS received_quantity,
       p.package -> 'received' ->> 'unit' AS received_unit
  FROM reporting.transfers t
 CROSS JOIN LATERAL jsonb_array_elements(t.deliveries) AS d(delivery)
 CROSS JOIN LATERAL jsonb_array_elements(d.delivery -> 'packages') AS p(package);
