package com.canopyhub.delivery.marketplace;

import com.canopyhub.config.CoreSettings;

import com.canopyhub.config.ConfigException;
import com.canopyhub.config.HubSettings;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.store.DeadLetterStore;
import com.canopyhub.config.Sandboxes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the marketplace sinks from their settings: for each enabled one, its mapping file, its built-in sandbox
 * when no base URL is set, its shared rate limit and its {@link MarketplaceDelivery} (bound as {@code <sink>Sink} for
 * routes/template-marketplace-delivery.camel.yaml); and the one {@link MarketplacePlanner} that marks changed products for all.
 * A sink that is off gets no routes ({@code hub.<sink>.active} is false: the templated routes' precondition).
 */
public final class MarketplaceModule implements com.canopyhub.wiring.HubModule {

    private static final Logger LOG = LoggerFactory.getLogger(MarketplaceModule.class);
    /** Requests go at 97 % of a key's limit: 3 % of the window (1.8 s of a minute) absorbs network jitter. */
    public static final double RATE_MARGIN = 0.97;

    /** Registered in META-INF/services/com.canopyhub.wiring.HubModule. */
    public MarketplaceModule() {
    }

    @Override
    public int order() {
        return 70;
    }

    @Override
    public void wire(com.canopyhub.wiring.HubWiring w) throws Exception {
        CamelContext context = w.context();
        HubSettings settings = w.settings();
        HubDatabase db = w.database();
        boolean checkOnly = w.checkOnly();
        Clock clock = w.clock();
        Sandboxes sandboxes = w.sandboxes();
        var registry = context.getRegistry();
        var properties = context.getPropertiesComponent();
        boolean sandboxSources = w.sourcesOnSandboxes();
        List<String> sinks = List.of(TerraVaultListings.SINK, ShopPlatformListings.SINK);
        java.util.Map<String, String> active = new java.util.LinkedHashMap<>();
        java.util.Map<String, Integer> keyLimits = new java.util.LinkedHashMap<>();
        DataSource pool = null;
        for (String sink : sinks) {
            String prefix = "hub." + sink;
            MarketplaceSettings.Keys keys = MarketplaceSettings.Keys.of(sink);
            String mode = settings.get(keys.enabled());
            String baseUrl = settings.get(keys.baseUrl());
            boolean on = mode.equals("true") || (mode.equals("auto") && (!baseUrl.isEmpty() || sandboxSources));
            properties.addOverrideProperty(prefix + ".active", Boolean.toString(on && !checkOnly));
            properties.addOverrideProperty(prefix + ".inbound", "false");
            if (!on) {
                continue;
            }
            boolean terravault = sink.equals(TerraVaultListings.SINK);
            String keySetting = keys.credential().key();
            String key = settings.get(keys.credential());
            String orgId = keys.orgId() == null ? null : settings.get(keys.orgId());
            List<String> shops = keys.shops() == null ? List.of() : settings.getList(keys.shops());
            if (!checkOnly && baseUrl.isEmpty()) {
                Sandboxes.Started sandbox = sandboxes.start(sink, keys.baseUrl().key(), settings, clock);
                w.closeOnStop(sandbox.instance());
                registry.bind(terravault ? "terravaultSandbox" : "shopPlatformSandbox", sandbox.instance());
                baseUrl = sandbox.baseUrl();
                key = sandbox.credential(terravault ? "api-key" : "token");
                if (!terravault) {
                    orgId = sandbox.credential("org-id");
                    shops = shops.isEmpty() ? HubSettings.splitList(sandbox.credential("shops")) : shops;
                }
                LOG.info("Marketplace {}: the built-in sandbox at {} ({}.base-url is empty)", sink, baseUrl, prefix);
            } else if (!baseUrl.isEmpty()) {
                List<String> problems = new java.util.ArrayList<>();
                if (key.isEmpty()) {
                    problems.add(keySetting + ": required when " + prefix + ".base-url is set");
                }
                if (!terravault && orgId.isEmpty()) {
                    problems.add(prefix + ".org-id: required when " + prefix + ".base-url is set");
                }
                if (sandboxSources && !settings.getBoolean(MarketplaceSettings.ALLOW_SANDBOX_DATA)) {
                    problems.add(prefix + ".base-url: a real marketplace, but every source runs on its built-in sandbox: "
                            + "generated products would be listed for sale. Set the sources' base URLs, or "
                            + "hub.marketplaces.allow-sandbox-data=true for a marketplace's own test account");
                }
                if (!problems.isEmpty()) {
                    throw new ConfigException(problems);
                }
                LOG.info("Marketplace {}: {}", sink, baseUrl);
            }
            if (terravault) {
                inbound(context, settings, db, sink, sandboxes.running(sink).map(Sandboxes.Started::instance)
                        .filter(DemoOrders.class::isInstance).map(DemoOrders.class::cast).orElse(null), checkOnly, clock);
            }
            MarketplaceAdapter adapter = terravault ? new TerraVaultListings() : new ShopPlatformListings(orgId == null ? "" : orgId, shops);
            ListingMapping mapping = ListingMapping.load(Path.of(settings.get(keys.mappingFile())), adapter.requiredFields(),
                    adapter.options(), context);
            if (checkOnly) {
                continue;
            }
            if (pool == null) {
                pool = db.sidePool("marketplaces", settings.getInt(MarketplaceSettings.POOL_SIZE));
            }
            String bearer = "Bearer " + key;
            SharedRateLimit limit = new SharedRateLimit(pool, key, settings.getInt(keys.requestsPerMinute()),
                    settings.getDuration(keys.rateWindow()), RATE_MARGIN);
            MarketplaceDelivery sinkBean = new MarketplaceDelivery(adapter, mapping, pool, baseUrl, () -> bearer, limit, w.require(DeadLetterStore.class),
                    w.redactor(), w.claimant(), settings.getInt(MarketplaceSettings.SENDERS) * 4,
                    Duration.ofSeconds(settings.getLong(MarketplaceSettings.LEASE_SECONDS)),
                    settings.getMillis(MarketplaceSettings.RETRY_INITIAL_DELAY_MS), settings.getMillis(MarketplaceSettings.RETRY_MAX_DELAY_MS),
                    settings.getInt(MarketplaceSettings.LISTING_ATTEMPTS), clock);
            w.closeOnStop(sinkBean); // closed after the routes stopped: gives back what it claimed
            sinkBean.reportTo(java.util.Objects.requireNonNullElse(w.find(com.canopyhub.observe.DeliveryMeters.class),
                    com.canopyhub.observe.DeliveryMeters.NONE), settings.getBoolean(com.canopyhub.observe.Alerts.ENABLED_KEY));
            keyLimits.put(sink, settings.getInt(keys.requestsPerMinute()));
            registry.bind(sink + "Delivery", sinkBean); // routes/template-marketplace-delivery.camel.yaml: {{marketplace}}Delivery
            active.put(sink, mapping.hash());
        }
        com.canopyhub.observe.DeliveryMeters meters = w.find(com.canopyhub.observe.DeliveryMeters.class);
        if (meters != null && !checkOnly) {
            meters.marketplaceLimits(keyLimits);
        }
        if (!checkOnly) {
            MarketplacePlanner planner = new MarketplacePlanner(pool != null ? pool : db.dataSource(), active);
            planner.stopWhen(() -> w.context().isStopping() || w.context().isStopped());
            registry.bind("marketplacePlanner", planner);
            var connections = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(50).setMaxConnPerRoute(20).build();
            w.closeOnStop(connections);
            registry.bind("marketplaceConnections", connections);
        }
    }

    /**
     * TerraVault's order webhooks: verified with hub.terravault.webhook-secret; with the built-in sandbox and no
     * secret set, a generated one the sandbox signs with (and, on the embedded database, it places a demo order every
     * 25 listings).
     */
    private static void inbound(CamelContext context, HubSettings settings, HubDatabase db, String sink, DemoOrders sandbox,
                                boolean checkOnly, Clock clock) {
        // hub.http.listen: the HTTP server runs (only `run` starts it; HubConfiguration sets this)
        boolean on = "true".equals(context.getPropertiesComponent().resolveProperty("hub.http.listen").orElse("false")) && !checkOnly;
        context.getPropertiesComponent().addOverrideProperty("hub." + sink + ".inbound", Boolean.toString(on));
        if (!on) {
            return;
        }
        MarketplaceSettings.Keys keys = MarketplaceSettings.Keys.of(sink);
        String secret = settings.get(keys.webhookSecret());
        if (secret.isEmpty() && sandbox != null) {
            secret = com.canopyhub.delivery.webhook.SigningSecrets.generate();
            int port = settings.getInt(CoreSettings.HTTP_PORT);
            // demo orders are sandbox data: like the source sandboxes', only into the embedded database
            if (port > 0 && settings.get(CoreSettings.REPORTING_JDBC_URL).isEmpty()) {
                sandbox.placeOrdersTo(java.net.URI.create("http://localhost:" + port + "/webhooks/terravault"), secret, 25,
                        MarketplaceOrders.Form.of(settings.get(keys.webhookSignature())) == MarketplaceOrders.Form.HEADER);
            }
        } else if (secret.isEmpty()) {
            LOG.warn("hub.{}.webhook-secret is not set: {}'s order webhooks are refused (401) until it is", sink, sink);
        }
        String key = secret;
        context.getRegistry().bind(sink + "Orders", new MarketplaceOrders(sink, db.dataSource(), () -> key,
                Duration.ofSeconds(settings.getLong(keys.webhookTolerance())), clock,
                MarketplaceOrders.Form.of(settings.get(keys.webhookSignature()))));
    }
}
