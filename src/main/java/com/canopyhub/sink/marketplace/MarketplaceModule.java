package com.canopyhub.sink.marketplace;

import com.canopyhub.config.ConfigException;
import com.canopyhub.config.HubSettings;
import com.canopyhub.config.SecretRedactor;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.deadletter.DeadLetterStore;
import com.canopyhub.sandbox.terravault.TerraVaultSandbox;
import com.canopyhub.sink.webhook.WebhookSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the marketplace sinks from their settings: for each enabled one, its mapping file, its built-in sandbox
 * when no base URL is set, its shared rate limit and its {@link MarketplaceSink} (bound as {@code <sink>Sink} for
 * routes/marketplace-sink.camel.yaml); and the one {@link MarketplacePlanner} that marks changed products for all.
 * A sink that is off gets no routes ({@code hub.<sink>.active} is false: the templated routes' precondition).
 */
public final class MarketplaceModule {

    private static final Logger LOG = LoggerFactory.getLogger(MarketplaceModule.class);
    /** Requests go at 97 % of a key's limit: 3 % of the window (1.8 s of a minute) absorbs network jitter. */
    public static final double RATE_MARGIN = 0.97;

    private MarketplaceModule() {
    }

    public static void wire(CamelContext context, HubSettings settings, SecretRedactor redactor, HubDatabase db,
                            DeadLetterStore deadLetters, Collection<String> sources, Consumer<AutoCloseable> closeOnStop,
                            boolean checkOnly, String node, Clock clock) throws Exception {
        var registry = context.getRegistry();
        var properties = context.getPropertiesComponent();
        boolean sandboxSources = sources.stream().allMatch(s -> settings.get("hub." + s + ".base-url").isEmpty());
        List<MarketplaceAdapter> adapters = List.of(new TerraVaultListings());
        java.util.Map<String, String> active = new java.util.LinkedHashMap<>();
        DataSource pool = null;
        for (MarketplaceAdapter adapter : adapters) {
            String sink = adapter.sink();
            String prefix = "hub." + sink;
            String mode = settings.get(prefix + ".enabled");
            String baseUrl = settings.get(prefix + ".base-url");
            boolean on = mode.equals("true") || (mode.equals("auto") && (!baseUrl.isEmpty() || sandboxSources));
            properties.addOverrideProperty(prefix + ".active", Boolean.toString(on && !checkOnly));
            if (!on) {
                continue;
            }
            ListingMapping mapping = ListingMapping.load(Path.of(settings.get(prefix + ".mapping-file")), adapter.requiredFields(),
                    adapter.options(), context);
            if (checkOnly) {
                continue;
            }
            String key = settings.get(prefix + (sink.equals(TerraVaultListings.SINK) ? ".api-key" : ".token"));
            if (baseUrl.isEmpty()) {
                TerraVaultSandbox sandbox = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults()
                        .withLimit(settings.getInt(prefix + ".requests-per-minute"), window(settings, prefix)), clock);
                closeOnStop.accept(sandbox);
                registry.bind(sink + "Sandbox", sandbox);
                baseUrl = sandbox.baseUrl().toString();
                key = TerraVaultSandbox.Options.defaults().firstKey();
                LOG.info("Marketplace {}: the built-in sandbox at {} (hub.{}.base-url is empty)", sink, baseUrl, sink);
            } else {
                if (key.isEmpty()) {
                    throw new ConfigException(List.of(prefix + (sink.equals(TerraVaultListings.SINK) ? ".api-key" : ".token")
                            + ": required when " + prefix + ".base-url is set"));
                }
                if (sandboxSources && !settings.getBoolean("hub.marketplaces.allow-sandbox-data")) {
                    throw new ConfigException(List.of(prefix + ".base-url: a real marketplace, but every source runs on its "
                            + "built-in sandbox: generated products would be listed for sale. Set the sources' base URLs, or "
                            + "hub.marketplaces.allow-sandbox-data=true for a marketplace's own sandbox account"));
                }
                LOG.info("Marketplace {}: {}", sink, baseUrl);
            }
            if (pool == null) {
                pool = db.sidePool("marketplaces", settings.getInt("hub.marketplaces.pool-size"));
            }
            String bearer = "Bearer " + key;
            SharedRateLimit limit = new SharedRateLimit(pool, key, settings.getInt(prefix + ".requests-per-minute"),
                    window(settings, prefix), RATE_MARGIN);
            MarketplaceSink sinkBean = new MarketplaceSink(adapter, mapping, pool, baseUrl, () -> bearer, limit, deadLetters,
                    redactor, node, settings.getInt("hub.marketplaces.senders") * 4,
                    Duration.ofSeconds(settings.getLong("hub.marketplaces.lease-seconds")),
                    settings.getMillis("hub.marketplaces.retry-initial-delay-ms"), settings.getMillis("hub.marketplaces.retry-max-delay-ms"), clock);
            closeOnStop.accept(sinkBean); // closed after the routes stopped: gives back what it claimed
            registry.bind(sink + "Sink", sinkBean);
            active.put(sink, mapping.hash());
        }
        if (!checkOnly) {
            registry.bind("marketplacePlanner", new MarketplacePlanner(pool != null ? pool : db.dataSource(), active));
            var connections = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(50).setMaxConnPerRoute(20).build();
            closeOnStop.accept(connections);
            registry.bind("marketplaceConnections", connections);
        }
    }

    private static Duration window(HubSettings settings, String prefix) {
        return WebhookSettings.duration(settings.get(prefix + ".rate-window")).orElseThrow();
    }
}
