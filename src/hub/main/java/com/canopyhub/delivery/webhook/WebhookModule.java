package com.canopyhub.delivery.webhook;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.config.SecretRedactor;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.engine.run.SyncRuns;
import com.canopyhub.events.EventRules;
import com.canopyhub.events.EventsModule;
import com.canopyhub.wiring.HubModule;
import com.canopyhub.wiring.HubWiring;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed webhooks: config/webhooks.yaml read and checked before anything opens (low-stock and document-expiry rules
 * still found there, the deprecated place, are handed to the events module), then the subscriptions synced into PostgreSQL (plus the built-in
 * receiver's), the dispatcher routes/deliver-webhooks.camel.yaml calls, the HTTP connections with the SSRF rules in
 * their DNS resolver, and the LISTEN/NOTIFY wake-up.
 */
public final class WebhookModule implements HubModule {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookModule.class);

    private WebhookConfig config;

    @Override
    public int order() {
        return 60;
    }

    @Override
    public void check(HubWiring w) throws Exception {
        config = WebhookConfig.load(Path.of(w.settings().get(WebhookSettings.FILE)), w.environment());
        if (config.holdsEventRules()) {
            w.provide(EventsModule.LegacyEventRules.class, new EventsModule.LegacyEventRules(
                    EventRules.of(config.lowStock(), config.expiringDays())));
        }
    }

    @Override
    public void wire(HubWiring w) throws Exception {
        CamelContext context = w.context();
        HubSettings settings = w.settings();
        SecretRedactor redactor = w.redactor();
        HubDatabase db = w.database();
        boolean checkOnly = w.checkOnly();
        Sandboxes sandboxes = w.sandboxes();
        Clock clock = w.clock();

        var registry = context.getRegistry();
        SigningSecrets secrets = SigningSecrets.open(settings.get(WebhookSettings.SECRET_KEY), Path.of(settings.get(WebhookSettings.SECRET_KEY_FILE)));
        // delivery bookkeeping has connections of its own: dozens of senders must never keep a page waiting for one
        javax.sql.DataSource deliveryDb = checkOnly ? db.dataSource() : db.sidePool("webhooks", settings.getInt(WebhookSettings.POOL_SIZE));
        Subscriptions subscriptions = new Subscriptions(deliveryDb, secrets, settings.getInt(WebhookSettings.MAX_IN_FLIGHT));
        registry.bind("webhookSubscriptions", subscriptions);
        registry.bind("webhookService", new WebhookService(deliveryDb, subscriptions));
        String mode = settings.get(WebhookSettings.SANDBOX_RECEIVER);
        boolean sandbox = !checkOnly && (mode.equals("true") || (mode.equals("auto")
                && w.sourcesOnSandboxes()));
        // auto: the receiver where the sandbox module is installed; true: required (a clear error without it)
        Sandboxes.Started receiver = null;
        if (sandbox && (mode.equals("true") || sandboxes.has("webhook-receiver"))) {
            receiver = sandboxes.start("webhook-receiver", "hub.webhooks.sandbox-receiver", settings, clock);
            w.closeOnStop(receiver.instance());
            registry.bind("webhookReceiver", receiver.instance());
            LOG.info("Webhook sandbox receiver at {} (subscription 'sandbox', every event)", receiver.baseUrl());
        }
        if (!checkOnly) {
            WebhookConfig.Subscription sandboxSubscription = receiver == null ? null
                    : new WebhookConfig.Subscription("sandbox", receiver.baseUrl(), receiver.credential("secret"), List.of("*"), true,
                    "the built-in sandbox receiver (hub.webhooks.sandbox-receiver)", null);
            subscriptions.sync(config.subscriptions(), sandboxSubscription,
                    settings.getDuration(WebhookSettings.ROTATION_OVERLAP), System.out::println);
            subscriptions.checkKey();
        }
        java.util.Set<String> allowed = new java.util.HashSet<>(settings.getList(WebhookSettings.ALLOWED_PRIVATE_HOSTS));
        if (receiver != null) {
            allowed.add("localhost"); // the built-in receiver listens there
        }
        UrlGuard guard = new UrlGuard(allowed);
        java.time.Duration timeout = settings.getMillis(WebhookSettings.TIMEOUT_MS);
        int senders = settings.getInt(WebhookSettings.SENDERS);
        var connections = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guard)
                .setMaxConnTotal(Math.max(senders * 2, 20))
                .setMaxConnPerRoute(Math.max(senders, 10))
                .setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                        .setConnectTimeout(org.apache.hc.core5.util.Timeout.of(timeout))
                        .setSocketTimeout(org.apache.hc.core5.util.Timeout.of(timeout)).build())
                .build();
        w.closeOnStop(connections);
        registry.bind("webhookConnections", connections);
        WebhookDispatcher dispatcher = new WebhookDispatcher(deliveryDb, subscriptions, guard,
                WebhookSettings.delays(settings.get(WebhookSettings.RETRY_SCHEDULE)), timeout,
                settings.getDuration(WebhookSettings.DISABLE_AFTER), senders * 2,
                w.claimant(), redactor);
        registry.bind("webhookDispatcher", dispatcher);
        dispatcher.traceTo(java.util.Objects.requireNonNullElse(w.find(com.canopyhub.observe.DeliveryTraces.class),
                com.canopyhub.observe.DeliveryTraces.NONE));
        dispatcher.reportTo(java.util.Objects.requireNonNullElse(w.find(com.canopyhub.observe.DeliveryMeters.class),
                com.canopyhub.observe.DeliveryMeters.NONE), settings.getBoolean(com.canopyhub.observe.Alerts.ENABLED_KEY));
        SyncRuns syncRuns = registry.lookupByNameAndType("syncRuns", SyncRuns.class);
        dispatcher.yieldTo(syncRuns::anyPassRunning, settings.getInt(WebhookSettings.IN_FLIGHT_DURING_SYNC));
        dispatcher.stopWhen(() -> w.context().isStopping() || w.context().isStopped());
        w.closeOnStop(dispatcher); // closed after the routes stopped: gives back what was claimed but not sent
        if (!checkOnly && settings.getBoolean(WebhookSettings.ENABLED)) {
            w.wakeOnCommit(WebhookService.WAKE_URI);
        }
    }
}
