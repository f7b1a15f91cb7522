package com.canopyhub.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Crash-safety family: records of an earlier page that change while a later page is requested must not shift
 * any other record out of the pass (offset paging over a window that shrinks loses the record at each page
 * boundary, for good: its old timestamp is never read again).
 */
class PageShiftTest {

    private static final int PRODUCTS = 12_000; // three pages of 5000
    private static final int[] ON_PAGE_ONE = {10, 1_000, 2_500, 4_000, 4_990};

    private static HubHarness harness() throws Exception {
        return new HubHarness(DistruSandbox.Options.defaults(0)
                .withSizes(SandboxSizes.uniform(0).with(SandboxCollection.PRODUCTS, PRODUCTS)),
                "hub.distru.entities", "products").start();
    }

    /** While page 2 is requested, five records of page 1 change and are readable at once (stamped "now"). */
    private static AtomicBoolean updatePageOneWhilePageTwoIsRequested(HubHarness h) {
        AtomicBoolean done = new AtomicBoolean();
        h.sandbox.onPageRequested((collection, page) -> {
            if (collection.equals("products") && page == 2 && done.compareAndSet(false, true)) {
                Instant now = h.clock.instant();
                IntStream.of(ON_PAGE_ONE).forEach(i -> h.sandbox.touchLate(SandboxCollection.PRODUCTS, i, now, now));
            }
        });
        return done;
    }

    @Test
    void a_first_sync_reads_every_record_although_records_of_page_one_change_while_page_two_is_requested() throws Exception {
        try (HubHarness h = harness()) {
            AtomicBoolean changed = updatePageOneWhilePageTwoIsRequested(h);
            SyncReport first = h.sync();

            assertThat(changed).isTrue();
            assertThat(first.ok()).as(first.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(PRODUCTS);

            h.passSafetyLag();
            SyncReport second = h.sync();
            assertThat(second.ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(PRODUCTS);
            assertEveryProductIsCurrent(h);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'CREATED'")).isEqualTo(PRODUCTS);
        }
    }

    @Test
    void a_full_pass_reads_every_record_although_records_of_page_one_change_while_page_two_is_requested() throws Exception {
        try (HubHarness h = harness()) {
            updatePageOneWhilePageTwoIsRequested(h);
            SyncReport full = h.fullSync();
            assertThat(full.ok()).as(full.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(PRODUCTS);
        }
    }

    @Test
    void an_incremental_window_of_several_pages_loses_nothing_when_records_of_page_one_change_during_the_pass() throws Exception {
        try (HubHarness h = harness()) {
            assertThat(h.sync().ok()).isTrue();
            // every product changes: the next window spans three pages
            IntStream.range(0, PRODUCTS).forEach(i -> h.sandbox.touch(SandboxCollection.PRODUCTS, i));
            h.passSafetyLag();
            updatePageOneWhilePageTwoIsRequested(h);

            SyncReport incremental = h.sync();
            assertThat(incremental.ok()).as(incremental.table()).isTrue();
            assertThat(incremental.results().get(0).written()).as("every product's new version").isEqualTo(PRODUCTS);

            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertEveryProductIsCurrent(h);
        }
    }

    /** Every product row carries the version the upstream serves now. */
    private static void assertEveryProductIsCurrent(HubHarness h) throws Exception {
        long stale = 0;
        var stored = new java.util.HashMap<String, Instant>();
        for (var row : h.rows("SELECT source_id, source_updated_at FROM reporting.products")) {
            stored.put((String) row.get("source_id"), ((java.time.OffsetDateTime) row.get("source_updated_at")).toInstant());
        }
        for (int i = 0; i < PRODUCTS; i++) {
            Instant upstream = h.sandbox.updatedAt(SandboxCollection.PRODUCTS, i);
            if (!upstream.equals(stored.get(DistruSandbox.recordId(SandboxCollection.PRODUCTS, i)))) {
                stale++;
            }
        }
        assertThat(stale).as("products whose stored version differs from the upstream's").isZero();
    }
}
