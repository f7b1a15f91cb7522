package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Distru lists orders by order date, descending (distru-api.txt, orders), not by creation: an order whose date is
 * edited back while a pass pages moves past the read position and pushes the order at the next page boundary out
 * of the pass. The engine notices the moved order (served again, changed) and keeps the cursor, so the next pass
 * reads the window again: nothing is lost.
 */
class OrderDateMovesTest {

    @Test
    void an_order_dated_back_mid_pass_keeps_the_cursor_and_the_order_it_pushed_out_arrives_with_the_next_pass() throws Exception {
        DistruSandbox.Options options = DistruSandbox.Options.defaults(0)
                .withSizes(SandboxSizes.uniform(0).with(SandboxCollection.ORDERS, 1_200));
        try (HubHarness h = new HubHarness(options, "hub.distru.streams", "orders").start()) {
            // pages of 500, newest first: page 1 holds orders 1199..700. While page 2 is asked for, order 1150 (read
            // on page 1) is dated before every other one: it moves to the end, everything after it moves up a place,
            // and order 699, page 2's first until then, slips onto page 1, already read
            AtomicBoolean once = new AtomicBoolean();
            h.sandbox.onPageRequested((collection, page) -> {
                if (collection.equals("orders") && page == 2 && once.compareAndSet(false, true)) {
                    h.sandbox.setOrderDate(1150, Instant.parse("2025-06-01T00:00:00Z"));
                }
            });
            SyncReport first = h.sync();
            assertThat(first.ok()).as(first.table()).isTrue();
            String skipped = DistruSandbox.recordId(SandboxCollection.ORDERS, 699);
            assertThat(h.count("SELECT count(*) FROM reporting.orders WHERE source_id = ?", skipped))
                    .as("the pass did miss it (the hazard is real)").isZero();
            assertThat(h.rows("SELECT error FROM hub.sync_runs WHERE stream = 'orders'")).singleElement()
                    .satisfies(r -> assertThat((String) r.get("error")).startsWith("cursor kept: record")
                            .contains(DistruSandbox.recordId(SandboxCollection.ORDERS, 1150)));
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'orders'")).as("the cursor did not move").isZero();

            h.passSafetyLag();
            SyncReport second = h.sync();
            assertThat(second.ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.orders")).isEqualTo(1_200);
            assertThat(h.count("SELECT count(*) FROM reporting.orders WHERE source_id = ?", skipped)).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'orders'")).isEqualTo(1);
        }
    }

    @Test
    void orders_are_served_newest_first_and_a_quiet_pass_moves_the_cursor() throws Exception {
        DistruSandbox.Options options = DistruSandbox.Options.defaults(0)
                .withSizes(SandboxSizes.uniform(0).with(SandboxCollection.ORDERS, 1_200));
        try (HubHarness h = new HubHarness(options, "hub.distru.streams", "orders").start()) {
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.orders")).isEqualTo(1_200);
            assertThat(h.rows("SELECT error FROM hub.sync_runs WHERE stream = 'orders'")).singleElement()
                    .satisfies(r -> assertThat(r.get("error")).isNull());
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'orders'")).isEqualTo(1);
            assertThat(h.rows("SELECT order_number FROM reporting.orders ORDER BY ordered_at DESC LIMIT 1")).singleElement()
                    .satisfies(r -> assertThat(r.get("order_number")).isEqualTo("SO-001199"));
        }
    }
}
