package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.testing.HubHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A record that cannot be mapped is dead-lettered with its reason; the rest of its page is written. */
class DeadLetterTest {

    @Test
    void a_malformed_record_lands_in_dead_letters_and_the_rest_of_its_page_is_written() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(300), "hub.distru.streams", "products,packages").start()) {
            h.sandbox.setMalformed(SandboxCollection.PACKAGES, 10, true);
            h.sandbox.setMalformed(SandboxCollection.PRODUCTS, 20, true);

            SyncReport report = h.sync();

            assertThat(report.ok()).as("a bad record does not fail the run").isTrue();
            assertThat(report.total(StreamResult::deadLettered)).isEqualTo(2);
            assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots")).isEqualTo(299);
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(299);
            List<Map<String, Object>> letters = h.rows("SELECT * FROM hub.dead_letters ORDER BY stream");
            assertThat(letters).hasSize(2);
            Map<String, Object> pkg = letters.get(0);
            assertThat(pkg.get("stream")).isEqualTo("packages");
            assertThat(pkg.get("source_id")).isEqualTo(DistruSandbox.recordId(SandboxCollection.PACKAGES, 10));
            assertThat(pkg.get("reason").toString()).contains("quantity").contains("'12,5 g' is not a decimal number");
            assertThat(pkg.get("payload").toString()).contains("\"compliance_label\"").contains("12,5 g");
            assertThat(pkg.get("route_id")).isEqualTo("sync-page");
            assertThat(pkg.get("attempts")).isEqualTo(1);
            assertThat(letters.get(1).get("reason").toString()).contains("unit_price");

            // seen again on a full re-read: the open dead letter counts the attempt instead of duplicating
            assertThat(h.fullSync().total(StreamResult::deadLettered)).isEqualTo(2);
            assertThat(h.count("SELECT count(*) FROM hub.dead_letters")).isEqualTo(2);
            assertThat(h.count("SELECT max(attempts) FROM hub.dead_letters")).isEqualTo(2);

            // fixed upstream: the record is written and its dead letter resolved; the other stays open
            h.sandbox.setMalformed(SandboxCollection.PACKAGES, 10, false);
            h.sandbox.touch(SandboxCollection.PACKAGES, 10);
            h.passSafetyLag();
            assertThat(h.sync().total(StreamResult::written)).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots")).isEqualTo(300);
            assertThat(h.rows("SELECT stream FROM hub.dead_letters WHERE resolved_at IS NULL"))
                    .extracting(r -> r.get("stream")).containsExactly("products");
        }
    }
}
