package com.canopyhub.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** document.expiring: once per document and threshold, as time moves documents inside the thresholds. */
class DocumentExpiryTest {

    @Test
    void a_lab_result_emits_one_event_per_threshold_it_enters_once() throws Exception {
        Path yaml = Files.createTempFile("webhooks", ".yaml");
        Files.writeString(yaml, "document_expiring:\n  days: [30, 7]\n");
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(0), "hub.webhooks.file", yaml.toString(),
                "hub.webhooks.sandbox-receiver", "false").start()) {
            Instant now = h.clock.instant();
            labResult(h, "A", "THC", now.plus(Duration.ofDays(20)), false);
            labResult(h, "A", "CBD", now.plus(Duration.ofDays(20)), false);
            labResult(h, "B", "THC", now.plus(Duration.ofDays(5)), false);
            labResult(h, "C", "THC", now.plus(Duration.ofDays(60)), false);
            labResult(h, "D", "THC", now.plus(Duration.ofDays(3)), true);
            DocumentExpiry expiry = h.hub().bean("documentExpiry", DocumentExpiry.class);

            assertThat(expiry.check()).isEqualTo(2);
            assertThat(events(h)).containsExactlyInAnyOrder("A:30", "B:7");
            assertThat(expiry.check()).as("nothing new: once per document and threshold").isZero();

            h.clock.advance(Duration.ofDays(14)); // A: 6 days left; C: 46
            assertThat(expiry.check()).isEqualTo(1);
            assertThat(events(h)).containsExactlyInAnyOrder("A:30", "B:7", "A:7");
            assertThat(expiry.check()).isZero();
            Map<String, Object> a7 = h.rows("SELECT payload::json->>'days_left' AS d, payload::json->>'test_types' AS t, aggregate_type "
                    + "FROM hub.outbox WHERE payload::json->>'source_id' = 'A' AND payload::json->>'threshold_days' = '7'").get(0);
            assertThat(a7).containsEntry("d", "6").containsEntry("t", "CBD, THC").containsEntry("aggregate_type", "document");
        }
    }

    private static List<String> events(HubHarness h) throws Exception {
        return h.rows("SELECT payload::json->>'source_id' || ':' || (payload::json->>'threshold_days') AS e FROM hub.outbox "
                + "WHERE type = 'document.expiring'").stream().map(r -> (String) r.get("e")).toList();
    }

    private static void labResult(HubHarness h, String result, String test, Instant expires, boolean revoked) throws Exception {
        h.execute("INSERT INTO reporting.lab_results (source_system, source_id, canonical_id, content_hash, lab_test_result_id, "
                + "package_label, test_type_name, expires_at, revoked_at) VALUES ('metrc', '" + result + "/" + test + "', gen_random_uuid(), 'x', '"
                + result + "', 'LBL-" + result + "', '" + test + "', '" + expires + "', " + (revoked ? "now()" : "NULL") + ")");
    }
}
