package com.canopyhub.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hub paces its requests; the sandbox enforces a rate limit and the hub rides it out through Retry-After. */
class PacingAndRateLimitTest {

    private static DistruSandbox.Options fourPagesOfOrders() {
        return DistruSandbox.Options.defaults(0).withSizes(SandboxSizes.uniform(0).with(SandboxCollection.ORDERS, 1_600));
    }

    @Test
    void requests_are_paced_to_the_configured_rate() throws Exception {
        try (HubHarness h = new HubHarness(fourPagesOfOrders(), "hub.distru.requests-per-second", "5",
                "hub.distru.entities", "orders").start()) {
            assertThat(h.sync().ok()).isTrue();
            List<DistruSandbox.Served> served = h.sandbox.served();
            assertThat(served).hasSize(4);
            for (int i = 1; i < served.size(); i++) {
                assertThat(Duration.ofNanos(served.get(i).nanos() - served.get(i - 1).nanos()))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(150));
            }
        }
    }

    @Test
    void the_sandbox_rate_limit_answers_429_and_the_hub_still_completes() throws Exception {
        try (HubHarness h = new HubHarness(fourPagesOfOrders().withRateLimit(2), "hub.distru.entities", "orders").start()) {
            SyncReport report = h.sync();
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.sandbox.served()).anyMatch(s -> s.status() == 429);
            assertThat(h.count("SELECT count(*) FROM reporting.orders")).isEqualTo(1_600);
        }
    }
}
