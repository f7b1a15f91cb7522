package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import org.junit.jupiter.api.Test;

/** An stream whose size is an exact multiple of its page size is read completely, without a failure. */
class PageBoundaryTest {

    private static DistruSandbox.Options exactMultiples() {
        return DistruSandbox.Options.defaults(0).withSizes(SandboxSizes.uniform(0)
                .with(SandboxCollection.PRODUCTS, 10_000).with(SandboxCollection.ORDERS, 1_000));
    }

    @Test
    void exact_multiple_of_the_page_size_stops_on_next_page_null() throws Exception {
        try (HubHarness h = new HubHarness(exactMultiples(), "hub.distru.streams", "products,orders").start()) {
            SyncReport report = h.sync();
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(10_000);
            assertThat(h.count("SELECT count(*) FROM reporting.orders")).isEqualTo(1_000);
            assertThat(h.sandbox.served()).hasSize(4).allMatch(s -> s.status() == 200);
        }
    }

    @Test
    void without_a_next_page_marker_an_empty_page_ends_the_entity() throws Exception {
        try (HubHarness h = new HubHarness(exactMultiples(), "hub.distru.streams", "products,orders").start()) {
            h.sandbox.setIncludeNextPage(false);
            SyncReport report = h.sync();
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(10_000);
            assertThat(h.count("SELECT count(*) FROM reporting.orders")).isEqualTo(1_000);
            // two full pages and one empty page each
            assertThat(h.sandbox.served()).hasSize(6).allMatch(s -> s.status() == 200);
            assertThat(report.total(StreamResult::deadLettered)).isZero();
        }
    }
}
