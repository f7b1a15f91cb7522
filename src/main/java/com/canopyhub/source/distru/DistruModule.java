package com.canopyhub.source.distru;

import com.canopyhub.config.HubSettings;
import com.canopyhub.source.ExtraFields;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxSizes;
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
public final class DistruModule {

    private static final Logger LOG = LoggerFactory.getLogger(DistruModule.class);

    private DistruModule() {
    }

    /**
     * @param closeOnStop receives what must be closed when the hub stops
     * @param bind        binds a bean (the sandbox, for tests and the bench)
     */
    public static Source wire(HubSettings settings, Clock clock, ExtraFields extraFields, ObjectMapper upstreamJson,
                              Consumer<AutoCloseable> closeOnStop, BiConsumer<String, Object> bind) throws Exception {
        String baseUrl = settings.get("hub.distru.base-url");
        String apiKey = settings.get("hub.distru.api-key");
        String upstream;
        if (baseUrl.isEmpty()) {
            DistruSandbox sandbox = DistruSandbox.start(new DistruSandbox.Options("sandbox-api-key",
                    SandboxSizes.uniform(settings.getInt("hub.sandbox.records")), settings.getLong("hub.sandbox.seed"),
                    settings.getInt("hub.sandbox.requests-per-second"), settings.getMillis("hub.sandbox.visibility-lag-ms"),
                    settings.getDouble("hub.sandbox.fault-rate"), settings.getInt("hub.sandbox.churn-per-minute")), clock);
            closeOnStop.accept(sandbox);
            bind.accept("distruSandbox", sandbox);
            baseUrl = sandbox.baseUrl().toString();
            apiKey = sandbox.apiKey();
            upstream = "distru-sandbox seed=" + settings.getLong("hub.sandbox.seed");
            LOG.info("Source distru: the built-in Distru sandbox (generated data, seed {}) at {}; hub.distru.base-url is empty",
                    settings.getLong("hub.sandbox.seed"), baseUrl);
        } else {
            upstream = Upstreams.identity(baseUrl);
            LOG.info("Source distru: {}", upstream);
        }
        DistruClient client = new DistruClient(URI.create(baseUrl), apiKey, settings.getDouble("hub.distru.requests-per-second"),
                settings.getMillis("hub.distru.connect-timeout-ms"), settings.getMillis("hub.distru.read-timeout-ms"),
                Duration.ofSeconds(settings.getLong("hub.retry.max-retry-after-seconds")), upstreamJson, clock);
        closeOnStop.accept(client);
        return new DistruSource(client, new DistruMapper(settings.get("hub.distru.currency"), extraFields),
                settings.getList("hub.distru.entities"), settings.getMillis("hub.distru.safety-lag-ms"),
                settings.getMillis("hub.distru.overlap-ms"), upstream);
    }
}
