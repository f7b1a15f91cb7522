package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Injected 429s, 5xx, timeouts and broken bodies are retried; the result equals a clean sync's. */
class FaultToleranceTest {

    @Test
    void a_sync_through_429_500_timeouts_and_broken_bodies_ends_like_a_clean_one() throws Exception {
        List<String> clean;
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(1_100)).start()) {
            assertThat(h.sync().ok()).isTrue();
            clean = h.reportingSnapshot();
        }
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(1_100)).start()) {
            h.sandbox.inject(Fault.tooManyRequests(1), Fault.status(500), Fault.slow(Duration.ofMillis(3_000)),
                    Fault.malformedBody(), Fault.status(503), Fault.status(502));
            SyncReport report = h.sync();
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.reportingSnapshot()).isEqualTo(clean);
            assertThat(h.count("SELECT count(*) FROM hub.dead_letters")).isZero();
            assertThat(h.sandbox.served().stream().filter(s -> s.status() >= 500).count()).isEqualTo(3);
        }
    }

    @Test
    void the_retry_budget_is_per_page_so_blips_on_many_pages_do_not_fail_a_run() throws Exception {
        int locations = 20_000; // 20 pages of 1000
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(0)
                .withSizes(SandboxSizes.uniform(0).with(SandboxCollection.LOCATIONS, locations)),
                "hub.distru.streams", "locations", "hub.retry.max-redeliveries", "2", "hub.retry.initial-delay-ms", "1").start()) {
            // every other request fails once: 10 failures in the run, never more than one for the same page
            for (int page = 0; page < 10; page++) {
                h.sandbox.inject(Fault.status(500), Fault.none());
            }
            SyncReport report = h.sync();

            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.sandbox.served().stream().filter(s -> s.status() == 500).count()).isEqualTo(10);
            assertThat(h.count("SELECT count(*) FROM reporting.locations")).isEqualTo(locations);
            assertThat(h.count("SELECT pages FROM hub.sync_runs")).isEqualTo(20);
        }
    }

    @Test
    void retry_after_is_honoured_instead_of_the_shorter_backoff() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(10), "hub.retry.initial-delay-ms", "10").start()) {
            h.sandbox.inject(Fault.tooManyRequests(1));
            assertThat(h.sync("strains").ok()).isTrue();
            List<DistruSandbox.Served> served = h.sandbox.served();
            assertThat(served.get(0).status()).isEqualTo(429);
            assertThat(served.get(1).status()).isEqualTo(200);
            assertThat(Duration.ofNanos(served.get(1).nanos() - served.get(0).nanos())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }
    }

    @Test
    void a_retry_after_longer_than_the_limit_fails_the_run_at_once_instead_of_blocking() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(10), "hub.retry.max-retry-after-seconds", "60").start()) {
            h.sandbox.inject(Fault.tooManyRequests(3_600));
            SyncReport report = h.sync("strains");
            assertThat(report.ok()).isFalse();
            assertThat(report.results().get(0).error()).contains("3600 s").contains("hub.retry.max-retry-after-seconds");
            assertThat(h.sandbox.served()).hasSize(1);
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors")).isZero();
        }
    }

    @Test
    void a_400_is_not_retried_and_lands_in_dead_letters_while_the_other_entities_continue() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(10), "hub.distru.streams", "strains,companies").start()) {
            h.sandbox.inject(Fault.status(400));
            SyncReport report = h.sync();
            assertThat(report.results()).extracting(StreamResult::status).containsExactly(SyncStatus.FAILED, SyncStatus.SUCCEEDED);
            assertThat(h.sandbox.served().stream().filter(s -> s.pathAndQuery().startsWith("/public/v1/strains")).count())
                    .as("not retried").isEqualTo(1);
            Map<String, Object> letter = h.rows("SELECT * FROM hub.dead_letters").get(0);
            assertThat(letter.get("stream")).isEqualTo("strains");
            assertThat(letter.get("reason").toString()).contains("UpstreamRejectedException").contains("HTTP 400");
            assertThat(letter.get("payload").toString()).startsWith("GET /public/v1/strains");
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'strains'")).isZero();
            assertThat(h.count("SELECT count(*) FROM reporting.companies")).isEqualTo(10);
        }
    }

    @Test
    void exhausted_retries_fail_the_entity_keep_its_cursor_and_let_the_others_continue() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(10), "hub.retry.max-redeliveries", "2",
                "hub.distru.streams", "strains,companies").start()) {
            h.sandbox.inject(Fault.status(500), Fault.status(500), Fault.status(500));
            SyncReport report = h.sync();
            assertThat(report.ok()).isFalse();
            assertThat(report.results()).extracting(StreamResult::status).containsExactly(SyncStatus.FAILED, SyncStatus.SUCCEEDED);
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'strains'")).isZero();
            assertThat(h.count("SELECT count(*) FROM reporting.companies")).isEqualTo(10);
            assertThat(h.rows("SELECT reason, payload FROM hub.dead_letters WHERE stream = 'strains'").get(0).get("payload").toString())
                    .startsWith("GET /public/v1/strains");
            // the next sync re-reads the window and completes
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.strains")).isEqualTo(10);
            assertThat(h.count("SELECT count(*) FROM hub.dead_letters WHERE resolved_at IS NULL")).as("failure resolved").isZero();
        }
    }
}
