package com.canopyhub.source.metrc;

import com.canopyhub.config.CoreSettings;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.engine.spi.SourceFactory;
import com.canopyhub.source.Upstreams;
import com.canopyhub.engine.spi.Source;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
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
        String baseUrl = settings.get(MetrcSettings.BASE_URL);
        String integratorKey = settings.get(MetrcSettings.INTEGRATOR_KEY);
        String userKey = settings.get(MetrcSettings.USER_KEY);
        String upstream;
        if (baseUrl.isEmpty()) {
            Sandboxes.Started sandbox = wiring.sandboxes().start("metrc", "hub.metrc.base-url", settings, clock);
            wiring.closeOnStop().accept(sandbox.instance());
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
                new MetrcClient.Limits(settings.getDouble(MetrcSettings.FACILITY_REQUESTS_PER_SECOND),
                        settings.getInt(MetrcSettings.FACILITY_IN_FLIGHT), settings.getDouble(MetrcSettings.INTEGRATOR_REQUESTS_PER_SECOND),
                        settings.getInt(MetrcSettings.INTEGRATOR_IN_FLIGHT)),
                settings.getMillis(MetrcSettings.CONNECT_TIMEOUT_MS), settings.getMillis(MetrcSettings.READ_TIMEOUT_MS),
                Duration.ofSeconds(settings.getLong(CoreSettings.RETRY_MAX_RETRY_AFTER_SECONDS)), wiring.upstreamJson(), clock, wiring.meters());
        wiring.closeOnStop().accept(client);
        String start = settings.get(MetrcSettings.START_DATE);
        return new MetrcSource(client, new MetrcMapper(wiring.extraFields(), settings.get(MetrcSettings.CURRENCY)), settings.getList(MetrcSettings.LICENSE_NUMBERS),
                settings.getList(MetrcSettings.STREAMS_TO_SYNC), settings.getBoolean(MetrcSettings.STREAMS_FOLLOW_LICENSE_TYPE),
                start.isEmpty() ? null : LocalDate.parse(start), Duration.ofDays(settings.getLong(MetrcSettings.BACKFILL_DAYS)),
                settings.getMillis(MetrcSettings.SAFETY_LAG_MS), settings.getMillis(MetrcSettings.OVERLAP_MS), upstream, clock,
                settings.getInt(MetrcSettings.READ_AHEAD_PAGES));
    }
}
