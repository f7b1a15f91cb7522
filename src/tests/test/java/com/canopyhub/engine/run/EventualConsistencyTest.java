package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Records that change while a sync pages, or that become readable late, are picked up by the next sync. */
class EventualConsistencyTest {

    private static final int PRODUCTS = 12_000; // three pages of 5000

    @Test
    void a_record_updated_while_the_sync_is_paging_is_picked_up_by_the_next_sync() throws Exception {
        DistruSandbox.Options options = DistruSandbox.Options.defaults(10)
                .withSizes(SandboxSizes.uniform(10).with(SandboxCollection.PRODUCTS, PRODUCTS));
        try (HubHarness h = new HubHarness(options).start()) {
            String alreadyRead = DistruSandbox.recordId(SandboxCollection.PRODUCTS, 42);      // page 1
            String notYetRead = DistruSandbox.recordId(SandboxCollection.PRODUCTS, 11_500);   // page 3
            Instant inWindow = HubHarness.T0.minusSeconds(10);
            AtomicBoolean once = new AtomicBoolean();
            h.sandbox.onPageServed((collection, page) -> {
                if (collection.equals("products") && page == 2 && once.compareAndSet(false, true)) {
                    // both edits land between page 2 and page 3 and are readable at once
                    h.sandbox.touchLate(SandboxCollection.PRODUCTS, 42, inWindow, HubHarness.T0);
                    h.sandbox.touch(SandboxCollection.PRODUCTS, 11_500);
                }
            });
            SyncReport first = h.sync("products");
            assertThat(first.ok()).isTrue();
            assertThat(once).isTrue();
            assertThat(sourceUpdatedAt(h, alreadyRead)).as("page 1 was read before the edit")
                    .isNotEqualTo(inWindow);

            h.passSafetyLag();
            SyncReport second = h.sync("products");

            assertThat(second.ok()).isTrue();
            assertThat(sourceUpdatedAt(h, alreadyRead)).isEqualTo(inWindow);
            assertThat(sourceUpdatedAt(h, notYetRead)).isEqualTo(HubHarness.T0);
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(PRODUCTS);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'UPDATED'")).isEqualTo(2);
        }
    }

    @Test
    void a_change_that_becomes_visible_late_is_picked_up_by_the_overlapping_next_window() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(300)).start()) {
            h.sync("products");
            String late = DistruSandbox.recordId(SandboxCollection.PRODUCTS, 7);
            // stamped inside the next window, but readable only after that sync ran (slower than Distru's 1 s promise)
            Instant stamped = HubHarness.T0.plusSeconds(1);
            h.sandbox.touchLate(SandboxCollection.PRODUCTS, 7, stamped, HubHarness.T0.plusSeconds(30));
            h.clock.advance(Duration.ofSeconds(5));

            h.sync("products");
            assertThat(sourceUpdatedAt(h, late)).as("not readable yet").isNotEqualTo(stamped);

            h.clock.advance(Duration.ofSeconds(60));
            h.sync("products");
            assertThat(sourceUpdatedAt(h, late)).isEqualTo(stamped);
        }
    }

    private static Instant sourceUpdatedAt(HubHarness h, String sourceId) throws Exception {
        return ((OffsetDateTime) h.rows("SELECT source_updated_at FROM reporting.products WHERE source_id = ?", sourceId)
                .get(0).get("source_updated_at")).toInstant();
    }
}
