package com.canopyhub.source.origintrace;

import com.canopyhub.config.CoreSettings;
import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.SourceFactory;
import com.canopyhub.source.HeaderBudget;
import com.canopyhub.source.Upstreams;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the OriginTrace source from its settings: the real API when {@code hub.origintrace.base-url} is set, else the
 * built-in OriginTrace sandbox (started here, stopped with the hub).
 */
public final class OriginTraceModule implements SourceFactory {

    private static final Logger LOG = LoggerFactory.getLogger(OriginTraceModule.class);

    /** Registered in META-INF/services/com.canopyhub.engine.spi.SourceFactory. */
    public OriginTraceModule() {
    }

    @Override
    public String source() {
        return "origintrace";
    }

    @Override
    public Source create(Wiring wiring) throws Exception {
        HubSettings settings = wiring.settings();
        String baseUrl = settings.get(OriginTraceSettings.BASE_URL);
        String apiKey = settings.get(OriginTraceSettings.API_KEY);
        long limit = settings.getLong(OriginTraceSettings.RATE_LIMIT_PER_HOUR);
        String upstream;
        if (baseUrl.isEmpty()) {
            Sandboxes.Started sandbox = wiring.sandboxes().start("origintrace", "hub.origintrace.base-url", settings, wiring.clock());
            wiring.closeOnStop().accept(sandbox.instance());
            wiring.bind().accept("origintraceSandbox", sandbox.instance());
            baseUrl = sandbox.baseUrl();
            apiKey = sandbox.credential("api-key");
            limit = settings.getLong(OriginTraceSettings.SANDBOX_RATE_LIMIT_PER_HOUR);
            upstream = sandbox.identity();
            LOG.info("Source origintrace: the built-in OriginTrace sandbox at {}; hub.origintrace.base-url is empty", baseUrl);
        } else {
            upstream = Upstreams.identity(baseUrl);
            LOG.info("Source origintrace: {}", upstream);
        }
        HeaderBudget budget = new HeaderBudget("origintrace", limit, settings.getInt(OriginTraceSettings.RESERVE_PERCENT), wiring.clock());
        OriginTraceClient client = new OriginTraceClient(URI.create(baseUrl), apiKey, settings.getInt(OriginTraceSettings.PAGE_SIZE),
                budget, settings.getMillis(OriginTraceSettings.CONNECT_TIMEOUT_MS), settings.getMillis(OriginTraceSettings.READ_TIMEOUT_MS),
                Duration.ofSeconds(settings.getLong(CoreSettings.RETRY_MAX_RETRY_AFTER_SECONDS)), wiring.upstreamJson(), wiring.clock(), wiring.meters());
        wiring.closeOnStop().accept(client);
        Map<OriginTraceStream, List<String>> filters = new EnumMap<>(OriginTraceStream.class);
        for (OriginTraceStream s : OriginTraceStream.values()) {
            List<String> statuses = settings.getList(OriginTraceSettings.statusFilter(s));
            if (!statuses.isEmpty()) {
                filters.put(s, statuses);
                LOG.info("origintrace/{}: filtered to {}: records outside it are not synced, and none is marked deleted",
                        s.configName(), statuses);
            }
        }
        return new OriginTraceSource(client, new OriginTraceMapper(wiring.extraFields(),
                settings.getBoolean(OriginTraceSettings.STORE_PERSONAL_DATA)), settings.getList(OriginTraceSettings.STREAMS_TO_SYNC),
                filters, upstream);
    }
}
