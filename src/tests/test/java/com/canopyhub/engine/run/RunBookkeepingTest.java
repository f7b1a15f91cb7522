package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.app.HubConfiguration;
import com.canopyhub.app.HubRuntime;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import com.canopyhub.testing.HubProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The summary never says OK for work that did not happen, and no run stays RUNNING for good: every requested
 * stream is listed with a status, and a run a killed process left RUNNING is marked ABANDONED.
 */
class RunBookkeepingTest {

    @Test
    void an_entity_whose_run_cannot_even_be_recorded_is_failed_in_the_summary() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(20), "hub.distru.streams", "strains,products,orders").start()) {
            // the database refuses the products run's row, as it would during a brief outage
            h.execute("CREATE FUNCTION hub.refuse_products_run() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.stream = 'products' THEN RAISE EXCEPTION 'simulated outage while recording the run'; END IF; "
                    + "RETURN NEW; END $$");
            h.execute("CREATE TRIGGER refuse_products_run BEFORE INSERT ON hub.sync_runs FOR EACH ROW "
                    + "EXECUTE FUNCTION hub.refuse_products_run()");

            SyncReport report = h.sync();

            assertThat(report.results()).extracting(StreamResult::stream).containsExactly("strains", "products", "orders");
            assertThat(report.results()).extracting(StreamResult::status)
                    .containsExactly(SyncStatus.SUCCEEDED, SyncStatus.FAILED, SyncStatus.SUCCEEDED);
            assertThat(report.results().get(1).error()).contains("simulated outage while recording the run");
            assertThat(report.ok()).isFalse();
            assertThat(report.table()).containsPattern("total\\s+FAILED");
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'products'")).isZero();

            h.execute("DROP TRIGGER refuse_products_run ON hub.sync_runs");
            SyncReport next = h.sync();
            assertThat(next.ok()).as(next.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(20);
        }
    }

    @Test
    void a_run_left_running_by_a_killed_process_is_marked_abandoned_when_the_next_one_starts() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(50), "hub.distru.streams", "products")) {
            AtomicBoolean inside = new AtomicBoolean();
            CountDownLatch killed = new CountDownLatch(1);
            h.sandbox.onPageRequested((collection, page) -> {
                if (inside.compareAndSet(false, true)) {
                    try {
                        killed.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            Process other = HubProcess.start(HubProcess.environmentOf(h.overrides()), "sync", "--once").process;
            try {
                await().atMost(Duration.ofSeconds(90)).untilTrue(inside);
                assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'RUNNING'")).isEqualTo(1);
                other.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: no shutdown hook, no clean-up
            } finally {
                other.destroyForcibly();
                killed.countDown();
            }
            // PostgreSQL ends the dead process's sessions (and so its stream lock) when it sees their sockets close
            await().atMost(Duration.ofSeconds(30)).until(() -> h.count("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE application_name = ?", "canopy-hub pid " + other.pid() + " host " + hostName()) == 0);

            h.start();
            List<Map<String, Object>> runs = h.rows("SELECT status, finished_at, error FROM hub.sync_runs ORDER BY id");
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).get("status")).isEqualTo("ABANDONED");
            assertThat(runs.get(0).get("finished_at")).isInstanceOf(OffsetDateTime.class);
            assertThat(runs.get(0).get("error").toString()).startsWith("abandoned: the hub process that ran it stopped");

            SyncReport next = h.sync();
            assertThat(next.ok()).as(next.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(50);
        }
    }

    @Test
    void check_config_only_looks_and_leaves_a_dead_process_run_to_the_hub_that_syncs() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(5), "hub.distru.streams", "strains")) {
            h.start();
            h.stopHub();
            h.execute("INSERT INTO hub.sync_runs (pass_id, source_system, stream, trigger, started_at, status, host, pid) "
                    + "VALUES (gen_random_uuid(), 'distru', 'strains', 'schedule', now() - interval '1 hour', 'RUNNING', 'gone', 1)");

            try (HubRuntime check = HubRuntime.start(Path.of("config"), null, h.overrides(),
                    Map.of(HubConfiguration.CHECK_ONLY_BEAN, Boolean.TRUE))) {
                assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'RUNNING'")).isEqualTo(1);
            }
            h.start();
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'ABANDONED' AND finished_at IS NOT NULL"))
                    .isEqualTo(1);
        }
    }

    @Test
    void sigterm_during_sync_once_finishes_the_page_in_flight_reports_interrupted_and_the_next_pass_completes() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(30), "hub.distru.streams", "strains,products,orders")) {
            AtomicBoolean inside = new AtomicBoolean();
            CountDownLatch signalled = new CountDownLatch(1);
            h.sandbox.onPageRequested((collection, page) -> {
                if (collection.equals("products") && inside.compareAndSet(false, true)) {
                    try {
                        signalled.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            HubProcess sync = HubProcess.start(HubProcess.environmentOf(h.overrides()), "sync", "--once");
            try {
                await().atMost(Duration.ofSeconds(90)).untilTrue(inside);
                sync.terminate(); // SIGTERM, while the products page is in flight
                await().atMost(Duration.ofSeconds(10)).until(() -> sync.output().contains("SIGTERM received"));
                signalled.countDown();
                assertThat(sync.waitFor(Duration.ofSeconds(20))).as(sync.output()).isTrue();
            } finally {
                signalled.countDown();
                sync.process.destroyForcibly();
            }
            assertThat(sync.process.exitValue()).as(sync.output()).isEqualTo(143);
            assertThat(sync.output()).containsPattern("distru\\s+products\\s+(SUCCEEDED|INTERRUPTED)\\s+30\\s");
            assertThat(sync.output()).containsPattern("distru\\s+strains\\s+SUCCEEDED")
                    .containsPattern("distru\\s+orders\\s+SKIPPED").containsPattern("total\\s+INTERRUPTED")
                    .doesNotContain("FatalFallbackErrorHandler").doesNotContain("Forcing shutdown");
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status IN ('RUNNING', 'FAILED')")).isZero();
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'orders'")).isZero();

            h.start();
            SyncReport next = h.sync();
            assertThat(next.ok()).as(next.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.strains")).isEqualTo(30);
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(30);
            assertThat(h.count("SELECT count(*) FROM reporting.orders")).isEqualTo(30);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type <> 'CREATED'"))
                    .as("nothing written twice").isZero();
        }
    }

    private static String hostName() {
        return com.canopyhub.db.HubDatabase.hostName();
    }
}
