package com.canopyhub.delivery.marketplace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What a listing is made of, read from the reporting database (current state, so a push always carries the latest
 * truth, however many changes came in between): the product row's columns, and
 * <ul>
 *   <li>{@code available}, {@code active_stock}: the product's stock levels summed, in its own unit
 *       ({@code unit_of_measure});</li>
 *   <li>{@code lots}, {@code lots_tested}, {@code lots_passed}, {@code lots_failed}: its inventory lots, and how many
 *       have a lab test, passed it (every Metrc result for the lot's label passed, or, without one, the source
 *       carries a test result), or failed it (a Metrc result, not revoked, that did not pass).</li>
 * </ul>
 * A product deleted upstream ({@code deleted_at}) lists as inactive with nothing available, so every marketplace
 * withdraws it.
 * These are the names a mapping file's Simple expressions use ({@code ${body[available]}}), documented in
 * docs/marketplaces.md.
 */
public final class ListingFacts {

    private static final String QUERY = """
            SELECT p.canonical_id, p.source_system, p.source_id, p.name, p.sku, p.description,
                   CASE WHEN p.deleted_at IS NULL THEN p.active ELSE false END AS active, p.brand_name,
                   p.category_name, p.category_type, p.subcategory_name, p.vendor_name, p.strain_name, p.unit_of_measure,
                   p.unit_price, p.msrp, p.currency, p.units_per_case, p.image_urls::text AS image_urls,
                   CASE WHEN p.deleted_at IS NULL THEN coalesce(s.available, 0) ELSE 0 END AS available,
                   CASE WHEN p.deleted_at IS NULL THEN coalesce(s.active, 0) ELSE 0 END AS active_stock,
                   l.lots, l.lots_tested, l.lots_passed, l.lots_failed
              FROM reporting.products p
              LEFT JOIN LATERAL (SELECT sum(available_quantity) AS available, sum(active_quantity) AS active
                                   FROM reporting.stock_levels s
                                  WHERE s.source_system = p.source_system AND s.product_source_id = p.source_id) s ON true
              LEFT JOIN LATERAL (
                  SELECT count(*) AS lots, count(*) FILTER (WHERE t.tested) AS lots_tested,
                         count(*) FILTER (WHERE t.passed) AS lots_passed, count(*) FILTER (WHERE t.failed) AS lots_failed
                    FROM (SELECT il.test_result IS NOT NULL OR r.results > 0 AS tested,
                                 CASE WHEN r.results > 0 THEN r.all_passed ELSE il.test_result IS NOT NULL END AS passed,
                                 coalesce(r.any_failed, false) AS failed
                            FROM reporting.inventory_lots il
                            LEFT JOIN LATERAL (SELECT count(*) AS results, bool_and(coalesce(overall_passed, false)) AS all_passed,
                                                      bool_or(NOT coalesce(overall_passed, true)) AS any_failed
                                                 FROM reporting.lab_results r
                                                WHERE r.package_label = il.label AND r.revoked_at IS NULL) r ON true
                           WHERE il.source_system = p.source_system AND il.product_source_id = p.source_id) t) l ON true
             WHERE p.canonical_id = ?
            """;

    private ListingFacts() {
    }

    /** The facts of one product, or null when the reporting database has no such product. */
    public static Map<String, Object> of(Connection c, UUID product) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(QUERY)) {
            ps.setObject(1, product);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ResultSetMetaData md = rs.getMetaData();
                Map<String, Object> facts = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    facts.put(md.getColumnLabel(i), v instanceof UUID u ? u.toString() : v);
                }
                return facts;
            }
        }
    }
}
