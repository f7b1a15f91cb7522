-- Metrc sales receipts (dispensary licences) with their lines (canonical SalesReceipt). The lines are kept with
-- their receipt as jsonb (a receipt is the unit of change, like an order) and shown as rows by a view.

CREATE TABLE reporting.sales_receipts (
    source_system           text        NOT NULL,
    source_id               text        NOT NULL,
    canonical_id            uuid        NOT NULL UNIQUE,
    license_number          text,
    content_hash            text        NOT NULL,
    first_seen_at           timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    source_updated_at       timestamptz,
    attributes              jsonb       NOT NULL DEFAULT '{}',
    receipt_number          text,
    external_receipt_number text,
    sold_at_local           timestamp,   -- Metrc's SalesDateTime: the facility's local time, no offset
    customer_type           text,
    state                   text,        -- active, inactive
    is_final                boolean     NOT NULL,
    total_packages          integer,
    total_price             numeric,
    currency                text,
    line_count              integer,
    lines                   jsonb       NOT NULL DEFAULT '[]',
    PRIMARY KEY (source_system, source_id)
);

-- One row per line: the package sold from, the quantity with its unit, the amount.
CREATE VIEW reporting.v_sales_receipt_lines AS
SELECT r.source_system, r.source_id AS receipt_source_id, r.canonical_id AS receipt_canonical_id, r.license_number,
       r.sold_at_local, l.ordinality AS line_number,
       l.line ->> 'packageSourceId' AS package_source_id,
       l.line ->> 'packageLabel' AS package_label,
       l.line ->> 'productName' AS product_name,
       l.line ->> 'productCategoryName' AS product_category_name,
       (l.line -> 'quantitySold' ->> 'amount')::numeric AS quantity,
       l.line -> 'quantitySold' ->> 'unit' AS quantity_unit,
       (l.line -> 'totalAmount' ->> 'amount')::numeric AS total_amount,
       l.line -> 'totalAmount' ->> 'currency' AS currency
  FROM reporting.sales_receipts r
 CROSS JOIN LATERAL jsonb_array_elements(r.lines) WITH ORDINALITY AS l(line, ordinality);
