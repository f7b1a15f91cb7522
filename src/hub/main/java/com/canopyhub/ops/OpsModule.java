package com.canopyhub.ops;

import com.canopyhub.config.CoreSettings;
import com.canopyhub.config.HubSettings;
import com.canopyhub.delivery.kafka.KafkaSettings;
import com.canopyhub.delivery.marketplace.MarketplaceDelivery;
import com.canopyhub.delivery.webhook.WebhookSettings;
import com.canopyhub.wiring.HubModule;
import com.canopyhub.wiring.HubWiring;
import java.time.Duration;

/** Operations: the health check (GET /health), quiet outages of background routes, retention. */
public final class OpsModule implements HubModule {

    @Override
    public int order() {
        return 90;
    }

    private static boolean quartzRunning(org.apache.camel.CamelContext context) {
        try {
            org.quartz.Scheduler scheduler = context.getComponent("quartz", org.apache.camel.component.quartz.QuartzComponent.class).getScheduler();
            return scheduler != null && scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void wire(HubWiring w) {
        HubSettings settings = w.settings();
        // the hub's own checks next to Camel's context check and its routes repository (one check per route)
        w.bind("hubHealth", new HubHealth(w.context(), java.util.List.of(
                new org.apache.camel.impl.health.RoutesHealthCheckRepository(),
                new HubHealth.DatabaseCheck(w.database()),
                new HubHealth.SchedulerCheck(() -> settings.getBoolean(CoreSettings.SCHEDULE_ENABLED), () -> quartzRunning(w.context())),
                new HubHealth.SourcesCheck(w.database().dataSource(), settings.getInt(OpsSettings.ALERTS_FAILED_AFTER)))));
        HubMetrics metrics = w.require(HubMetrics.class);
        com.canopyhub.engine.run.SyncRuns syncRuns = w.lookup("syncRuns", com.canopyhub.engine.run.SyncRuns.class);
        syncRuns.onPassClosed(metrics::recordPass);
        // alerts: a stream's failures and recoveries judged as each pass closes, staleness on a timer (routes/ops-alerts.camel.yaml)
        String staleAfter = settings.get(OpsSettings.ALERTS_STALE_AFTER);
        com.canopyhub.engine.run.PassSchedule schedule = w.lookup("passSchedule", com.canopyhub.engine.run.PassSchedule.class);
        StreamAlerts alerts = w.bind("streamAlerts", new StreamAlerts(w.database().dataSource(), settings.getInt(OpsSettings.ALERTS_FAILED_AFTER),
                source -> staleAfter.equals("auto") ? schedule.period(source).map(p -> p.multipliedBy(3)).orElse(null)
                        : com.canopyhub.config.Durations.parse(staleAfter).orElseThrow()));
        boolean alertsOn = settings.getBoolean(OpsSettings.ALERTS_ENABLED);
        if (alertsOn) {
            syncRuns.onPassClosed(alerts::passClosed);
        }
        w.context().getPropertiesComponent().addOverrideProperty("hub.alerts.active", Boolean.toString(alertsOn));

        // the admin API and the console (routes/ops-admin-api.camel.yaml)
        org.apache.camel.CamelContext context = w.context();
        // made when first used: the context has started by then
        java.util.function.Supplier<org.apache.camel.ProducerTemplate> template =
                org.apache.camel.util.function.Suppliers.memorize(context::createProducerTemplate);
        AdminApi admin = w.bind("adminApi", new AdminApi(w.database().dataSource(), settings.get(OpsSettings.ADMIN_TOKEN), w.redactor(),
                settings.getList(CoreSettings.SYNC_SOURCES), source -> settings.getList(HubSettings.module(source).streamsKey()),
                request -> template.get().requestBody("direct:sync-pass", request, com.canopyhub.engine.run.SyncReport.class),
                request -> template.get().asyncRequestBody("direct:sync-pass", request),
                w.lookup("webhookService", com.canopyhub.delivery.webhook.WebhookService.class), metrics::marketplaceLimitsView));
        w.bind("console", new Console());
        if (!"false".equals(context.getPropertiesComponent().resolveProperty("hub.http.listen").orElse("false"))) {
            org.slf4j.LoggerFactory.getLogger(OpsModule.class).info("Console and admin API on port {} ({})",
                    settings.getInt(CoreSettings.HTTP_PORT), admin.accessDescription());
        }
        w.context().getPropertiesComponent().addOverrideProperty("hub.alerts.check-interval-ms",
                Long.toString(settings.getDuration(OpsSettings.ALERTS_CHECK_INTERVAL).toMillis()));
        w.bind("outages", new Outages(Duration.ofMinutes(5)));
        w.bind("retention", new Retention(w.database().dataSource(), new Retention.Ages(
                settings.getDuration(CoreSettings.RETENTION_OUTBOX), settings.getDuration(CoreSettings.RETENTION_WEBHOOK_DELIVERIES),
                settings.getDuration(CoreSettings.RETENTION_MARKETPLACE_REQUESTS), settings.getDuration(CoreSettings.RETENTION_RECORD_CHANGES),
                settings.getDuration(CoreSettings.RETENTION_SYNC_RUNS)), settings.getInt(CoreSettings.RETENTION_BATCH_SIZE),
                () -> settings.getBoolean(WebhookSettings.ENABLED),
                () -> !w.context().getRegistry().findByType(MarketplaceDelivery.class).isEmpty(),
                () -> !settings.get(KafkaSettings.BOOTSTRAP_SERVERS).isEmpty()));
        w.context().getPropertiesComponent().addOverrideProperty("hub.retention.interval-ms",
                Long.toString(settings.getDuration(CoreSettings.RETENTION_INTERVAL).toMillis()));
    }
}
