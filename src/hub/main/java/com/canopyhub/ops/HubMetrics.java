package com.canopyhub.ops;

import com.canopyhub.engine.run.StreamResult;
import com.canopyhub.engine.run.SyncReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's Prometheus metrics (docs/operations.md lists every name and label), served at {@code GET /metrics}
 * (routes/ops-metrics.camel.yaml) next to Camel's own route metrics from the same registry.
 *
 * <p>Two kinds: what happens in this process is counted as it happens (runs, upstream answers, webhook attempts,
 * marketplace requests); what the database holds for the whole cluster (freshness, cursor lag, outbox backlogs, open
 * dead letters) is read when Prometheus scrapes, in one short query each, so every node reports the same state and
 * a restart loses none of it. Labels are bounded sets (sources, streams, partitions, readers, subscriptions, sinks,
 * outcomes, status classes): never a record id.
 */
public final class HubMetrics implements com.canopyhub.source.UpstreamMeters, com.canopyhub.observe.DeliveryMeters {

    private static final Logger LOG = LoggerFactory.getLogger(HubMetrics.class);
    /** Where camel-micrometer looks for the registry (MicrometerConstants.METRICS_REGISTRY_NAME). */
    public static final String REGISTRY_NAME = "metricsRegistry";
    public static final String PREFIX = "canopyhub.";

    private final PrometheusMeterRegistry registry;
    private final DataSource dataSource;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final MultiGauge freshness;
    private final MultiGauge cursorLag;
    private final MultiGauge lastRunFailures;
    private final MultiGauge outboxUnread;
    private final MultiGauge outboxOldest;
    private final MultiGauge deadLettersOpen;
    private final MultiGauge marketplaceBacklog;
    private final MultiGauge marketplaceRequestsLastMinute;
    private final MultiGauge marketplaceLimit;
    private volatile Map<String, Integer> marketplaceLimits = Map.of();

    public HubMetrics(PrometheusMeterRegistry registry, DataSource dataSource, String version, String commit) {
        this.registry = registry;
        this.dataSource = dataSource;
        Gauge.builder(PREFIX + "build.info", () -> 1).tags("version", version, "commit", commit)
                .description("The hub's version and commit (always 1)").register(registry);
        freshness = MultiGauge.builder(PREFIX + "stream.seconds.since.success").baseUnit("seconds")
                .description("Seconds since the stream's last successful run (freshness)").register(registry);
        cursorLag = MultiGauge.builder(PREFIX + "stream.cursor.lag").baseUnit("seconds")
                .description("How far the stream's cursor is behind now").register(registry);
        lastRunFailures = MultiGauge.builder(PREFIX + "stream.consecutive.failures")
                .description("Runs that failed since the stream's last success").register(registry);
        outboxUnread = MultiGauge.builder(PREFIX + "outbox.unread")
                .description("Outbox events a reader has not taken yet").register(registry);
        outboxOldest = MultiGauge.builder(PREFIX + "outbox.oldest.unread.age").baseUnit("seconds")
                .description("Age of the oldest outbox event a reader has not taken (0 when none)").register(registry);
        deadLettersOpen = MultiGauge.builder(PREFIX + "dead.letters.open")
                .description("Open (unresolved) dead letters").register(registry);
        marketplaceBacklog = MultiGauge.builder(PREFIX + "marketplace.backlog")
                .description("Listings waiting to be sent to a marketplace").register(registry);
        marketplaceRequestsLastMinute = MultiGauge.builder(PREFIX + "marketplace.requests.last.minute")
                .description("Requests sent to a marketplace in the last 60 seconds (all nodes)").register(registry);
        marketplaceLimit = MultiGauge.builder(PREFIX + "marketplace.rate.limit.per.minute")
                .description("The marketplace key's request limit per minute").register(registry);
    }

