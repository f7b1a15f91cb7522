package com.canopyhub.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.canopyhub.app.HubRuntime;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.engine.run.StreamResult;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncStatus;
import com.canopyhub.testing.HubHarness;
import com.canopyhub.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Bad configuration fails at startup naming the key; a 401 ends the run at once; secrets stay out of logs. */
class StartupAndAuthTest {

    @TempDir
    Path configDir;

    /** Starts on an external test database; the sandbox may feed it unless the properties set a Distru URL. */
    private Throwable startWith(String extraProperties) throws Exception {
        return startExactly(extraProperties + "\n"
                + (extraProperties.contains("hub.distru.base-url") ? "" : "hub.distru.sandbox = true\n"));
    }

    private Throwable startExactly(String extraProperties) throws Exception {
        String base = Files.readString(Path.of("config/application.properties"));
        // these cases are about Distru; Metrc's own startup checks are MetrcSyncTest's
        String sources = extraProperties.contains("hub.sync.sources") ? "" : "hub.sync.sources = distru\n";
        Files.writeString(configDir.resolve("application.properties"), base + "\n" + sources + extraProperties + "\n"
                + "hub.reporting.jdbc-url = " + TestPostgres.freshDatabase() + "\nhub.reporting.username = postgres\n");
        try (HubRuntime ignored = HubRuntime.start(configDir, null, Map.of("hub.schedule.enabled", "false"), Map.of())) {
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    private static ConfigException configException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException ce) {
                return ce;
            }
        }
        throw new AssertionError("no ConfigException in " + t, t);
    }

    @Test
    void an_unknown_source_fails_startup_naming_the_key() throws Exception {
        assertThat(configException(startWith("hub.sync.sources = distru,shopify")).getMessage())
                .contains("hub.sync.sources").contains("shopify");
    }

    @Test
    void a_malformed_url_fails_startup_naming_the_key() throws Exception {
        assertThat(configException(startWith("hub.distru.base-url = htp:/distru")).getMessage())
                .contains("hub.distru.base-url").contains("htp:/distru");
    }

    @Test
    void a_base_url_without_an_api_key_fails_startup_naming_the_key() throws Exception {
        assertThat(configException(startWith("hub.distru.base-url = https://app.distru.com")).getMessage())
                .contains("hub.distru.api-key").contains("required");
    }

    @Test
    void an_external_database_without_a_distru_url_fails_startup_instead_of_taking_sandbox_data() throws Exception {
        ConfigException e = configException(startExactly(""));
        assertThat(e.getMessage()).contains("hub.distru.base-url: empty").contains("hub.reporting.jdbc-url")
                .contains("hub.distru.sandbox=true");
        assertThat(startExactly("hub.distru.sandbox = true")).as("allowed on purpose").isNull();
    }

    @Test
    void the_sandbox_switch_with_a_distru_url_fails_startup_naming_both_keys() throws Exception {
        assertThat(configException(startExactly("hub.distru.sandbox = true\nhub.distru.base-url = https://app.distru.com\n"
                + "hub.distru.api-key = k")).getMessage()).contains("hub.distru.sandbox").contains("hub.distru.base-url");
    }

    @Test
    void a_socket_timeout_not_above_the_statement_timeout_fails_startup() throws Exception {
        assertThat(configException(startWith("hub.reporting.statement-timeout-seconds = 300\n"
                + "hub.reporting.socket-timeout-seconds = 200")).getMessage())
                .contains("hub.reporting.socket-timeout-seconds: must exceed hub.reporting.statement-timeout-seconds (300)");
    }

    @Test
    void a_misspelt_key_and_several_bad_values_are_all_reported_at_once() throws Exception {
        ConfigException e = configException(startWith("hub.distru.base-uri = https://x\nhub.retry.max-redeliveries = lots"));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.getMessage()).contains("hub.distru.base-uri: unknown key").contains("hub.retry.max-redeliveries");
    }

    @Test
    void a_401_ends_the_run_at_once_with_a_clear_error_and_the_key_never_reaches_logs_or_the_database() throws Exception {
        String secret = "wrong-key-7c1f9e2b";
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(10), "hub.distru.api-key", secret).start()) {
            SyncReport report = h.sync();

            assertThat(report.ok()).isFalse();
            StreamResult first = report.results().get(0);
            assertThat(first.status()).isEqualTo(SyncStatus.FAILED);
            assertThat(first.error()).contains("HTTP 401").contains("not authorised").contains("check hub.distru.api-key");
            assertThat(report.results().subList(1, report.results().size()))
                    .allMatch(r -> r.status() == SyncStatus.SKIPPED);
            assertThat(h.sandbox.requestCount()).as("no retry storm").isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE error LIKE ?", "%" + secret + "%")).isZero();
            assertThat(h.count("SELECT count(*) FROM hub.dead_letters WHERE reason LIKE ? OR payload LIKE ?",
                    "%" + secret + "%", "%" + secret + "%")).isZero();
        } finally {
            root.detachAppender(captured);
        }
        assertThat(captured.list).isNotEmpty();
        assertThat(captured.list).noneMatch(e -> e.getFormattedMessage().contains(secret)
                || (e.getThrowableProxy() != null && e.getThrowableProxy().getMessage() != null
                && e.getThrowableProxy().getMessage().contains(secret)));
        assertThat(captured.list).anyMatch(e -> e.getFormattedMessage().contains("not authorised"));
    }

    @Test
    void an_upstream_refusing_connections_fails_the_pass_at_once_instead_of_retrying_each_stream() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        // with retries, every stream would wait 20 s, 40 s, ... before failing: the timeout below would catch that
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(1), "hub.distru.base-url", "http://127.0.0.1:" + closedPort,
                "hub.retry.initial-delay-ms", "20000", "hub.retry.max-delay-ms", "60000").start()) {
            SyncReport report = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                    () -> h.sync());

            StreamResult first = report.results().get(0);
            assertThat(first.status()).isEqualTo(SyncStatus.FAILED);
            assertThat(first.error()).contains("unreachable").contains("Connection refused").contains("hub.distru.base-url");
            assertThat(report.results().subList(1, report.results().size())).hasSize(7)
                    .allMatch(r -> r.status() == SyncStatus.SKIPPED && r.error().contains("unreachable"));
            assertThat(report.table()).containsPattern("total\\s+FAILED");
            // the summary says the reason once, not once per stream
            assertThat(report.table().lines().filter(l -> l.contains("Connection refused"))).as(report.table()).hasSize(1)
                    .allSatisfy(l -> assertThat(l).startsWith("distru/strains and 7 more: "));
        }
    }

    @Test
    void migrating_a_fresh_database_logs_no_warnings() throws Exception {
        Logger flyway = (Logger) LoggerFactory.getLogger("org.flywaydb");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        flyway.addAppender(captured);
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(1)).start()) {
            assertThat(h.count("SELECT count(*) FROM hub.flyway_schema_history WHERE success")).isGreaterThanOrEqualTo(4);
        } finally {
            flyway.detachAppender(captured);
        }
        assertThat(captured.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN));
    }
}
