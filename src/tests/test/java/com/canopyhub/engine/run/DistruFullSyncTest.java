package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A full Distru sync against the sandbox: every record of every stream lands, with exact values. */
class DistruFullSyncTest {

    private static final int N = 1_200;
    private static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static HubHarness h;
    private static SyncReport report;

    @BeforeAll
    static void syncEverything() throws Exception {
        // orders and locations span several pages (500 and 1000 per page)
        h = new HubHarness(DistruSandbox.Options.defaults(N).withSizes(SandboxSizes.uniform(N))).start();
        report = h.sync();
    }

    @AfterAll
    static void close() {
        h.close();
    }

    @Test
    void every_record_of_every_entity_lands() throws Exception {
        assertThat(report.ok()).as(report.table()).isTrue();
        for (String table : new String[] {"strains", "companies", "locations", "products", "batches", "inventory_lots",
                "stock_levels", "orders"}) {
            assertThat(h.count("SELECT count(*) FROM reporting." + table)).as(table).isEqualTo(N);
        }
        long expectedLines = 0;
        for (int i = 0; i < N; i++) {
            expectedLines += 1 + i % 3;
        }
        assertThat(h.count("SELECT count(*) FROM reporting.order_lines")).isEqualTo(expectedLines);
        assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'CREATED'")).isEqualTo(8L * N);
        assertThat(report.total(StreamResult::written)).isEqualTo(8L * N);
        assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'SUCCEEDED'")).isEqualTo(8);
    }

    @Test
    void product_fields_are_exact_including_decimals_nulls_nested_objects_and_custom_data() throws Exception {
        for (int i : new int[] {1, 7, 10, 11, 12}) {
            JsonNode src = JSON.readTree(h.sandbox.recordJson(SandboxCollection.PRODUCTS, i));
            Map<String, Object> row = h.rows("SELECT * FROM reporting.products WHERE source_id = ?", src.get("id").asText()).get(0);
            assertThat(row.get("name")).isEqualTo(src.get("name").asText());
            assertThat(row.get("sku")).isEqualTo(src.get("sku").asText());
            assertThat(row.get("description")).isEqualTo(src.get("description").isNull() ? null : src.get("description").asText());
            assertThat(row.get("active")).isEqualTo(src.get("is_active").booleanValue());
            // exact decimals: same digits and scale as the decimal string Distru sent
            assertThat((BigDecimal) row.get("unit_price")).isEqualTo(new BigDecimal(src.get("unit_price").asText()));
            assertThat(row.get("msrp")).isEqualTo(src.get("msrp").isNull() ? null : new BigDecimal(src.get("msrp").asText()));
            assertThat(row.get("currency")).isEqualTo("USD");
            assertThat(row.get("brand_name")).isEqualTo(src.get("brand").isNull() ? null : src.get("brand").get("name").asText());
            assertThat(row.get("category_name")).isEqualTo(src.get("category").get("name").asText());
            assertThat(row.get("category_type")).isEqualTo(src.get("category").get("type").asText());
            assertThat(row.get("unit_of_measure")).isEqualTo(src.get("unit_type").get("name").asText());
            assertThat(row.get("strain_source_id")).isEqualTo(src.get("strain").isNull() ? null : src.get("strain").get("id").asText());
            assertThat(((OffsetDateTime) row.get("source_updated_at")).toInstant())
                    .isEqualTo(Instant.parse(src.get("updated_datetime").asText()));
            Map<String, String> custom = new TreeMap<>();
            src.get("custom_data").forEach(f -> custom.put(f.get("name").asText(), f.get("value").isNull() ? null : f.get("value").asText()));
            assertThat(JSON.readValue(row.get("custom_data").toString(), Map.class)).isEqualTo(custom);
            assertThat(JSON.readTree(row.get("image_urls").toString()).size()).isEqualTo(src.get("images").size());
            assertThat(row.get("canonical_id")).isNotNull();
            assertThat(row.get("content_hash").toString()).startsWith("v2:").hasSize(67);
        }
        // the sandbox gives every seventh product no brand: stored as SQL NULL, not the string "null"
        assertThat(h.count("SELECT count(*) FROM reporting.products WHERE brand_name IS NULL")).isEqualTo((N + 6) / 7);
    }

