package com.canopyhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncRuns;
import org.slf4j.LoggerFactory;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

/**
 * The hub as camel-main starts it (routes from routes/, config from config/), on the embedded default database
 * and sandbox: every route file loads, every route opts into a route configuration, and the quartz schedule
 * runs a pass that lands in PostgreSQL.
 */
@CamelMainTest(configurationClasses = HubConfiguration.class,
        propertyPlaceholderLocations = "file:config/application.properties",
        properties = {
                "hub.embedded.data-dir=target/schedule-route-test/postgres",
                "hub.sandbox.records=40",
                "hub.sandbox.churn-per-minute=0",
                "hub.distru.requests-per-second=200",
                "hub.schedule.enabled=true",
                "hub.distru.schedule=0/1 * * * * ?",
                "hub.http.port=0"
        })
class DistruScheduleRouteTest {

    @BeanInject
    CamelContext context;

    @Test
    void every_route_file_loads_and_every_route_opts_into_a_route_configuration() {
        List<String> ids = context.getRoutes().stream().map(Route::getRouteId).sorted().toList();
        assertThat(ids).containsExactly("admin-backfill", "admin-dead-letter", "admin-dead-letter-discard", "admin-dead-letter-replay",
                "admin-dead-letters", "admin-dead-letters-replay", "admin-marketplace-listings", "admin-openapi", "admin-overview",
                "admin-reset-cursor", "admin-runs", "admin-sources", "admin-sync", "admin-webhook-deliveries", "admin-webhook-deliveries-replay",
                "admin-webhook-delivery-replay", "admin-webhook-subscription-enable", "admin-webhook-subscription-test",
                "admin-webhook-subscriptions", "alerts-staleness", "canonical-changes", "console", "distru-schedule", "document-expiry",
                "health", "health-live", "health-ready", "metrc-schedule", "metrics", "origintrace-schedule",
                "retention", "shop-platform-dispatch", "shop-platform-send", "sync-failed", "sync-page", "sync-pass", "sync-stream", "terravault-dispatch",
                "terravault-orders", "terravault-send", "webhook-dispatch", "webhook-poll", "webhook-send");
        assertThat(context.getRoutes()).allSatisfy(r -> assertThat(r.getConfigurationId()).as(r.getRouteId()).isNotBlank());
    }

    @Test
    void the_quartz_schedule_runs_a_sync_pass_into_postgres_and_says_when_the_next_is_due() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(SyncRuns.class), (Logger) LoggerFactory.getLogger("canopyhub.runs"));
        loggers.forEach(l -> l.addAppender(log));
        // the split's per-stream exchanges complete too: wait for the pass itself, whose body ends as its report;
        // two passes, so one of them started after the log capture did
        NotifyBuilder pass = new NotifyBuilder(context).fromRoute("distru-schedule")
                .filter(e -> e.getMessage().getBody() instanceof SyncReport r && r.ok()).whenCompleted(2).create();
        try {
            assertThat(pass.matches(90, TimeUnit.SECONDS)).as("a scheduled pass completed").isTrue();
        } finally {
            loggers.forEach(l -> l.detachAppender(log));
        }
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(l -> l.matches("Next distru pass at \\d{4}-.*Z"));
        assertThat(lines).anyMatch(l -> l.matches("sync_run source=distru stream=products partition=- status=SUCCEEDED run_id=\\d+ "
                + "pass_id=\\S+ trigger=schedule fetched=\\d+ changed=\\d+ written=\\d+ dead_lettered=0 seconds=[0-9.]+"));

        DataSource ds = context.getRegistry().lookupByNameAndType("hubDataSource", DataSource.class);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            assertThat(count(st, "SELECT count(*) FROM hub.sync_runs WHERE trigger = 'schedule' AND status = 'SUCCEEDED'"))
                    .isGreaterThanOrEqualTo(8);
            assertThat(count(st, "SELECT count(*) FROM reporting.products")).isEqualTo(40);
            assertThat(count(st, "SELECT count(*) FROM reporting.orders")).isEqualTo(40);
        }
    }

    private static long count(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
