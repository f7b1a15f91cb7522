package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import com.canopyhub.testing.TestPostgres;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import com.canopyhub.engine.spi.Source;

/**
 * Cursors belong to the upstream they were read from; the hub says at startup which database and which upstream
 * it uses, without secrets.
 */
class UpstreamIdentityTest {

    @Test
    void a_database_pointed_at_another_upstream_reads_it_from_the_beginning_instead_of_trusting_its_cursor() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(30), "hub.distru.streams", "products").start();
             DistruSandbox other = DistruSandbox.start(DistruSandbox.Options.defaults(30), h.clock)) {
            assertThat(h.sync().ok()).isTrue();
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(lastWindowStart(h)).as("an incremental window from the cursor").isNotNull();

            h.stopHub();
            h.set("hub.distru.base-url", other.baseUrl().toString()).start();
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();

            assertThat(lastWindowStart(h)).as("the cursor of the first upstream is not trusted").isNull();
            assertThat(h.rows("SELECT upstream FROM hub.sync_cursors").get(0).get("upstream")).isEqualTo(other.baseUrl().toString());
        }
    }

    @Test
    void startup_logs_which_database_and_which_upstream_without_secrets() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        String secret = "upstream-secret-9d2f";
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(1), "hub.distru.streams", "strains",
                "hub.reporting.password", "db-secret-77a1")) {
            h.set("hub.distru.api-key", secret);
            h.start();
            String db = h.jdbcUrl.substring(h.jdbcUrl.lastIndexOf('/') + 1);
            assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage)
                    .contains("Reporting database: PostgreSQL at localhost:" + TestPostgres.port() + "/" + db + " as postgres")
                    .contains("Source distru: " + h.sandbox.baseUrl())
                    .noneMatch(m -> m.contains(secret) || m.contains("db-secret-77a1"));
        } finally {
            root.detachAppender(captured);
        }
    }

    private static Object lastWindowStart(HubHarness h) throws Exception {
        Map<String, Object> last = h.rows("SELECT window_start FROM hub.sync_runs ORDER BY id DESC LIMIT 1").get(0);
        return last.get("window_start");
    }
}
