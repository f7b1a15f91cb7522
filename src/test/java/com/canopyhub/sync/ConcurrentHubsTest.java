package com.canopyhub.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.HubRuntime;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Crash-safety family: two hub processes on one database (two `sync --once`, or `sync --once` while `run` is up).
 * One writer per stream: the second steps aside from a stream the first is syncing, every record lands once,
 * and a cursor never moves backwards.
 */
class ConcurrentHubsTest {

    private static final int PRODUCTS = 12_000;
    private static final int PACKAGES = 3_000;

    @Test
    void a_second_hub_process_skips_the_stream_the_first_is_syncing_and_every_record_lands_once() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(0).withSizes(SandboxSizes.uniform(0)
                .with(SandboxCollection.PRODUCTS, PRODUCTS).with(SandboxCollection.PACKAGES, PACKAGES)),
                "hub.distru.entities", "products,packages", "hub.distru.read-timeout-ms", "60000").start()) {
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
            EntityResult skipped = result(second, "products");
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
            assertThat(firstReport.total(EntityResult::written) + second.total(EntityResult::written))
                    .as("written counts add up to the records, not more").isEqualTo(PRODUCTS + PACKAGES);
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'SKIPPED' AND entity = 'products'")).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'RUNNING'")).isZero();
        }
    }

    @Test
    void a_cursor_never_moves_backwards_when_the_clock_does() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(20), "hub.distru.entities", "products").start()) {
            assertThat(h.sync().ok()).isTrue();
            OffsetDateTime before = cursor(h);
            h.clock.advance(Duration.ofHours(-1)); // an NTP correction, or a node with a slow clock
            assertThat(h.sync().ok()).isTrue();
            assertThat(cursor(h)).isEqualTo(before);
        }
    }

    private static OffsetDateTime cursor(HubHarness h) throws Exception {
        return (OffsetDateTime) h.rows("SELECT window_end FROM hub.sync_cursors WHERE entity = 'products'").get(0).get("window_end");
    }

    private static EntityResult result(SyncReport r, String entity) {
        return r.results().stream().filter(x -> x.entity().equals(entity)).findFirst().orElseThrow();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
