package com.canopyhub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.FreezableProxy;
import com.canopyhub.testing.HubHarness;
import com.canopyhub.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A database outage is a handful of log lines, not an error with a stack trace per timer tick. */
class QuietOutageTest {

    @Test
    void a_database_outage_logs_one_warning_per_component_without_stack_traces() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        FreezableProxy proxy = new FreezableProxy(TestPostgres.port());
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(3), "hub.distru.streams", "products",
                "hub.reporting.connect-timeout-seconds", "1", "hub.reporting.statement-timeout-seconds", "1",
                "hub.reporting.socket-timeout-seconds", "2")) {
            h.set("hub.reporting.jdbc-url", h.jdbcUrl.replace(":" + TestPostgres.port() + "/", ":" + proxy.port() + "/")).start();
            assertThat(h.sync().ok()).isTrue();
            Outages outages = h.hub().bean("outages", Outages.class);
            root.addAppender(lines);
            proxy.close(); // the database is away
            // the background routes keep trying on their timers: wait for many failed rounds
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> outages.failures("webhook-dispatch") >= 8);
            List<ILoggingEvent> loud = lines.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
            assertThat(loud).as(loud.stream().map(ILoggingEvent::getFormattedMessage).toList().toString())
                    .hasSizeLessThanOrEqualTo(5)
                    .allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
        } finally {
            root.detachAppender(lines);
        }
    }
}
