package com.canopyhub.source.metrc;

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
import java.time.LocalDate;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the Metrc source from its settings: the real API when {@code hub.metrc.base-url} is set, else the built-in
 * Metrc sandbox (started here, stopped with the hub), whose first facility shares package labels with the Distru
 * sandbox (some with other quantities) when both run, so the reconciliation view has something real to show.
 */
public final class MetrcModule implements SourceFactory {

    private static final Logger LOG = LoggerFactory.getLogger(MetrcModule.class);

    /** Registered in META-INF/services/com.canopyhub.engine.spi.SourceFactory. */
    public MetrcModule() {
    }

    @Override
    public String source() {
        return "metrc";
    }

    @Override
    public Source create(Wiring wiring) throws Exception {
        HubSettings settings = wiring.settings();
        Clock clock = wiring.clock();
        String baseUrl = settings.get("hub.metrc.base-url");
        String integratorKey = settings.get("hub.metrc.integrator-key");
        String userKey = settings.get("hub.metrc.user-key");
        String upstream;
        if (baseUrl.isEmpty()) {
            Sandboxes.Started sandbox = wiring.sandboxes().start("metrc", "hub.metrc.base-url", settings, clock);
            wiring.closeOnStop().accept((AutoCloseable) sandbox.instance());
            wiring.bind().accept("metrcSandbox", sandbox.instance());
            baseUrl = sandbox.baseUrl();
            integratorKey = sandbox.credential("integrator-key");
            userKey = sandbox.credential("user-key");
            upstream = sandbox.identity();
            LOG.info("Source metrc: the built-in Metrc sandbox at {}; hub.metrc.base-url is empty", baseUrl);
        } else {
            upstream = Upstreams.identity(baseUrl);
            LOG.info("Source metrc: {}", upstream);
        }
        MetrcClient client = new MetrcClient(URI.create(baseUrl), integratorKey, userKey,
                new MetrcClient.Limits(settings.getDouble("hub.metrc.facility-requests-per-second"),
                        settings.getInt("hub.metrc.facility-in-flight"), settings.getDouble("hub.metrc.integrator-requests-per-second"),
                        settings.getInt("hub.metrc.integrator-in-flight")),
                settings.getMillis("hub.metrc.connect-timeout-ms"), settings.getMillis("hub.metrc.read-timeout-ms"),
                Duration.ofSeconds(settings.getLong("hub.retry.max-retry-after-seconds")), wiring.upstreamJson(), clock);
        wiring.closeOnStop().accept(client);
        String start = settings.get("hub.metrc.start-date");
        return new MetrcSource(client, new MetrcMapper(wiring.extraFields(), settings.get("hub.metrc.currency")), settings.getList("hub.metrc.license-numbers"),
                settings.getList("hub.metrc.streams"), settings.getBoolean("hub.metrc.streams-follow-license-type"),
                start.isEmpty() ? null : LocalDate.parse(start), Duration.ofDays(settings.getLong("hub.metrc.backfill-days")),
                settings.getMillis("hub.metrc.safety-lag-ms"), settings.getMillis("hub.metrc.overlap-ms"), upstream, clock,
                settings.getInt("hub.metrc.read-ahead-pages"));
    }
}
