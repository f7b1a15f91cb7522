package com.canopyhub.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.HubRuntime;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Stopping the hub between pages and restarting it ends with the same data as an uninterrupted run. */
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
            EntityResult products = interrupted.results().stream().filter(r -> r.entity().equals("products")).findFirst().orElseThrow();
            assertThat(products.status()).isEqualTo(SyncStatus.INTERRUPTED);
            assertThat(products.fetched()).isBetween(5_000L, 14_999L);
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE entity = 'products'")).as("cursor stays").isZero();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(products.written());

            h.sandbox.onPageServed((c, p) -> { });
            h.start();
            SyncReport resumed = h.sync();

            assertThat(resumed.ok()).as(resumed.table()).isTrue();
            assertThat(h.reportingSnapshot()).isEqualTo(uninterrupted);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes")).isEqualTo(uninterruptedChanges);
            assertThat(h.count("SELECT count(*) FROM (SELECT entity, source_id FROM hub.record_changes "
                    + "GROUP BY entity, source_id HAVING count(*) > 1) dup")).as("duplicated changes").isZero();
        }
    }
}
