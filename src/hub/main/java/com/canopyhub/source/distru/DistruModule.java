package com.canopyhub.source.distru;

import com.canopyhub.config.CoreSettings;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.engine.spi.SourceFactory;
import com.canopyhub.source.Upstreams;
import com.canopyhub.engine.spi.Source;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
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
        String baseUrl = settings.get(DistruSettings.BASE_URL);
        String apiKey = settings.get(DistruSettings.API_KEY);
        String upstream;
        if (baseUrl.isEmpty()) {
            Sandboxes.Started sandbox = wiring.sandboxes().start("distru", "hub.distru.base-url", settings, clock);
            wiring.closeOnStop().accept(sandbox.instance());
            wiring.bind().accept("distruSandbox", sandbox.instance());
            baseUrl = sandbox.baseUrl();
            apiKey = sandbox.credential("api-key");
            upstream = sandbox.identity();
            LOG.info("Source distru: the built-in Distru sandbox (generated data, seed {}) at {}; hub.distru.base-url is empty",
                    settings.getLong(DistruSettings.SANDBOX_SEED), baseUrl);
        } else {
            upstream = Upstreams.identity(baseUrl);
            LOG.info("Source distru: {}", upstream);
        }
        DistruClient client = new DistruClient(URI.create(baseUrl), apiKey, settings.getDouble(DistruSettings.REQUESTS_PER_SECOND),
                settings.getMillis(DistruSettings.CONNECT_TIMEOUT_MS), settings.getMillis(DistruSettings.READ_TIMEOUT_MS),
                Duration.ofSeconds(settings.getLong(CoreSettings.RETRY_MAX_RETRY_AFTER_SECONDS)), wiring.upstreamJson(), clock, wiring.meters());
        wiring.closeOnStop().accept(client);
        return new DistruSource(client, new DistruMapper(settings.get(DistruSettings.CURRENCY), wiring.extraFields()),
                settings.getList(DistruSettings.STREAMS_TO_SYNC), settings.getMillis(DistruSettings.SAFETY_LAG_MS),
                settings.getMillis(DistruSettings.OVERLAP_MS), upstream);
    }
}
