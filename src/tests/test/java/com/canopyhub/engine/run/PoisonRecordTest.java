package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.Poison;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.testing.HubHarness;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A record PostgreSQL cannot hold (a NUL byte, a number beyond NUMERIC, or anything else it rejects) is
 * dead-lettered with its source id and reason; the rest of its page is written, the run completes, the cursor moves.
 */
class PoisonRecordTest {

    @Test
    void values_postgres_cannot_store_are_dead_lettered_naming_the_field_and_the_rest_is_written() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(300), "hub.distru.streams", "products,packages").start()) {
            h.sandbox.setPoison(SandboxCollection.PRODUCTS, 7, Poison.NUL_IN_TEXT);
            h.sandbox.setPoison(SandboxCollection.PRODUCTS, 8, Poison.HUGE_NUMBER);
            h.sandbox.setPoison(SandboxCollection.PACKAGES, 9, Poison.HUGE_NUMBER);
            h.sandbox.setPoison(SandboxCollection.PACKAGES, 10, Poison.NUL_IN_TEXT);

            SyncReport report = h.sync();

            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(report.total(StreamResult::written)).isEqualTo(596);
            assertThat(report.total(StreamResult::deadLettered)).isEqualTo(4);
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(298);
            assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots")).isEqualTo(298);
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors")).as("both cursors moved").isEqualTo(2);
            Map<String, String> reasons = reasons(h);
            assertThat(reasons.get(DistruSandbox.recordId(SandboxCollection.PRODUCTS, 7))).contains("name").contains("NUL");
            assertThat(reasons.get(DistruSandbox.recordId(SandboxCollection.PRODUCTS, 8))).contains("unit_price").contains("NUMERIC");
            assertThat(reasons.get(DistruSandbox.recordId(SandboxCollection.PACKAGES, 9))).contains("quantity").contains("NUMERIC");
            assertThat(reasons.get(DistruSandbox.recordId(SandboxCollection.PACKAGES, 10))).contains("location.name").contains("NUL");

            h.passSafetyLag();
            SyncReport next = h.sync();
            assertThat(next.ok()).as(next.table()).isTrue();
        }
    }

    @Test
    void a_record_the_database_rejects_anyway_is_isolated_and_the_rest_of_its_page_is_written() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(300), "hub.distru.streams", "products").start()) {
            // a rule the mapper knows nothing about, as a DBA might add one
            h.execute("ALTER TABLE reporting.products ADD CONSTRAINT no_sku_17 CHECK (sku <> 'SKU-0000017')");

            SyncReport report = h.sync();

            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(report.results().get(0).written()).isEqualTo(299);
            assertThat(report.results().get(0).deadLettered()).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(299);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes")).as("no change logged without its row").isEqualTo(299);
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors")).isEqualTo(1);
            List<Map<String, Object>> letters = h.rows("SELECT source_id, reason, payload FROM hub.dead_letters");
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).get("source_id")).isEqualTo(DistruSandbox.recordId(SandboxCollection.PRODUCTS, 17));
            assertThat(letters.get(0).get("reason").toString()).contains("no_sku_17").contains("23514");
            assertThat(letters.get(0).get("payload").toString()).contains("SKU-0000017");

            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
        }
    }

    private static Map<String, String> reasons(HubHarness h) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (Map<String, Object> r : h.rows("SELECT source_id, reason FROM hub.dead_letters")) {
            out.put((String) r.get("source_id"), (String) r.get("reason"));
        }
        return out;
    }
}