    /** The registry camel-micrometer already made, or a new one bound where it looks (both orders of startup work). */
    public static PrometheusMeterRegistry registryIn(Registry camelRegistry) {
        Object found = camelRegistry.lookupByName(REGISTRY_NAME);
        if (found instanceof PrometheusMeterRegistry prometheus) {
            return prometheus;
        }
        PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        camelRegistry.bind(REGISTRY_NAME, created);
        return created;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A finished pass: each run's figures, duration and outcome. */
    public void recordPass(SyncReport report) {
        for (StreamResult r : report.results()) {
            Tags stream = Tags.of("source", r.sourceSystem(), "stream", r.stream(), "partition", r.partition());
            counter("stream.records.fetched", stream, "Records read from the upstream").increment(r.fetched());
            counter("stream.records.changed", stream, "Records that differed from what the hub held").increment(r.changed());
            counter("stream.records.written", stream, "Records written to the sinks").increment(r.written());
            counter("stream.records.dead.lettered", stream, "Records sent to the dead-letter store").increment(r.deadLettered());
            Tags outcome = stream.and("outcome", r.status().name().toLowerCase(Locale.ROOT));
            counter("stream.runs", outcome, "Runs by outcome").increment();
            timer("stream.run.duration", outcome, "Run duration").record(Duration.ofNanos((long) (r.seconds() * 1e9)));
        }
    }

    /** An upstream's answer (any status, 429s included), by status class. */
    @Override
    public void upstreamAnswered(String source, int status) {
        counter("upstream.requests", Tags.of("source", source, "status_class", status / 100 + "xx"), "Upstream requests by status class")
                .increment();
        if (status == 429) {
            counter("upstream.rate.limited", Tags.of("source", source), "Upstream 429 answers").increment();
        }
    }

    /** Time a source's client waited on a limit (its pacing, a budget, a Retry-After). */
    @Override
    public void upstreamWaited(String source, Duration waited) {
        if (!waited.isNegative() && !waited.isZero()) {
            counter("upstream.limit.wait.seconds", Tags.of("source", source), "Seconds spent waiting on upstream limits")
                    .increment(waited.toNanos() / 1e9);
        }
    }

    /** A webhook attempt's outcome; the first attempt also gives the latency from the event's commit to it. */
    @Override
    public void webhookAttempt(String subscription, String outcome, int attempt, Duration sinceCommit) {
        counter("webhook.attempts", Tags.of("subscription", subscription, "outcome", outcome.toLowerCase(Locale.ROOT)),
                "Webhook attempts by outcome").increment();
        if (attempt == 1 && sinceCommit != null) {
            timer("webhook.first.attempt.latency", Tags.of("subscription", subscription),
                    "From the event's commit to its first attempt").record(sinceCommit.isNegative() ? Duration.ZERO : sinceCommit);
        }
    }

    /** A request to a marketplace, by outcome. */
    @Override
    public void marketplaceRequest(String sink, String outcome) {
        counter("marketplace.requests", Tags.of("sink", sink, "outcome", outcome.toLowerCase(Locale.ROOT)),
                "Marketplace requests by outcome").increment();
    }

    /** The marketplaces' key limits, for the gauge next to their request rate. */
    @Override
    public void marketplaceLimits(Map<String, Integer> limits) {
        this.marketplaceLimits = Map.copyOf(limits);
    }

    /** The marketplaces' key limits (requests per minute), as the modules reported them. */
    public Map<String, Integer> marketplaceLimitsView() {
        return marketplaceLimits;
    }

    /** {@code GET /metrics}: the database-held gauges refreshed, then the Prometheus text. */
    public void scrape(Exchange exchange) {
        refresh();
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        exchange.getMessage().setBody(registry.scrape());
    }

    /** Reads the cluster's state from the database into the gauges; a database that does not answer leaves them as they were. */
    public synchronized void refresh() {
        try (Connection c = dataSource.getConnection()) {
            freshness.register(rows(c, "SELECT source_system, stream, partition, extract(epoch FROM now() - max(finished_at)) "
                    + "FROM hub.sync_runs WHERE status IN " + AlertQueries.SUCCESS + " GROUP BY 1, 2, 3", "source", "stream", "partition"), true);
            lastRunFailures.register(rows(c, "SELECT k.source_system, k.stream, k.partition, coalesce(f.count, 0) "
                    + "FROM (SELECT DISTINCT source_system, stream, partition FROM hub.sync_runs) k LEFT JOIN ("
                    + AlertQueries.CONSECUTIVE_FAILURES + ") f USING (source_system, stream, partition)", "source", "stream", "partition"), true);
            cursorLag.register(rows(c, """
                    SELECT source_system, stream, partition, greatest(0, extract(epoch FROM now() - window_end)) FROM hub.sync_cursors
                    """, "source", "stream", "partition"), true);
            List<MultiGauge.Row<?>> unread = new ArrayList<>();
            List<MultiGauge.Row<?>> oldest = new ArrayList<>();
            for (com.canopyhub.events.OutboxReader reader : com.canopyhub.events.OutboxReader.ALL) {
                com.canopyhub.events.OutboxReader.Backlog backlog = reader.backlog(c);
                unread.add(MultiGauge.Row.of(Tags.of("reader", reader.name()), backlog.unread()));
                oldest.add(MultiGauge.Row.of(Tags.of("reader", reader.name()), backlog.oldestSeconds()));
            }
            outboxUnread.register(unread, true);
            outboxOldest.register(oldest, true);
            deadLettersOpen.register(rows(c, """
                    SELECT source_system, entity, count(*) FROM hub.dead_letters WHERE resolved_at IS NULL GROUP BY 1, 2
                    """, "source", "stream"), true);
            marketplaceBacklog.register(rows(c, """
                    SELECT sink, count(*) FILTER (WHERE dirty) FROM hub.marketplace_listings GROUP BY 1
                    """, "sink"), true);
            Map<String, Long> perMinute = new java.util.TreeMap<>();
            marketplaceLimits.keySet().forEach(sink -> perMinute.put(sink, 0L)); // a configured sink shows 0, not nothing
            try (PreparedStatement ps = c.prepareStatement("SELECT sink, count(*) FROM hub.marketplace_requests "
                    + "WHERE started_at > now() - interval '60 seconds' GROUP BY 1"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    perMinute.put(rs.getString(1), rs.getLong(2));
                }
            }
            List<MultiGauge.Row<?>> requests = new ArrayList<>();
            perMinute.forEach((sink, n) -> requests.add(MultiGauge.Row.of(Tags.of("sink", sink), n)));
            marketplaceRequestsLastMinute.register(requests, true);
            List<MultiGauge.Row<?>> limits = new ArrayList<>();
            marketplaceLimits.forEach((sink, limit) -> limits.add(MultiGauge.Row.of(Tags.of("sink", sink), limit)));
            marketplaceLimit.register(limits, true);
        } catch (SQLException e) {
            LOG.debug("metrics: the database did not answer ({}); its gauges keep their last values", e.getMessage());
        }
    }

    /** Rows of label columns followed by one number. */
    private static List<MultiGauge.Row<?>> rows(Connection c, String sql, String... labels) throws SQLException {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String[] tags = new String[labels.length * 2];
                for (int i = 0; i < labels.length; i++) {
                    tags[2 * i] = labels[i];
                    tags[2 * i + 1] = String.valueOf(rs.getString(i + 1));
                }
                rows.add(MultiGauge.Row.of(Tags.of(tags), rs.getDouble(labels.length + 1)));
            }
        }
        return rows;
    }

    private Counter counter(String name, Tags tags, String description) {
        return counters.computeIfAbsent(name + tags, k -> Counter.builder(PREFIX + name).tags(tags).description(description)
                .register(registry));
    }

    private Timer timer(String name, Tags tags, String description) {
        return timers.computeIfAbsent(name + tags, k -> Timer.builder(PREFIX + name).tags(tags).description(description)
                .register(registry));
    }
}
