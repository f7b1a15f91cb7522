package com.canopyhub.source.origintrace;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.engine.run.StreamResult;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncStatus;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.origintrace.OriginTraceSandbox;
import com.canopyhub.sandbox.origintrace.OriginTraceSandbox.Collection;
import com.canopyhub.testing.CapturedLogs;
import com.canopyhub.testing.HubHarness;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * OriginTrace end to end on its stateful sandbox (written from origintrace-api.txt) and a real PostgreSQL: exact values
 * of the three resources, snapshot passes proven complete by counting, deletions and restores, budget pacing from the
 * X-RateLimit headers on a simulated clock (an hour of pacing takes no real time), 429s that state their delay in the
 * body, refused keys, and farmers' phone numbers.
 */
class OriginTraceSyncTest {

    private static HubHarness harness(OriginTraceSandbox.Options options, String... overrides) throws Exception {
        HubHarness h = new HubHarness(DistruSandbox.Options.defaults(0), overrides).withOriginTrace(options);
        h.set("hub.retry.max-redeliveries", "2");
        return h;
    }

    private static StreamResult result(SyncReport report, String stream) {
        return report.results().stream().filter(r -> r.stream().equals(stream)).findFirst().orElseThrow();
    }

    /** Requests a counted pass needs: one page, then pages that repeat the previous page's last record. */
    private static long countedRequests(long total, int pageSize) {
        return OriginTraceSettings.requestsPerPass(total, pageSize);
    }

