package com.canopyhub.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.testing.HubHarness;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The transactional outbox: every change is an event, written with the change itself; a no-op sync writes no
 * event; product events come from products only; an order's events are its status transitions.
 */
class OutboxEventsTest {

    private static long events(HubHarness h, String type) throws Exception {
        return h.count("SELECT count(*) FROM hub.outbox WHERE type = ?", type);
    }

    @Test
    void a_first_sync_emits_created_events_a_no_op_none_and_changes_exactly_their_events() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(7),
                "hub.distru.streams", "strains,products,packages,inventory,orders").start()) {
            assertThat(h.sync().ok()).isTrue();
            assertThat(events(h, "product.created")).isEqualTo(7);
            assertThat(events(h, "inventory.updated")).isEqualTo(7 + h.count("SELECT count(*) FROM reporting.stock_levels"));
            assertThat(events(h, "order.created")).isEqualTo(7);
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE aggregate_type = 'strain'")).as("strains emit none").isZero();
            assertThat(h.count("SELECT count(*) FROM hub.outbox o JOIN reporting.products p ON p.canonical_id = o.aggregate_id "
                    + "WHERE o.type = 'product.created'")).as("each event names its record").isEqualTo(7);
            long afterFirst = h.count("SELECT count(*) FROM hub.outbox");

            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).as("a no-op sync emits nothing").isEqualTo(afterFirst);

            h.sandbox.touch(SandboxCollection.PACKAGES, 2);
            h.sandbox.touch(SandboxCollection.PRODUCTS, 3);
            h.passSafetyLag();
            assertThat(h.sync("products", "packages").ok()).isTrue();
            assertThat(events(h, "product.updated")).as("a lot's change is no product event").isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'inventory.updated' AND seq > (SELECT max(seq) - 2 "
                    + "FROM hub.outbox)")).isEqualTo(1);

            Map<String, Object> event = h.rows("SELECT * FROM hub.outbox WHERE type = 'product.updated'").get(0);
            assertThat((String) event.get("id")).startsWith("evt_");
            JsonNode payload = new ObjectMapper().readTree(event.get("payload").toString());
            assertThat(payload.path("source_system").asText()).isEqualTo("distru");
            assertThat(payload.path("source_id").asText()).isEqualTo(DistruSandbox.recordId(SandboxCollection.PRODUCTS, 3));
            assertThat(payload.path("schema_version").asText()).isEqualTo("2.1");
            assertThat(payload.path("canonical_id").asText()).isEqualTo(event.get("aggregate_id").toString());
            assertThat(payload.has("previous_status")).isFalse();
            assertThat(payload.path("record").path("name").asText()).isEqualTo("Product 3");
        }
    }

    @Test
    void an_order_emits_its_status_transitions_once_each() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(1), "hub.distru.streams", "orders").start()) {
            // order 0 starts PENDING; each change moves it one status on: PROCESSING, READY_TO_SHIP, DELIVERING,
            // DELIVERED, COMPLETED
            assertThat(h.sync().ok()).isTrue();
            for (int step = 0; step < 5; step++) {
                h.sandbox.touch(SandboxCollection.ORDERS, 0);
                h.passSafetyLag();
                assertThat(h.sync().ok()).isTrue();
            }
            List<Object> types = h.rows("SELECT type FROM hub.outbox ORDER BY seq").stream().map(r -> r.get("type")).toList();
            assertThat(types).containsExactly("order.created", "order.confirmed", "order.shipped", "order.delivered");
            assertThat(h.rows("SELECT payload::json->>'previous_status' AS p FROM hub.outbox WHERE type = 'order.delivered'").get(0))
                    .containsEntry("p", "DELIVERING");
        }
    }

    @Test
    void an_initial_load_can_be_left_without_events_the_changes_after_it_still_have_theirs() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(4), "hub.distru.streams", "products",
                "hub.outbox.skip-initial-load", "true").start()) {
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(4);
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).as("the initial load emits nothing").isZero();
            h.sandbox.touch(SandboxCollection.PRODUCTS, 1);
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.rows("SELECT type FROM hub.outbox").stream().map(r -> r.get("type")).toList()).containsExactly("product.updated");
        }
    }
}
