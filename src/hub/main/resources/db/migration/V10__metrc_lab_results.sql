-- Metrc lab results (canonical LabResult): one row per test of a result, read for packages whose lab testing state
-- changed. And the results that are about to expire.

CREATE TABLE reporting.lab_results (
    source_system      text        NOT NULL,
    source_id          text        NOT NULL,   -- LabTestResultId/TestTypeName
    canonical_id       uuid        NOT NULL UNIQUE,
    license_number     text,
    content_hash       text        NOT NULL,
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    source_updated_at  timestamptz,
    attributes         jsonb       NOT NULL DEFAULT '{}',
    lab_test_result_id text,
    package_source_id  text,
    package_label      text,
    lab_license_number text,
    lab_name           text,
    product_name       text,
    test_type_name     text,
    test_passed        boolean,
    overall_passed     boolean,
    result_level       numeric,
    comment            text,
    test_performed_at  timestamptz,
    released_at        timestamptz,
    expires_at         timestamptz,
    revoked_at         timestamptz,
    PRIMARY KEY (source_system, source_id)
);
CREATE INDEX lab_results_package ON reporting.lab_results (package_label);
CREATE INDEX lab_results_expires ON reporting.lab_results (expires_at) WHERE expires_at IS NOT NULL;

-- Lab results (not revoked) expiring within the next 30 days, soonest first, with the package they certify.
CREATE VIEW reporting.v_lab_results_expiring AS
SELECT r.package_label, r.package_source_id, r.license_number, r.lab_test_result_id, r.test_type_name,
       r.lab_name, r.expires_at, ceil(extract(epoch FROM r.expires_at - now()) / 86400)::integer AS days_left
  FROM reporting.lab_results r
 WHERE r.revoked_at IS NULL AND r.expires_at IS NOT NULL
   AND r.expires_at >= now() AND r.expires_at < now() + interval '30 days'
 ORDER BY r.expires_at;