    @Test
    void every_field_of_farms_batches_and_shipments_lands_exactly_a_second_pass_writes_and_sends_nothing_and_events_follow_status_and_readiness() throws Exception {
        try (HubHarness h = harness(OriginTraceSandbox.Options.of(30, 1000), "hub.origintrace.page-size", "7").start()) {
            SyncReport first = h.syncSource("origintrace");
            assertThat(first.ok()).as(first.table()).isTrue();
            assertThat(first.results()).extracting(StreamResult::status).containsOnly(SyncStatus.SUCCEEDED);
            assertThat(h.count("SELECT count(*) FROM reporting.farms")).isEqualTo(30);
            assertThat(h.count("SELECT count(*) FROM reporting.collection_batches")).isEqualTo(60);
            assertThat(h.count("SELECT count(*) FROM reporting.shipments")).isEqualTo(3);
            // 30 farms in pages of 7 (not a multiple): 5 requests, each page after the first repeating one record
            assertThat(h.origintrace.served().stream().filter(s -> s.pathAndQuery().startsWith("/api/v1/farms")).count())
                    .isEqualTo(countedRequests(30, 7));
            assertThat(h.origintrace.served().stream().filter(s -> s.pathAndQuery().startsWith("/api/v1/batches")).count())
                    .isEqualTo(countedRequests(60, 7));

            Map<String, Object> farm = h.rows("SELECT * FROM reporting.farms WHERE source_id = ?",
                    OriginTraceSandbox.id("farm", 3)).get(0);
            assertThat(farm).containsEntry("farmer_name", "Farmer 3").containsEntry("farmer_id", "NGA-00003")
                    .containsEntry("community", "Owo").containsEntry("commodity", "cocoa")
                    .containsEntry("compliance_status", "pending").containsEntry("farmer_phone", null)
                    .containsEntry("license_number", null).containsEntry("deleted_at", null);
            assertThat((BigDecimal) farm.get("area_hectares")).isEqualByComparingTo("4.5");
            assertThat(farm.get("created_at")).isEqualTo(OffsetDateTime.of(2024, 1, 10, 12, 3, 0, 0, ZoneOffset.UTC));

            Map<String, Object> batch = h.rows("SELECT * FROM reporting.collection_batches WHERE source_id = ?",
                    OriginTraceSandbox.id("batch", 33)).get(0);
            assertThat(batch).containsEntry("farm_source_id", OriginTraceSandbox.id("farm", 3))
                    .containsEntry("agent_id", OriginTraceSandbox.id("agent", 5)).containsEntry("status", "completed")
                    .containsEntry("weight_unit", "kg").containsEntry("bag_count", 23).containsEntry("notes", "moisture checked");
            assertThat((BigDecimal) batch.get("total_weight")).isEqualByComparingTo("1033.5");
            assertThat(batch.get("collected_at")).isEqualTo(OffsetDateTime.of(2024, 1, 16, 19, 30, 0, 0, ZoneOffset.UTC));
            assertThat(h.rows("SELECT notes FROM reporting.collection_batches WHERE source_id = ?",
                    OriginTraceSandbox.id("batch", 34)).get(0)).containsEntry("notes", null);

            List<Map<String, Object>> shipments = h.rows("SELECT * FROM reporting.shipments ORDER BY shipment_code");
            assertThat(shipments.get(0)).containsEntry("shipment_code", "SHP-ORG1-000000").containsEntry("status", "draft")
                    .containsEntry("destination_country", "Netherlands").containsEntry("destination_country_code", "NL")
                    .containsEntry("destination_port", "Rotterdam").containsEntry("buyer_company", "Barry Callebaut")
                    .containsEntry("commodity", "cocoa").containsEntry("total_items", 50).containsEntry("readiness_score", 60)
                    .containsEntry("readiness_decision", "no_go")
                    .containsEntry("estimated_ship_date", java.sql.Date.valueOf(LocalDate.of(2024, 2, 15)));
            assertThat((BigDecimal) shipments.get(0).get("total_weight_kg")).isEqualByComparingTo("25000");
            assertThat(shipments.get(1)).containsEntry("commodity", "cocoa").containsEntry("destination_country_code", "BE")
                    .containsEntry("status", "ready").containsEntry("readiness_score", 67);
            assertThat(shipments.get(2)).containsEntry("destination_country", "Germany").containsEntry("destination_country_code", "DE")
                    .containsEntry("readiness_score", 74);
            assertThat(h.count("SELECT count(*) FROM reporting.v_batches_from_unapproved_farms")).as("farms 3 and 4 of every 5")
                    .isEqualTo(24);

            long changes = h.count("SELECT count(*) FROM hub.record_changes");
            long events = h.count("SELECT count(*) FROM hub.outbox");
            assertThat(events).isEqualTo(30 + 60 + 3);
            SyncReport second = h.syncSource("origintrace");
            assertThat(second.ok()).as(second.table()).isTrue();
            assertThat(second.results()).allMatch(r -> r.changed() == 0 && r.written() == 0);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes")).isEqualTo(changes);
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).isEqualTo(events);

            // events follow compliance status, shipment status and readiness; other edits emit nothing
            h.origintrace.edit(Collection.FARMS, OriginTraceSandbox.id("farm", 3), "compliance_status", TextNode.valueOf("approved"));
            h.origintrace.edit(Collection.SHIPMENTS, OriginTraceSandbox.id("shipment", 0), "readiness_score",
                    com.fasterxml.jackson.databind.node.IntNode.valueOf(95));
            h.origintrace.edit(Collection.SHIPMENTS, OriginTraceSandbox.id("shipment", 0), "readiness_decision", TextNode.valueOf("go"));
            h.origintrace.edit(Collection.SHIPMENTS, OriginTraceSandbox.id("shipment", 0), "status", TextNode.valueOf("ready"));
            h.origintrace.edit(Collection.FARMS, OriginTraceSandbox.id("farm", 4), "community", TextNode.valueOf("Idanre"));
            long before = h.count("SELECT max(seq) FROM hub.outbox");
            assertThat(h.syncSource("origintrace").ok()).isTrue();
            List<Map<String, Object>> changed = h.rows("SELECT type, payload FROM hub.outbox WHERE seq > ? ORDER BY type", before);
            assertThat(changed).extracting(r -> r.get("type"))
                    .containsExactly("farm.compliance_changed", "shipment.readiness_changed", "shipment.status_changed");
            assertThat((String) changed.get(0).get("payload")).contains("\"previous\":{\"compliance_status\":\"pending\"}");
            assertThat(h.rows("SELECT shipment_code, readiness_score FROM reporting.v_shipments_ready"))
                    .contains(Map.of("shipment_code", "SHP-ORG1-000000", "readiness_score", 95));
        }
    }

    @Test
    void a_record_inserted_and_one_deleted_between_pages_lose_nothing_and_nothing_is_deleted_until_a_read_is_proven() throws Exception {
        try (HubHarness h = harness(OriginTraceSandbox.Options.of(23, 1000), "hub.origintrace.page-size", "5",
                "hub.origintrace.streams", "farms").start()) {
            String firstFarm = h.origintrace.ids(Collection.FARMS).get(0);
            AtomicInteger inserted = new AtomicInteger();
            // on every read's second page: the first farm (already served) goes, a new one comes in further on; the
            // total stays 23, and the farm at the page boundary moves back onto a page already read
            h.origintrace.beforeAnswer((c, offset) -> {
                if (c == Collection.FARMS && offset == 4) {
                    String gone = h.origintrace.ids(Collection.FARMS).get(0);
                    h.origintrace.delete(Collection.FARMS, gone);
                    int n = 100 + inserted.getAndIncrement();
                    h.origintrace.insert(Collection.FARMS, 12, OriginTraceSandbox.farm(n, "Owo", "approved"));
                }
            });
            SyncReport unsettled = h.syncSource("origintrace");
            StreamResult farms = result(unsettled, "farms");
            assertThat(farms.status()).as(unsettled.table()).isEqualTo(SyncStatus.INCOMPLETE);
            assertThat(farms.error()).contains("records moved across a page boundary").contains("3 reads");
            assertThat(unsettled.ok()).as("written, nothing lost: the pass is OK").isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE deleted_at IS NOT NULL")).as("nothing deleted").isZero();
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'INCOMPLETE' AND error LIKE 'not proven complete%'"))
                    .isEqualTo(1);
            // every farm present upstream now is stored
            for (String id : h.origintrace.ids(Collection.FARMS)) {
                assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE source_id = ?", id)).as(id).isEqualTo(1);
            }

            h.origintrace.beforeAnswer((c, offset) -> { });
            SyncReport settled = h.syncSource("origintrace");
            assertThat(result(settled, "farms").status()).as(settled.table()).isEqualTo(SyncStatus.SUCCEEDED);
            assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE deleted_at IS NULL")).isEqualTo(23);
            assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE deleted_at IS NOT NULL")).isEqualTo(3);
            assertThat(h.rows("SELECT deleted_at FROM reporting.farms WHERE source_id = ?", firstFarm).get(0).get("deleted_at"))
                    .isNotNull();
            assertThat(Set.copyOf(h.origintrace.ids(Collection.FARMS))).containsAll(
                    h.rows("SELECT source_id FROM reporting.farms WHERE deleted_at IS NULL").stream()
                            .map(r -> (String) r.get("source_id")).toList());
        }
    }

    @Test
    void a_removed_record_is_deleted_after_a_complete_pass_only_and_restored_when_it_returns() throws Exception {
        try (HubHarness h = harness(OriginTraceSandbox.Options.of(20, 1000), "hub.origintrace.page-size", "6").start()) {
            assertThat(h.syncSource("origintrace").ok()).isTrue();
            String farmId = OriginTraceSandbox.id("farm", 2);
            String shipmentId = OriginTraceSandbox.id("shipment", 1);
            var farm = h.origintrace.delete(Collection.FARMS, farmId);
            h.origintrace.delete(Collection.SHIPMENTS, shipmentId);

            // a failed pass: the farms' first page fails three times (two retries)
            h.origintrace.failNext(OriginTraceSandbox.Fault.SERVER_ERROR, OriginTraceSandbox.Fault.SERVER_ERROR,
                    OriginTraceSandbox.Fault.SERVER_ERROR);
            SyncReport failed = h.syncSource("origintrace", "farms");
            assertThat(result(failed, "farms").status()).isEqualTo(SyncStatus.FAILED);
            assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE deleted_at IS NOT NULL")).isZero();

            // an interrupted pass: the hub is asked to stop on the farms' second page
            h.origintrace.beforeAnswer((c, offset) -> {
                if (c == Collection.FARMS && offset > 0) {
                    h.hub().requestStop();
                }
            });
            SyncReport interrupted = h.syncSource("origintrace", "farms");
            assertThat(result(interrupted, "farms").status()).isEqualTo(SyncStatus.INTERRUPTED);
            assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE deleted_at IS NOT NULL")).isZero();
            h.origintrace.beforeAnswer((c, offset) -> { });
            h.stopHub();

            // a filtered pass: approved farms only (farm 2 was approved): absence means nothing
            h.set("hub.origintrace.farm-compliance-statuses", "approved").start();
            SyncReport filtered = h.syncSource("origintrace", "farms");
            assertThat(result(filtered, "farms").status()).isEqualTo(SyncStatus.SUCCEEDED);
            assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE deleted_at IS NOT NULL")).isZero();
            assertThat(h.origintrace.served().get(h.origintrace.served().size() - 1).pathAndQuery()).contains("compliance_status=approved");
            h.stopHub();

            h.set("hub.origintrace.farm-compliance-statuses", "").start();
            SyncReport complete = h.syncSource("origintrace");
            assertThat(complete.ok()).as(complete.table()).isTrue();
            assertThat(h.rows("SELECT source_id FROM reporting.farms WHERE deleted_at IS NOT NULL"))
                    .extracting(r -> r.get("source_id")).containsExactly(farmId);
            assertThat(h.rows("SELECT source_id FROM reporting.shipments WHERE deleted_at IS NOT NULL"))
                    .extracting(r -> r.get("source_id")).containsExactly(shipmentId);
            assertThat(h.rows("SELECT farmer_name FROM reporting.farms WHERE source_id = ?", farmId).get(0))
                    .as("the last content stays").containsEntry("farmer_name", "Farmer 2");
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'DELETED'")).isEqualTo(2);
            assertThat(h.rows("SELECT type, payload FROM hub.outbox WHERE type LIKE '%.deleted' ORDER BY type"))
                    .extracting(r -> r.get("type")).containsExactly("farm.deleted", "shipment.deleted");
            assertThat((String) h.rows("SELECT payload FROM hub.outbox WHERE type = 'farm.deleted'").get(0).get("payload"))
                    .contains("\"deleted\":true").contains("\"record\":null").contains(farmId);
            assertThat(h.count("SELECT count(*) FROM reporting.v_batches_from_unapproved_farms WHERE farm_compliance_status = 'deleted'"))
                    .as("farm 2's batches").isEqualTo(2);

            SyncReport again = h.syncSource("origintrace");
            assertThat(again.results()).allMatch(r -> r.changed() == 0);

            h.origintrace.insert(Collection.FARMS, farm);
            SyncReport restored = h.syncSource("origintrace");
            assertThat(restored.ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE deleted_at IS NOT NULL")).isZero();
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'RESTORED'")).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'farm.restored'")).isEqualTo(1);
        }
    }

    @Test
    void more_than_half_of_a_stream_gone_at_once_is_held_until_a_full_pass_confirms_it() throws Exception {
        try (HubHarness h = harness(OriginTraceSandbox.Options.of(30, 1000), "hub.origintrace.streams", "farms").start()) {
            assertThat(h.syncSource("origintrace").ok()).isTrue();
            for (int i = 0; i < 20; i++) {
                h.origintrace.delete(Collection.FARMS, OriginTraceSandbox.id("farm", i));
            }
            assertThat(h.syncSource("origintrace").ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE deleted_at IS NOT NULL")).as("held").isZero();
            SyncReport confirmed = h.hub().sync(new com.canopyhub.engine.run.SyncRequest("origintrace", List.of("farms"), true, "test"));
            assertThat(confirmed.ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE deleted_at IS NOT NULL")).isEqualTo(20);
        }
    }

    @Test
    void a_budget_of_60_an_hour_is_spread_over_a_long_pass_never_spent_to_zero_and_never_answered_429() throws Exception {
        try (HubHarness h = harness(OriginTraceSandbox.Options.of(100, 60), "hub.origintrace.page-size", "5").start()) {
            var start = h.clock.instant();
            SyncReport report = h.syncSource("origintrace");
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.farms")).isEqualTo(100);
            assertThat(h.count("SELECT count(*) FROM reporting.collection_batches")).isEqualTo(200);
            List<OriginTraceSandbox.Served> served = h.origintrace.served();
            long requests = served.size();
            // 78 requests: more than one window's 57
            assertThat(requests).isEqualTo(countedRequests(100, 5) + countedRequests(200, 5) + countedRequests(10, 5)).isEqualTo(78);
            assertThat(served).noneMatch(s -> s.status() == 429);
            assertThat(served).allMatch(s -> s.remaining() > 0);
            Duration took = Duration.between(start, h.clock.instant());
            // 57 requests an hour usable (5 % of 60 = 3 kept): the pass takes about requests / 57 hours, not much more
            assertThat(took).isGreaterThan(Duration.ofMinutes(60 * (requests - 60) / 57));
            assertThat(took).isLessThan(Duration.ofMinutes(60 * requests / 57 + 70));
        }
    }

    @Test
    void a_429_waits_the_seconds_its_body_asks_for() throws Exception {
        try (HubHarness h = harness(OriginTraceSandbox.Options.of(5, 1000), "hub.origintrace.streams", "farms").start()) {
            h.origintrace.retryAfterSeconds(1);
            h.origintrace.failNext(OriginTraceSandbox.Fault.RATE_LIMITED, OriginTraceSandbox.Fault.MALFORMED);
            SyncReport report = h.syncSource("origintrace");
            assertThat(report.ok()).as(report.table()).isTrue();
            List<OriginTraceSandbox.Served> served = h.origintrace.served();
            assertThat(served).extracting(OriginTraceSandbox.Served::status).containsExactly(429, 200, 200);
            assertThat(Duration.ofNanos(served.get(1).nanos() - served.get(0).nanos())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(h.count("SELECT count(*) FROM reporting.farms")).isEqualTo(5);
        }
    }

    @Test
    void invalid_expired_and_unscoped_keys_end_the_pass_with_originTraces_error_naming_the_setting() throws Exception {
        String unscoped = "ot-unscoped-key-5f1d";
        String expired = "ot-expired-key-77a0";
        String wrong = "ot-wrong-key-19c3";
        try (CapturedLogs logs = new CapturedLogs(); HubHarness h = harness(OriginTraceSandbox.Options.of(5, 1000))) {
            h.origintrace.addKey(unscoped, Set.of("write"), null, 1000);
            h.origintrace.addKey(expired, Set.of("read"), HubHarness.T0.minusSeconds(1), 1000);
            for (String[] key : new String[][] {{wrong, "401", "Invalid or expired API key"},
                    {expired, "401", "Invalid or expired API key"}, {unscoped, "403", "Insufficient scope"}}) {
                h.set("hub.origintrace.api-key", key[0]).start();
                SyncReport report = h.syncSource("origintrace");
                assertThat(report.ok()).isFalse();
                StreamResult farms = result(report, "farms");
                assertThat(farms.status()).isEqualTo(SyncStatus.FAILED);
                assertThat(farms.error()).contains("HTTP " + key[1]).contains(key[2]).contains("hub.origintrace.api-key")
                        .doesNotContain(key[0]);
                assertThat(result(report, "batches").status()).isEqualTo(SyncStatus.SKIPPED);
                assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE error LIKE ?", "%" + key[2] + "%")).isPositive();
                h.stopHub();
            }
            assertThat(h.origintrace.served()).as("a refusal is not retried").hasSize(3);
            assertThat(List.of(unscoped, expired, wrong)).noneMatch(logs::mention);
        }
    }

    @Test
    void phone_numbers_stay_out_of_the_database_logs_events_and_dead_letters_unless_enabled() throws Exception {
        try (CapturedLogs logs = new CapturedLogs()) {
            try (HubHarness h = harness(OriginTraceSandbox.Options.of(6, 1000), "hub.origintrace.streams", "farms").start()) {
                var broken = h.origintrace.record(Collection.FARMS, 5);
                h.origintrace.edit(Collection.FARMS, broken.get("id").asText(), "area_hectares", TextNode.valueOf("three"));
                assertThat(h.syncSource("origintrace").ok()).isTrue();
                assertThat(h.count("SELECT count(*) FROM reporting.farms WHERE farmer_phone IS NOT NULL")).isZero();
                assertThat(h.count("SELECT count(*) FROM hub.dead_letters")).isEqualTo(1);
                assertThat(h.count("SELECT count(*) FROM hub.dead_letters WHERE payload::text LIKE '%+23480%'")).isZero();
                assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE payload LIKE '%+23480%'")).isZero();
            }
            try (HubHarness h = harness(OriginTraceSandbox.Options.of(6, 1000), "hub.origintrace.streams", "farms",
                    "hub.origintrace.store-personal-data", "true").start()) {
                var broken = h.origintrace.record(Collection.FARMS, 5);
                h.origintrace.edit(Collection.FARMS, broken.get("id").asText(), "area_hectares", TextNode.valueOf("three"));
                assertThat(h.syncSource("origintrace").ok()).isTrue();
                assertThat(h.rows("SELECT farmer_phone FROM reporting.farms WHERE source_id = ?", OriginTraceSandbox.id("farm", 1))
                        .get(0)).containsEntry("farmer_phone", "+2348000000001");
                assertThat(h.count("SELECT count(*) FROM hub.dead_letters WHERE payload::text LIKE '%+23480%'")).isZero();
                assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE payload LIKE '%+23480%'")).as("events").isZero();
                assertThat(h.count("SELECT count(*) FROM hub.outbox")).isEqualTo(5);
            }
            assertThat(logs.mention("+23480")).as("a phone number in the logs").isFalse();
        }
    }
}
