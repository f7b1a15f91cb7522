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

    @Override
    public void wire(HubWiring w) {
        HubSettings settings = w.settings();
        w.bind("hubHealth", new HubHealth(w.context(), w.database().dataSource()));
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
