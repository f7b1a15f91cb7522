package com.canopyhub.source.distru;

import com.canopyhub.config.HubSettings;
import com.canopyhub.source.ExtraFields;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.engine.spi.SourceFactory;
import com.canopyhub.source.Upstreams;
import com.canopyhub.engine.spi.Source;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the Distru source from its settings: the real API when {@code hub.distru.base-url} is set, else the
 * built-in sandbox (started here, stopped with the hub).
 */
public final class DistruModule implements SourceFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DistruModule.class);

    /** Registered in META-INF/services/com.canopyhub.engine.spi.SourceFactory. */
    public DistruModule() {
    }

    @Override
    public String source() {
        return DistruClient.SYSTEM;
    }

    @Override
    public Source create(Wiring wiring) throws Exception {
        HubSettings settings = wiring.settings();
        Clock clock = wiring.clock();
        String baseUrl = settings.get("hub.distru.base-url");
        String apiKey = settings.get("hub.distru.api-key");
        String upstream;
        if (baseUrl.isEmpty()) {
            Sandboxes.Started sandbox = wiring.sandboxes().start("distru", "hub.distru.base-url", settings, clock);
            wiring.closeOnStop().accept((AutoCloseable) sandbox.instance());
            wiring.bind().accept("distruSandbox", sandbox.instance());
            baseUrl = sandbox.baseUrl();
            apiKey = sandbox.credential("api-key");
            upstream = sandbox.identity();
            LOG.info("Source distru: the built-in Distru sandbox (generated data, seed {}) at {}; hub.distru.base-url is empty",
                    settings.getLong("hub.sandbox.seed"), baseUrl);
        } else {
            upstream = Upstreams.identity(baseUrl);
            LOG.info("Source distru: {}", upstream);
        }
        DistruClient client = new DistruClient(URI.create(baseUrl), apiKey, settings.getDouble("hub.distru.requests-per-second"),
                settings.getMillis("hub.distru.connect-timeout-ms"), settings.getMillis("hub.distru.read-timeout-ms"),
                Duration.ofSeconds(settings.getLong("hub.retry.max-retry-after-seconds")), wiring.upstreamJson(), clock);
        wiring.closeOnStop().accept(client);
        return new DistruSource(client, new DistruMapper(settings.get("hub.distru.currency"), wiring.extraFields()),
                settings.getList("hub.distru.streams"), settings.getMillis("hub.distru.safety-lag-ms"),
                settings.getMillis("hub.distru.overlap-ms"), upstream);
    }
}
