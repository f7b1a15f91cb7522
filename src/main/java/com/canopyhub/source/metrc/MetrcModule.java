package com.canopyhub.source.metrc;

import com.canopyhub.config.HubSettings;
import com.canopyhub.source.ExtraFields;
import com.canopyhub.sandbox.metrc.MetrcSandbox;
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
public final class MetrcModule {

    private static final Logger LOG = LoggerFactory.getLogger(MetrcModule.class);

    private MetrcModule() {
    }

    public static Source wire(HubSettings settings, Clock clock, ExtraFields extraFields, ObjectMapper upstreamJson,
                              List<MetrcSandbox.SharedLot> sharedLots, javax.sql.DataSource dataSource,
                              Consumer<AutoCloseable> closeOnStop,
                              BiConsumer<String, Object> bind) throws Exception {
        String baseUrl = settings.get("hub.metrc.base-url");
        String integratorKey = settings.get("hub.metrc.integrator-key");
        String userKey = settings.get("hub.metrc.user-key");
        String upstream;
        if (baseUrl.isEmpty()) {
            MetrcSandbox sandbox = MetrcSandbox.start(MetrcSandbox.Options.defaults(settings.getInt("hub.metrc.sandbox-facilities"),
                    settings.getInt("hub.metrc.sandbox-records")).withSharedLots(sharedLots)
                    .withChurn(settings.getInt("hub.metrc.sandbox-churn-per-minute")), clock);
            closeOnStop.accept(sandbox);
            bind.accept("metrcSandbox", sandbox);
            baseUrl = sandbox.baseUrl().toString();
            integratorKey = sandbox.options().integratorKey();
            userKey = sandbox.options().userKey();
            upstream = "metrc-sandbox";
            LOG.info("Source metrc: the built-in Metrc sandbox ({} facilities) at {}; hub.metrc.base-url is empty",
                    sandbox.options().facilities().size(), baseUrl);
        } else {
            upstream = Upstreams.identity(baseUrl);
            LOG.info("Source metrc: {}", upstream);
        }
        MetrcClient client = new MetrcClient(URI.create(baseUrl), integratorKey, userKey,
                new MetrcClient.Limits(settings.getDouble("hub.metrc.facility-requests-per-second"),
                        settings.getInt("hub.metrc.facility-in-flight"), settings.getDouble("hub.metrc.integrator-requests-per-second"),
                        settings.getInt("hub.metrc.integrator-in-flight")),
                settings.getMillis("hub.metrc.connect-timeout-ms"), settings.getMillis("hub.metrc.read-timeout-ms"),
                Duration.ofSeconds(settings.getLong("hub.retry.max-retry-after-seconds")), upstreamJson, clock);
        closeOnStop.accept(client);
        String start = settings.get("hub.metrc.start-date");
        return new MetrcSource(client, new MetrcMapper(extraFields, settings.get("hub.metrc.currency")), settings.getList("hub.metrc.license-numbers"),
                settings.getList("hub.metrc.streams"), settings.getBoolean("hub.metrc.streams-follow-license-type"),
                start.isEmpty() ? null : LocalDate.parse(start), Duration.ofDays(settings.getLong("hub.metrc.backfill-days")),
                settings.getMillis("hub.metrc.safety-lag-ms"), settings.getMillis("hub.metrc.overlap-ms"), upstream, clock,
                settings.getInt("hub.metrc.read-ahead-pages"), dataSource);
    }
}
