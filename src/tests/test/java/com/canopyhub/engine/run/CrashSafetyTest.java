package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.app.HubRuntime;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Crash safety: stopping the hub between pages and restarting it, pages that shift while a pass reads them, and two
 * hub processes on one database all end with the same data as one uninterrupted run.
 */
class CrashSafetyTest {

    private static DistruSandbox.Options dataset() {
        return DistruSandbox.Options.defaults(600).withSizes(SandboxSizes.uniform(600)
                .with(SandboxCollection.PRODUCTS, 15_000).with(SandboxCollection.PACKAGES, 11_000));
    }

    @Test
    void stopped_mid_sync_then_restarted_ends_equal_to_an_uninterrupted_run() throws Exception {
        List<String> uninterrupted;
        long uninterruptedChanges;
        try (HubHarness h = new HubHarness(dataset()).start()) {
            assertThat(h.sync().ok()).isTrue();
            uninterrupted = h.reportingSnapshot();
            uninterruptedChanges = h.count("SELECT count(*) FROM hub.record_changes");
        }

        try (HubHarness h = new HubHarness(dataset()).start()) {
            HubRuntime running = h.hub();
            AtomicReference<Thread> stopper = new AtomicReference<>();
            h.sandbox.onPageServed((collection, page) -> {
                if (collection.equals("products") && page == 2 && stopper.get() == null) {
                    Thread t = new Thread(running::close, "test-stop");
                    stopper.set(t);
                    t.start();
                }
            });
            SyncReport interrupted = h.sync();
            stopper.get().join();
            h.stopHub();

            assertThat(interrupted.ok()).isFalse();
            StreamResult products = interrupted.results().stream().filter(r -> r.stream().equals("products")).findFirst().orElseThrow();
            assertThat(products.status()).isEqualTo(SyncStatus.INTERRUPTED);
            assertThat(products.fetched()).isBetween(5_000L, 14_999L);
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'products'")).as("cursor stays").isZero();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(products.written());

            h.sandbox.onPageServed((c, p) -> { });
            h.start();
            SyncReport resumed = h.sync();

            assertThat(resumed.ok()).as(resumed.table()).isTrue();
            assertThat(h.reportingSnapshot()).isEqualTo(uninterrupted);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes")).isEqualTo(uninterruptedChanges);
            assertThat(h.count("SELECT count(*) FROM (SELECT stream, source_id FROM hub.record_changes "
                    + "GROUP BY stream, source_id HAVING count(*) > 1) dup")).as("duplicated changes").isZero();
        }
    }

    /**
     * Records of an earlier page that change while a later page is requested must not shift
     * any other record out of the pass (offset paging over a window that shrinks loses the record at each page
     * boundary, for good: its old timestamp is never read again).
     */
    @Nested
    class PagesShiftingDuringAPass {

        private static final int PRODUCTS = 12_000; // three pages of 5000
        private static final int[] ON_PAGE_ONE = {10, 1_000, 2_500, 4_000, 4_990};

        private static HubHarness harness() throws Exception {
            return new HubHarness(DistruSandbox.Options.defaults(0)
                    .withSizes(SandboxSizes.uniform(0).with(SandboxCollection.PRODUCTS, PRODUCTS)),
                    "hub.distru.streams", "products").start();
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
                h.passSafetyLag();
                assertThat(h.sync().ok()).isTrue();
                assertEveryProductIsCurrent(h);
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
            var stored = new HashMap<String, Instant>();
            for (var row : h.rows("SELECT source_id, source_updated_at FROM reporting.products")) {
                stored.put((String) row.get("source_id"), ((OffsetDateTime) row.get("source_updated_at")).toInstant());
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

    /**
     * Two hub processes on one database (two `sync --once`, or `sync --once` while `run` is up).
     * One writer per stream: the second steps aside from a stream the first is syncing, every record lands once,
     * and a cursor never moves backwards.
     */
    @Nested
    class TwoHubProcessesOnOneDatabase {

        private static final int PRODUCTS = 12_000;
        private static final int PACKAGES = 3_000;

        @Test
        void a_second_hub_process_skips_the_stream_the_first_is_syncing_and_every_record_lands_once() throws Exception {
            try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(0).withSizes(SandboxSizes.uniform(0)
                    .with(SandboxCollection.PRODUCTS, PRODUCTS).with(SandboxCollection.PACKAGES, PACKAGES)),
                    "hub.distru.streams", "products,packages", "hub.distru.read-timeout-ms", "60000").start()) {
                AtomicBoolean firstIsInsideProducts = new AtomicBoolean();
                CountDownLatch secondDone = new CountDownLatch(1);
                h.sandbox.onPageRequested((collection, page) -> {
                    if (collection.equals("products") && page == 2 && firstIsInsideProducts.compareAndSet(false, true)) {
                        awaitLatch(secondDone);
                    }
                });
                CompletableFuture<SyncReport> first = CompletableFuture.supplyAsync(h::sync);
                await().atMost(Duration.ofSeconds(60)).untilTrue(firstIsInsideProducts);

                SyncReport second;
                try (HubRuntime other = h.startAnotherHub()) {
                    second = HubHarness.sync(other);
                } finally {
                    secondDone.countDown();
                }
                SyncReport firstReport = first.get(120, TimeUnit.SECONDS);

                assertThat(second.ok()).as("a pass that skipped a stream is not OK").isFalse();
                StreamResult skipped = result(second, "products");
                assertThat(skipped.status()).isEqualTo(SyncStatus.SKIPPED);
                assertThat(skipped.error()).contains("distru/products is being synced by another hub process (pid "
                        + ProcessHandle.current().pid() + ", host " + HubDatabase.hostName());
                assertThat(result(second, "packages").status()).isEqualTo(SyncStatus.SUCCEEDED);
                assertThat(second.table()).containsPattern("distru\\s+products\\s+SKIPPED");

                assertThat(firstReport.ok()).as(firstReport.table()).isTrue();
                assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(PRODUCTS);
                assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots")).isEqualTo(PACKAGES);
                assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'CREATED'"))
                        .as("every record created exactly once").isEqualTo(PRODUCTS + PACKAGES);
                assertThat(firstReport.total(StreamResult::written) + second.total(StreamResult::written))
                        .as("written counts add up to the records, not more").isEqualTo(PRODUCTS + PACKAGES);
                assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'SKIPPED' AND stream = 'products'")).isEqualTo(1);
                assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'RUNNING'")).isZero();
            }
        }

        @Test
        void a_cursor_never_moves_backwards_when_the_clock_does() throws Exception {
            try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(20), "hub.distru.streams", "products").start()) {
                assertThat(h.sync().ok()).isTrue();
                OffsetDateTime before = cursor(h);
                h.clock.advance(Duration.ofHours(-1)); // an NTP correction, or a node with a slow clock
                assertThat(h.sync().ok()).isTrue();
                assertThat(cursor(h)).isEqualTo(before);
            }
        }

        private static OffsetDateTime cursor(HubHarness h) throws Exception {
            return (OffsetDateTime) h.rows("SELECT window_end FROM hub.sync_cursors WHERE stream = 'products'").get(0).get("window_end");
        }

        private static StreamResult result(SyncReport r, String stream) {
            return r.results().stream().filter(x -> x.stream().equals(stream)).findFirst().orElseThrow();
        }

        private static void awaitLatch(CountDownLatch latch) {
            try {
                latch.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
