package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.FreezableProxy;
import com.canopyhub.testing.HubHarness;
import com.canopyhub.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A reporting database that stops answering, or a statement that cannot finish, fails the run within the
 * configured timeouts instead of stalling the hub; the next pass completes and closes what was left RUNNING.
 */
class DatabaseTimeoutsTest {

    @Test
    void a_frozen_database_fails_the_run_within_the_socket_timeout_and_the_next_pass_completes() throws Exception {
        try (FreezableProxy proxy = new FreezableProxy(TestPostgres.port());
             HubHarness h = new HubHarness(DistruSandbox.Options.defaults(300), "hub.distru.streams", "products",
                     "hub.reporting.connect-timeout-seconds", "2", "hub.reporting.statement-timeout-seconds", "1",
                     "hub.reporting.socket-timeout-seconds", "2")) {
            h.set("hub.reporting.jdbc-url", h.jdbcUrl.replace(":" + TestPostgres.port() + "/", ":" + proxy.port() + "/")).start();
            AtomicBoolean frozen = new AtomicBoolean();
            h.sandbox.onPageRequested((collection, page) -> {
                if (frozen.compareAndSet(false, true)) {
                    proxy.freeze(); // PostgreSQL hangs while the first page is on its way
                }
            });

            long started = System.nanoTime();
            SyncReport report = h.sync();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(frozen).isTrue();
            assertThat(report.ok()).isFalse();
            StreamResult products = report.results().get(0);
            assertThat(products.status()).isEqualTo(SyncStatus.FAILED);
            assertThat(products.error()).contains("did not answer within hub.reporting.socket-timeout-seconds (2 s)");
            assertThat(took).as("the pass ends instead of hanging").isLessThan(Duration.ofSeconds(60));

            proxy.thaw();
            // the failed run's lock session ends once PostgreSQL sees its connection close through the thawed proxy;
            // until then the stream is (rightly) held
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> h.count(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
                            + "(SELECT oid FROM pg_database WHERE datname = current_database())") == 0);
            h.passSafetyLag();
            SyncReport next = h.sync();
            assertThat(next.ok()).as(next.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(300);
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'RUNNING'")).as("nothing left RUNNING").isZero();
        }
    }

    @Test
    void a_statement_that_runs_past_the_statement_timeout_is_cancelled_and_fails_the_run() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(50), "hub.distru.streams", "products",
                "hub.reporting.statement-timeout-seconds", "1", "hub.reporting.socket-timeout-seconds", "30").start();
             Connection blocker = DriverManager.getConnection(h.jdbcUrl, "postgres", "")) {
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE reporting.products IN ACCESS EXCLUSIVE MODE"); // e.g. a long migration
            }
            SyncReport report = h.sync();
            blocker.rollback();

            StreamResult products = report.results().get(0);
            assertThat(products.status()).isEqualTo(SyncStatus.FAILED);
            assertThat(products.error()).contains("cancelled a statement that ran longer than "
                    + "hub.reporting.statement-timeout-seconds (1 s)");
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors")).as("cursor untouched").isZero();

            SyncReport next = h.sync();
            assertThat(next.ok()).as(next.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(50);
        }
    }

    @Test
    void a_database_that_goes_away_fails_the_pass_at_once_not_a_connect_timeout_per_stream() throws Exception {
        FreezableProxy proxy = new FreezableProxy(TestPostgres.port());
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(5), "hub.distru.streams",
                "strains,companies,locations,products,batches,packages,inventory,orders",
                "hub.reporting.connect-timeout-seconds", "3", "hub.reporting.statement-timeout-seconds", "2",
                "hub.reporting.socket-timeout-seconds", "3", "hub.webhooks.enabled", "false")) {
            h.set("hub.reporting.jdbc-url", h.jdbcUrl.replace(":" + TestPostgres.port() + "/", ":" + proxy.port() + "/")).start();
            proxy.close(); // the database is gone: connections refused

            long started = System.nanoTime();
            SyncReport report = h.sync();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(report.ok()).isFalse();
            assertThat(report.results().get(0).status()).isEqualTo(SyncStatus.FAILED);
            assertThat(report.results().subList(1, report.results().size())).hasSize(7)
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(SyncStatus.SKIPPED));
            // eight streams, each asking the database twice, would wait 8 x 2 x 3 s
            assertThat(took).as(report.table()).isLessThan(Duration.ofSeconds(15));
        }
    }
}
