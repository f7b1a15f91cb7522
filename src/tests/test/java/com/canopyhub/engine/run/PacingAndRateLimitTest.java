package com.canopyhub.engine.run;

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
        // one permit per 500 ms cycle: four requests span at least two whole cycles between first and last
        assertThat(spanOfFourLocationPages("2")).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
        // the same pages unpaced come much faster, so the pacing is what made the difference
        assertThat(spanOfFourLocationPages("1000")).isLessThan(Duration.ofMillis(1_000));
    }

    private static Duration spanOfFourLocationPages(String requestsPerSecond) throws Exception {
        DistruSandbox.Options options = DistruSandbox.Options.defaults(0)
                .withSizes(SandboxSizes.uniform(0).with(SandboxCollection.LOCATIONS, 3_500));
        try (HubHarness h = new HubHarness(options, "hub.distru.requests-per-second", requestsPerSecond,
                "hub.distru.streams", "locations").start()) {
            assertThat(h.sync().ok()).isTrue();
            List<DistruSandbox.Served> served = h.sandbox.served();
            assertThat(served).hasSize(4);
            return Duration.ofNanos(served.get(3).nanos() - served.get(0).nanos());
        }
    }

    @Test
    void the_sandbox_rate_limit_answers_429_and_the_hub_still_completes() throws Exception {
        try (HubHarness h = new HubHarness(fourPagesOfOrders().withRateLimit(2), "hub.distru.streams", "orders").start()) {
            SyncReport report = h.sync();
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.sandbox.served()).anyMatch(s -> s.status() == 429);
            assertThat(h.count("SELECT count(*) FROM reporting.orders")).isEqualTo(1_600);
        }
    }
}