    @Test
    void package_fields_keep_quantities_units_labels_and_test_results() throws Exception {
        for (int i : new int[] {0, 1, 25}) {
            JsonNode src = JSON.readTree(h.sandbox.recordJson(SandboxCollection.PACKAGES, i));
            Map<String, Object> row = h.rows("SELECT * FROM reporting.inventory_lots WHERE source_id = ?", src.get("id").asText()).get(0);
            assertThat(row.get("label")).isEqualTo(DistruSandbox.packageLabel(i));
            assertThat((BigDecimal) row.get("quantity")).isEqualTo(new BigDecimal(src.get("quantity").asText()));
            assertThat(((BigDecimal) row.get("quantity")).scale()).isEqualTo(9);
            assertThat(row.get("quantity_unit")).isEqualTo(src.get("unit_type").get("name").asText());
            assertThat((BigDecimal) row.get("product_unit_quantity")).isEqualTo(new BigDecimal(src.get("product_unit_quantity").asText()));
            assertThat(row.get("product_unit")).isEqualTo(src.get("product_unit_type").get("name").asText());
            assertThat(row.get("license_number")).isEqualTo(src.get("license").get("license_number").asText());
            assertThat(row.get("trade_sample")).isEqualTo(src.get("is_trade_sample").booleanValue());
            if (src.get("primary_test_result").isNull()) {
                assertThat(row.get("test_result")).isNull();
            } else {
                JsonNode stored = JSON.readTree(row.get("test_result").toString());
                assertThat(new BigDecimal(stored.get("thcPercentage").asText()))
                        .isEqualByComparingTo(src.get("primary_test_result").get("thc_percentage").asText());
            }
        }
    }

    @Test
    void orders_carry_their_lines_with_exact_prices_and_package_labels() throws Exception {
        JsonNode src = JSON.readTree(h.sandbox.recordJson(SandboxCollection.ORDERS, 5));
        Map<String, Object> order = h.rows("SELECT * FROM reporting.orders WHERE source_id = ?", src.get("id").asText()).get(0);
        assertThat((BigDecimal) order.get("total")).isEqualTo(new BigDecimal(src.get("total").asText()));
        assertThat(order.get("line_count")).isEqualTo(src.get("items").size());
        for (JsonNode item : src.get("items")) {
            Map<String, Object> line = h.rows("SELECT * FROM reporting.order_lines WHERE source_id = ?", item.get("id").asText()).get(0);
            assertThat(line.get("order_source_id")).isEqualTo(src.get("id").asText());
            assertThat((BigDecimal) line.get("quantity")).isEqualTo(new BigDecimal(item.get("quantity").asText()));
            assertThat((BigDecimal) line.get("unit_price")).isEqualTo(new BigDecimal(item.get("price").asText()));
            assertThat(line.get("package_label")).isEqualTo(item.get("package").get("compliance_label").asText());
        }
    }

    @Test
    void stock_levels_are_keyed_by_their_grouping_and_keep_exact_amounts() throws Exception {
        JsonNode src = JSON.readTree(h.sandbox.recordJson(SandboxCollection.INVENTORY, 3));
        Map<String, Object> row = h.rows("SELECT * FROM reporting.stock_levels WHERE product_source_id = ?",
                src.get("product_id").asText()).get(0);
        assertThat(row.get("location_source_id")).isEqualTo(src.get("location_id").asText());
        assertThat(row.get("batch_number")).isEqualTo(src.get("batch_number").asText());
        assertThat((BigDecimal) row.get("active_quantity")).isEqualTo(new BigDecimal(src.get("active").asText()));
        assertThat(row.get("quantity_unit")).isEqualTo("product-unit");
    }

    @Test
    void a_sync_in_which_nothing_changed_upstream_writes_nothing() throws Exception {
        long changes = h.count("SELECT count(*) FROM hub.record_changes");
        h.passSafetyLag();
        SyncReport again = h.sync();
        assertThat(again.ok()).isTrue();
        assertThat(again.total(StreamResult::written)).isZero();
        assertThat(again.total(StreamResult::changed)).isZero();
        assertThat(h.count("SELECT count(*) FROM hub.record_changes")).isEqualTo(changes);
    }
}
