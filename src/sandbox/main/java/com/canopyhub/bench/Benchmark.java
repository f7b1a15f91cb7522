package com.canopyhub.bench;

import com.canopyhub.app.HubRuntime;
import com.canopyhub.config.HubSettings;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.engine.run.StreamResult;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncRequest;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import com.canopyhub.sandbox.metrc.MetrcSandbox;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The hub's benchmark: a full sync of N products + N packages from the sandbox into a fresh embedded PostgreSQL,
 * the same rows loaded with COPY as the physical limit, a no-op incremental sync, the heap it all took, and two
 * incremental windows of several pages (one quiet, one with records changing while it is read): the requests
 * each made against the fewest possible, and whether any record was lost.
 * Ends with plain {@code name: value} lines a script can read.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark a full sync against COPY, a no-op sync, heap use, and the requests "
        + "incremental windows of several pages cost, quiet and busy; prints tables.")
public class Benchmark implements com.canopyhub.app.HubCommand {

    /** --config-dir, --profile and --set, like every verb: the bench's own keys (scratch database, sizes) win. */
    @picocli.CommandLine.Mixin
    com.canopyhub.app.CanopyHub.Common common = new com.canopyhub.app.CanopyHub.Common();

    @Option(names = "--records", defaultValue = "200000", description = "Products and packages each (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--churn-per-second", defaultValue = "100",
            description = "Records changed per second during the busy incremental window (default: ${DEFAULT-VALUE}).")
    int churnPerSecond;

    @Option(names = "--metrc-facilities", defaultValue = "10",
            description = "Facilities of the Metrc throughput run (0 skips the Metrc runs; default: ${DEFAULT-VALUE}).")
    int metrcFacilities;

    @Option(names = "--metrc-records",
            description = "Records per endpoint and facility in the Metrc runs, over 30 days (default: follows --records, "
                    + "300 at 200,000, at least 20).")
    Integer metrcRecordsOption;

    @Option(names = "--metrc-days", defaultValue = "30",
            description = "Days of Metrc history the backfills read (default: ${DEFAULT-VALUE}; the test suite's smoke run takes 1).")
    int metrcDays;

    /** The Metrc runs' size: as given, or in step with --records (a small bench is a small bench throughout). */
    private int metrcRecords;

    @Option(names = "--webhook-events", defaultValue = "5000",
            description = "Product events delivered to 10 webhook subscriptions on a local receiver (0 skips; default: ${DEFAULT-VALUE}).")
    int webhookEvents;

    @Option(names = "--marketplace-products", defaultValue = "1500",
            description = "Products pushed to the TerraVault sandbox with its limit at 600/min (0 skips; default: ${DEFAULT-VALUE}).")
    int marketplaceProducts;

    @Option(names = "--kafka-bootstrap-servers", description = "A Kafka broker for the feed's figures (none: skipped).")
    String kafkaBootstrapServers;

    @Option(names = "--kafka-events", defaultValue = "100000",
            description = "Changes published to the Kafka feed, with --kafka-bootstrap-servers (default: ${DEFAULT-VALUE}).")
    int kafkaEvents;

    @Option(names = "--origintrace-farms",
            description = "Farms (and as many collection batches, a tenth as many shipments) of the OriginTrace run under "
                    + "1,000 requests an hour, on a simulated clock (0 skips; default: follows --records, 100,000 at 200,000).")
    Integer origintraceFarmsOption;

    private int origintraceFarms;

    @Option(names = "--skip-distru", description = "Only the Metrc runs.")
    boolean skipDistru;

    @Option(names = "--work-dir", description = "Where the scratch database lives (default: a temporary folder, removed afterwards).")
    Path workDir;

    /** Distru's page size for products and packages. */
    private static final int PAGE_SIZE = 5_000;

    /** Heap in use after a collection, at most, during the measured full sync (heap pools only). */
    private final AtomicLong heapAfterGc = new AtomicLong();
    /** The process's resident set, at most, during the measured full sync. */
    private final AtomicLong peakRss = new AtomicLong();
    private volatile boolean watchHeap;

    @Override
    public Integer call() throws Exception {
        metrcRecords = metrcRecordsOption != null ? metrcRecordsOption : Math.max(20, Math.min(300, records * 3 / 2000));
        origintraceFarms = origintraceFarmsOption != null ? origintraceFarmsOption : records / 2;
        watchGarbageCollections();
        boolean temporary = workDir == null;
        Path dir = temporary ? Files.createTempDirectory("canopy-bench") : workDir;
        Map<String, String> figures = new LinkedHashMap<>();
        try (HubDatabase db = HubDatabase.embedded(dir.resolve("postgres"), 0, 4,
                HubDatabase.Timeouts.DEFAULTS);
             DistruSandbox sandbox = DistruSandbox.start(DistruSandbox.Options.defaults(0).withSizes(SandboxSizes.uniform(0)
                     .with(SandboxCollection.PRODUCTS, records).with(SandboxCollection.PACKAGES, records)), Clock.systemUTC())) {
            String jdbcUrl = db.jdbcUrl();
            if (metrcFacilities > 0) {
                metrcRuns(jdbcUrl, figures);
            }
            if (webhookEvents > 0) {
                webhookRuns(db, figures);
            }
            if (marketplaceProducts > 0) {
                marketplaceRuns(db, figures);
            }
            if (kafkaBootstrapServers != null && kafkaEvents > 0) {
                kafkaRuns(db, figures);
            }
            if (origintraceFarms > 0) {
                origintraceRuns(db, figures);
            }
            if (skipDistru) {
                System.out.println();
                figures.forEach((k, v) -> System.out.println(k + ": " + v));
                return 0;
            }
            Map<String, String> overrides = Map.of(
                    "hub.reporting.jdbc-url", jdbcUrl, "hub.reporting.username", "postgres",
                    "hub.distru.base-url", sandbox.baseUrl().toString(), "hub.distru.api-key", sandbox.apiKey(),
                    "hub.distru.streams", "products,packages", "hub.distru.requests-per-second", "1000",
                    "hub.schedule.enabled", "false", "hub.sync.progress-interval-seconds", "5", "hub.sync.sources", "distru");
            // (a) the pages a full sync reads, recorded through a proxy in front of the sandbox (into a scratch
            // database), then (b) the measured full sync reads them replayed from disk by another process
            Path pages = dir.resolve("distru-pages");
            try (com.canopyhub.sandbox.LoopbackServer recorder = PageReplay.record(sandbox.baseUrl(), pages)) {
                Map<String, String> recording = new LinkedHashMap<>(overrides);
                recording.put("hub.reporting.jdbc-url", scratchDatabase(db, "bench_record"));
                recording.put("hub.distru.base-url", recorder.baseUrl().toString());
                recording.put("hub.webhooks.enabled", "false"); // only the pages matter here
                try (HubRuntime hub = startHub(recording)) {
                    require(hub.sync(new SyncRequest("distru", List.of(), false, "bench")));
                }
                dropDatabase(db, "bench_record");
            }
            SyncReport full;
            watchHeap = true;
            try (PageReplay.Replayer replay = PageReplay.spawn(pages)) {
                Map<String, String> replayed = new LinkedHashMap<>(overrides);
                replayed.put("hub.distru.base-url", replay.baseUrl().toString());
                // the sync alone: webhook delivery (its own figures below) would share the 2 cores and the database
                replayed.put("hub.webhooks.enabled", "false");
                try (HubRuntime hub = startHub(replayed)) {
                    full = hub.sync(new SyncRequest("distru", List.of(), false, "bench"));
                    require(full);
                }
            }
            watchHeap = false;
            deleteTree(pages);
            // the replayed pages are the sandbox's: so are the cursors that sync wrote (cursors remember their upstream)
            try (Connection c = db.dataSource().getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                    "UPDATE hub.sync_cursors SET upstream = ? WHERE source_system = 'distru'")) {
                ps.setString(1, com.canopyhub.source.Upstreams.identity(sandbox.baseUrl().toString()));
                ps.executeUpdate();
            }
            try (HubRuntime hub = startHub(overrides)) {
                long fullRows = full.total(StreamResult::written);
                double fullSeconds = full.results().stream().mapToDouble(StreamResult::seconds).sum();
                List<Long> runIds = full.results().stream().map(StreamResult::runId).toList();
                int rounds = records >= 50_000 ? 3 : 1; // best of three for a real run; a smoke run loads once
                Copied reportingOnly = copyBaseline(db.dataSource(), dir, runIds, false, "binary", rounds);
                Copied everything = copyBaseline(db.dataSource(), dir, runIds, true, "binary", rounds);
                Copied everythingText = copyBaseline(db.dataSource(), dir, runIds, true, "text", rounds);
                SyncReport noop = hub.sync(new SyncRequest("distru", List.of(), false, "bench"));
                require(noop);
                double fullRate = fullRows / fullSeconds;
                String fmt = "| %-44s | %10s | %9s | %12s |%n";
                System.out.printf(Locale.ROOT, fmt, "phase", "rows", "seconds", "rows/s");
                System.out.printf(Locale.ROOT, fmt, "-".repeat(44), "-".repeat(10), "-".repeat(9), "-".repeat(12));
                row(fmt, "full sync (hub, end to end; records)", fullRows, fullSeconds);
                row(fmt, "COPY of every row it persisted (" + everything.rows() + ")", fullRows, everything.seconds());
                row(fmt, "COPY of the reporting rows only", fullRows, reportingOnly.seconds());
                row(fmt, "COPY of every persisted row, text format", fullRows, everythingText.seconds());
                row(fmt, "no-op incremental sync", noop.total(StreamResult::written), noop.results().stream().mapToDouble(StreamResult::seconds).sum());
                figures.put("records per entity", Integer.toString(records));
                figures.put("full sync records/s", String.format(Locale.ROOT, "%.0f", fullRate));
                figures.put("rows the full sync persisted (reporting, change log, outbox)", Long.toString(everything.rows()));
                figures.put("COPY of every persisted row, records/s", String.format(Locale.ROOT, "%.0f", fullRows / everything.seconds()));
                figures.put("fair ratio: full sync / COPY of every persisted row", String.format(Locale.ROOT, "%.2f", everything.seconds() / fullSeconds));
                figures.put("COPY of every persisted row in text format, records/s", String.format(Locale.ROOT, "%.0f", fullRows / everythingText.seconds()));
                figures.put("COPY of the reporting rows only, records/s", String.format(Locale.ROOT, "%.0f", fullRows / reportingOnly.seconds()));
                figures.put("old ratio: full sync / COPY of the reporting rows", String.format(Locale.ROOT, "%.2f", reportingOnly.seconds() / fullSeconds));
                figures.put("no-op sync seconds", String.format(Locale.ROOT, "%.3f", noop.results().stream().mapToDouble(StreamResult::seconds).sum()));
                figures.put("no-op sync records fetched", Long.toString(noop.total(StreamResult::fetched)));
                figures.put("no-op sync rows written", Long.toString(noop.total(StreamResult::written)));
                figures.put("full sync: peak heap after GC MB", Long.toString(heapAfterGc.get() / (1024 * 1024)));
                figures.put("full sync: process peak RSS MB (bench JVM, sandboxes included)", Long.toString(peakRss.get() / 1024));
                figures.put("max heap MB", Long.toString(Runtime.getRuntime().maxMemory() / (1024 * 1024)));

                // incremental windows of several pages: what completeness costs in requests (docs/sync-engine.md)
                WindowRun quiet = windowRun(hub, sandbox, db.dataSource(), 0, 0);
                WindowRun busy = windowRun(hub, sandbox, db.dataSource(), records / 2, churnPerSecond);
                long stale = staleRecords(db.dataSource(), sandbox, hub);
                System.out.printf(Locale.ROOT, "%n| %-36s | %12s | %9s | %9s | %8s |%n", "incremental window (products+packages)",
                        "records due", "requests", "minimum", "overhead");
                System.out.printf(Locale.ROOT, "| %-36s | %12s | %9s | %9s | %8s |%n", "-".repeat(36), "-".repeat(12),
                        "-".repeat(9), "-".repeat(9), "-".repeat(8));
                windowRow("quiet (nothing changes during it)", quiet);
                windowRow("busy (" + churnPerSecond + " changes/s during it)", busy);
                figures.put("quiet window requests", Long.toString(quiet.requests()));
                figures.put("quiet window request overhead %", String.format(Locale.ROOT, "%.1f", quiet.overheadPercent()));
                figures.put("busy window requests", Long.toString(busy.requests()));
                figures.put("busy window request overhead %", String.format(Locale.ROOT, "%.1f", busy.overheadPercent()));
                figures.put("busy window changes during the pass", Long.toString(busy.churned()));
                figures.put("records missing or stale after the busy window and one more pass", Long.toString(stale));

                // retention over everything the runs above wrote, as if it had all aged past its keep time
                try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                    st.execute("UPDATE hub.outbox SET occurred_at = now() - interval '400 days'");
                    st.execute("ALTER TABLE hub.record_changes DISABLE TRIGGER record_changes_append_only");
                    st.execute("UPDATE hub.record_changes SET changed_at = now() - interval '400 days'");
                    st.execute("ALTER TABLE hub.record_changes ENABLE TRIGGER record_changes_append_only");
                    st.execute("UPDATE hub.sync_runs SET finished_at = now() - interval '400 days' WHERE status <> 'RUNNING'");
                }
                long purgeStarted = System.nanoTime();
                Map<String, Long> purged = hub.bean("retention", com.canopyhub.ops.Retention.class).purge();
                double purgeSeconds = (System.nanoTime() - purgeStarted) / 1e9;
                long purgedRows = purged.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf(Locale.ROOT, "%nretention round: %d rows purged in %.2f s (%s)%n", purgedRows, purgeSeconds, purged);
                figures.put("retention rows purged", Long.toString(purgedRows));
                figures.put("retention seconds", String.format(Locale.ROOT, "%.2f", purgeSeconds));
            }
        } finally {
            if (temporary) {
                deleteTree(dir);
            }
        }
        System.out.println();
        figures.forEach((k, v) -> System.out.println(k + ": " + v));
        return 0;
    }

    /**
     * Metrc: (1) {@code --metrc-facilities} facilities with equal data backfill 30 days side by side at Metrc's
     * default limits: the GET rate achieved against the binding limit min(150, 50 x facilities), 429s, and the
     * peaks in flight per facility and per key (the sandbox counts them); (2) one licence's 30-day backfill: the
     * requests made against the fewest possible (slices x pages each slice needs).
     */
    /**
     * Webhooks: N product events delivered to 10 subscriptions on the local sandbox receiver. Deliveries per second
     * over the delivery phase, and the latency from an event's page (its outbox occurred_at, the page transaction's
     * start: an upper bound of the time from commit) to its first attempt.
     */
    private void webhookRuns(HubDatabase db, Map<String, String> figures) throws Exception {
        String url = scratchDatabase(db, "bench_webhooks");
        Path dir = Files.createTempDirectory("bench-webhooks");
        String secret = com.canopyhub.delivery.webhook.SigningSecrets.generate();
        try (com.canopyhub.sandbox.webhook.WebhookReceiver receiver = com.canopyhub.sandbox.webhook.WebhookReceiver.start(secret).keepBodies(false);
             DistruSandbox sandbox = DistruSandbox.start(DistruSandbox.Options.defaults(0).withSizes(SandboxSizes.uniform(0)
                     .with(SandboxCollection.PRODUCTS, webhookEvents)), Clock.systemUTC())) {
            StringBuilder yaml = new StringBuilder("subscriptions:\n");
            for (int i = 0; i < 10; i++) {
                yaml.append("  - id: s").append(i).append("\n    url: ").append(receiver.url("/s" + i)).append("\n    secret: ")
                        .append(secret).append("\n    events: [\"*\"]\n");
            }
            Files.writeString(dir.resolve("webhooks.yaml"), yaml);
            Map<String, String> overrides = new LinkedHashMap<>(Map.of(
                    "hub.reporting.jdbc-url", url, "hub.reporting.username", "postgres",
                    "hub.distru.base-url", sandbox.baseUrl().toString(), "hub.distru.api-key", sandbox.apiKey(),
                    "hub.distru.streams", "products", "hub.distru.requests-per-second", "1000",
                    "hub.schedule.enabled", "false", "hub.sync.sources", "distru", "hub.webhooks.file", dir.resolve("webhooks.yaml").toString(),
                    "hub.webhooks.allowed-private-hosts", "localhost"));
            overrides.put("hub.webhooks.secret-key-file", dir.resolve("key").toString());
            overrides.put("hub.webhooks.sandbox-receiver", "false");
            overrides.put("hub.reporting.pool-size", "8");
            try (HubRuntime hub = startHub(overrides)) {
                require(hub.sync(new SyncRequest("distru", List.of(), false, "bench")));
                long expected = webhookEvents * 10L;
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (receiver.requests() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(100); // the bench waits for the receiver; not a test
                }
                try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
                     java.sql.Statement st = c.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("""
                             SELECT count(*), extract(epoch FROM max(a.finished_at) - min(a.started_at)),
                                    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.started_at - o.occurred_at)),
                                    percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM a.started_at - o.occurred_at)),
                                    count(*) FILTER (WHERE a.outcome <> 'DELIVERED')
                               FROM hub.webhook_attempts a JOIN hub.webhook_deliveries d ON d.id = a.delivery_id
                               JOIN hub.outbox o ON o.seq = d.event_seq WHERE a.attempt = 1""")) {
                    rs.next();
                    long attempts = rs.getLong(1);
                    double seconds = rs.getDouble(2);
                    figures.put("webhook deliveries (10 subscriptions)", Long.toString(attempts));
                    figures.put("webhook deliveries/s", String.format(Locale.ROOT, "%.0f", attempts / seconds));
                    figures.put("webhook page-to-first-attempt median s", String.format(Locale.ROOT, "%.3f", rs.getDouble(3)));
                    figures.put("webhook page-to-first-attempt p99 s", String.format(Locale.ROOT, "%.3f", rs.getDouble(4)));
                    figures.put("webhook failed attempts", Long.toString(rs.getLong(5)));
                    figures.put("webhook receiver requests", Long.toString(receiver.requests()));
                }
                idleLatency(url, receiver, figures);
            }
        }
    }

    /**
     * TerraVault: {@code --marketplace-products} products (their stock levels too) synced and pushed to the sandbox
     * with its limit at 600 requests per minute (the hub paced at the same setting): the rate achieved over the
     * backlog against the limit, the most requests in any sliding minute, 429s; then a sync that changes nothing, and
     * the requests it caused.
     */
    private void marketplaceRuns(HubDatabase db, Map<String, String> figures) throws Exception {
        String url = scratchDatabase(db, "bench_marketplace");
        int limit = 600;
        com.canopyhub.sandbox.terravault.TerraVaultSandbox.Options tvOptions =
                com.canopyhub.sandbox.terravault.TerraVaultSandbox.Options.defaults().withLimit(limit, Duration.ofMinutes(1));
        try (com.canopyhub.sandbox.terravault.TerraVaultSandbox tv = com.canopyhub.sandbox.terravault.TerraVaultSandbox.start(tvOptions, Clock.systemUTC());
             DistruSandbox sandbox = DistruSandbox.start(DistruSandbox.Options.defaults(0).withSizes(SandboxSizes.uniform(0)
                     .with(SandboxCollection.PRODUCTS, marketplaceProducts).with(SandboxCollection.INVENTORY, marketplaceProducts)),
                     Clock.systemUTC())) {
            Map<String, String> overrides = new LinkedHashMap<>(Map.of(
                    "hub.reporting.jdbc-url", url, "hub.reporting.username", "postgres",
                    "hub.distru.base-url", sandbox.baseUrl().toString(), "hub.distru.api-key", sandbox.apiKey(),
                    "hub.distru.streams", "products,inventory", "hub.distru.requests-per-second", "1000",
                    "hub.schedule.enabled", "false", "hub.sync.sources", "distru", "hub.webhooks.enabled", "false"));
            overrides.putAll(Map.of("hub.webhooks.sandbox-receiver", "false", "hub.http.enabled", "false",
                    "hub.terravault.enabled", "true", "hub.terravault.base-url", tv.baseUrl().toString(),
                    "hub.terravault.api-key", tvOptions.firstKey(), "hub.terravault.requests-per-minute", Integer.toString(limit),
                    "hub.shop-platform.enabled", "false"));
            try (HubRuntime hub = startHub(overrides);
                 java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "")) {
                require(hub.sync(new SyncRequest("distru", List.of(), false, "bench")));
                awaitMarketplace(c, Duration.ofMinutes(30));
                List<Long> at = tv.admittedAt();
                double perMinute = at.size() < 2 ? 0 : (at.size() - 1) * 60_000.0 / (at.get(at.size() - 1) - at.get(0));
                figures.put("terravault requests (backlog)", Integer.toString(at.size()));
                figures.put("terravault achieved requests/min", String.format(Locale.ROOT, "%.1f", perMinute));
                figures.put("terravault achieved / allowed", String.format(Locale.ROOT, "%.3f", perMinute / limit));
                figures.put("terravault most requests in any sliding minute", Long.toString(tv.peakRequestsPerMinute(tvOptions.firstKey())));
                figures.put("terravault 429s", Long.toString(tv.rateLimited()));
                figures.put("terravault listings", Integer.toString(tv.listings().size()));
                int before = tv.requests().size();
                require(hub.sync(new SyncRequest("distru", List.of(), false, "bench")));
                awaitMarketplace(c, Duration.ofMinutes(1));
                Thread.sleep(2000); // two more planner rounds: anything the no-op sync caused would be on its way
                awaitMarketplace(c, Duration.ofMinutes(1));
                figures.put("terravault requests after an unchanged sync", Integer.toString(tv.requests().size() - before));
            }
        }
    }

    /**
     * Kafka feed: {@code --kafka-events} changes (half products, half stock levels) synced with the feed on, published
     * to the broker at {@code --kafka-bootstrap-servers}: events per second from the first message to the last, and
     * the latency from each event's page (its outbox occurred_at: the page transaction's start, an upper bound of
     * its commit) to the message's timestamp (set when the producer sends it).
     */
    private void kafkaRuns(HubDatabase db, Map<String, String> figures) throws Exception {
        String url = scratchDatabase(db, "bench_kafka");
        String prefix = "bench" + System.currentTimeMillis();
        int half = kafkaEvents / 2;
        try (DistruSandbox sandbox = DistruSandbox.start(DistruSandbox.Options.defaults(0).withSizes(SandboxSizes.uniform(0)
                .with(SandboxCollection.PRODUCTS, half).with(SandboxCollection.INVENTORY, half)), Clock.systemUTC())) {
            Map<String, String> overrides = new LinkedHashMap<>(Map.of(
                    "hub.reporting.jdbc-url", url, "hub.reporting.username", "postgres",
                    "hub.distru.base-url", sandbox.baseUrl().toString(), "hub.distru.api-key", sandbox.apiKey(),
                    "hub.distru.streams", "products,inventory", "hub.distru.requests-per-second", "1000",
                    "hub.schedule.enabled", "false", "hub.sync.sources", "distru", "hub.webhooks.enabled", "false"));
            overrides.putAll(Map.of("hub.webhooks.sandbox-receiver", "false", "hub.http.enabled", "false",
                    "hub.terravault.enabled", "false", "hub.shop-platform.enabled", "false",
                    "hub.kafka.bootstrap-servers", kafkaBootstrapServers, "hub.kafka.topic-prefix", prefix));
            try (HubRuntime hub = startHub(overrides);
                 java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "")) {
                require(hub.sync(new SyncRequest("distru", List.of(), false, "bench")));
                long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
                while (System.nanoTime() < deadline) {
                    try (java.sql.Statement st = c.createStatement();
                         java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.KAFKA.unread("o"))) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            break;
                        }
                    }
                    Thread.sleep(200); // the bench waits for the backlog; not a test
                }
                Map<String, Long> occurred = new java.util.HashMap<>();
                try (java.sql.Statement st = c.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("SELECT id, (extract(epoch FROM occurred_at) * 1000)::bigint FROM hub.outbox")) {
                    while (rs.next()) {
                        occurred.put(rs.getString(1), rs.getLong(2));
                    }
                }
                java.util.Properties p = new java.util.Properties();
                p.put("bootstrap.servers", kafkaBootstrapServers);
                p.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
                p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
                p.put("enable.auto.commit", "false");
                List<Long> latencies = new java.util.ArrayList<>();
                long first = Long.MAX_VALUE;
                long last = 0;
                try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p)) {
                    List<org.apache.kafka.common.TopicPartition> parts = new java.util.ArrayList<>();
                    for (String topic : List.of(com.canopyhub.delivery.kafka.KafkaFeed.topic(prefix, "product"),
                            com.canopyhub.delivery.kafka.KafkaFeed.topic(prefix, "stock_level"))) {
                        consumer.partitionsFor(topic).forEach(i -> parts.add(new org.apache.kafka.common.TopicPartition(topic, i.partition())));
                    }
                    consumer.assign(parts);
                    consumer.seekToBeginning(parts);
                    long wanted = consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
                    long seen = 0;
                    long until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                    while (seen < wanted && System.nanoTime() < until) {
                        for (var r : consumer.poll(Duration.ofMillis(500))) {
                            seen++;
                            String id = new String(r.headers().lastHeader("event_id").value(), java.nio.charset.StandardCharsets.UTF_8);
                            Long at = occurred.get(id);
                            if (at != null) {
                                latencies.add(r.timestamp() - at);
                            }
                            first = Math.min(first, r.timestamp());
                            last = Math.max(last, r.timestamp());
                        }
                    }
                    figures.put("kafka messages", Long.toString(seen));
                }
                java.util.Collections.sort(latencies);
                figures.put("kafka outbox events", Integer.toString(occurred.size()));
                figures.put("kafka events published/s", String.format(Locale.ROOT, "%.0f", (latencies.size() - 1) * 1000.0 / Math.max(1, last - first)));
                if (!latencies.isEmpty()) {
                    figures.put("kafka page-to-message median ms", Long.toString(latencies.get(latencies.size() / 2)));
                    figures.put("kafka page-to-message p99 ms", Long.toString(latencies.get((int) (latencies.size() * 0.99))));
                }
                kafkaIdleLatency(url, prefix, figures);
            }
        }
    }

    /**
     * Commit to message on an idle feed: 50 single-event transactions, one at a time, each written as a page's would
     * be (an outbox row and NOTIFY, committed); the time from the commit returning to a consumer holding the message.
     */
    private void kafkaIdleLatency(String url, String prefix, Map<String, String> figures) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", kafkaBootstrapServers);
        p.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        List<Long> micros = new java.util.ArrayList<>();
        String topic = com.canopyhub.delivery.kafka.KafkaFeed.topic(prefix, "product");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p);
             java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "")) {
            List<org.apache.kafka.common.TopicPartition> parts = new java.util.ArrayList<>();
            consumer.partitionsFor(topic).forEach(i -> parts.add(new org.apache.kafka.common.TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            c.setAutoCommit(false);
            for (int i = 0; i < 50; i++) {
                String id = "evt_bench" + System.nanoTime();
                try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO hub.outbox (id, aggregate_type, aggregate_id, type, "
                        + "payload, source_system, stream) VALUES (?, 'product', gen_random_uuid(), 'product.updated', '{}', 'bench', 'products')")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("NOTIFY " + com.canopyhub.events.OutboxSink.CHANNEL);
                }
                c.commit();
                long t0 = System.nanoTime();
                boolean seen = false;
                while (!seen && System.nanoTime() - t0 < 30_000_000_000L) {
                    for (var r : consumer.poll(Duration.ofMillis(5))) {
                        seen |= id.equals(new String(r.headers().lastHeader("event_id").value(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                micros.add((System.nanoTime() - t0) / 1000);
            }
        }
        java.util.Collections.sort(micros);
        figures.put("kafka idle commit-to-message median ms", String.format(Locale.ROOT, "%.1f", micros.get(micros.size() / 2) / 1000.0));
        figures.put("kafka idle commit-to-message p99 ms", String.format(Locale.ROOT, "%.1f", micros.get(micros.size() - 1) / 1000.0));
    }

    /** A fresh database of that name on the bench's PostgreSQL; its JDBC URL. */
    private static String scratchDatabase(HubDatabase db, String name) throws java.sql.SQLException {
        try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        }
        return db.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }

    private static void awaitMarketplace(java.sql.Connection c, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                    "SELECT (SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.MARKETPLACES.unread("o") + ") + (SELECT count(*) FROM hub.marketplace_listings "
                            + "WHERE dirty OR claimed_by IS NOT NULL) + (SELECT CASE WHEN count(*) = 0 THEN 1 ELSE 0 END FROM hub.marketplace_sinks)")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
            }
            Thread.sleep(200); // the bench waits for the marketplace backlog; not a test
        }
        throw new IllegalStateException("the marketplace backlog did not drain within " + max);
    }

    /**
     * Commit to first request on an idle hub: 100 single-event transactions, one at a time, each written as a page's
     * would be (an outbox row and NOTIFY, committed); the time from the commit returning to the receiver getting the
     * event's first request (10 subscriptions: the first of its 10).
     */
    private static void idleLatency(String url, com.canopyhub.sandbox.webhook.WebhookReceiver receiver, Map<String, String> figures)
            throws Exception {
        List<Long> micros = new java.util.ArrayList<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "")) {
            c.setAutoCommit(false);
            for (int i = 0; i < 100; i++) {
                long before = receiver.requests();
                try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO hub.outbox (id, aggregate_type, aggregate_id, type, "
                        + "payload, source_system, stream) VALUES (?, 'product', gen_random_uuid(), 'product.updated', '{}', 'bench', 'products')")) {
                    ps.setString(1, com.canopyhub.events.OutboxSink.eventId());
                    ps.executeUpdate();
                }
                com.canopyhub.events.OutboxSink.notifyCommit(c);
                c.commit();
                long committed = System.nanoTime();
                long deadline = committed + Duration.ofSeconds(30).toNanos();
                while (receiver.requests() == before && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // the bench times the first request; not a test
                }
                micros.add((System.nanoTime() - committed) / 1000);
                long all = before + 10;
                while (receiver.requests() < all && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
        }
        micros.sort(null);
        figures.put("webhook idle commit-to-first-request median ms", String.format(Locale.ROOT, "%.1f", micros.get(49) / 1000.0));
        figures.put("webhook idle commit-to-first-request p99 ms", String.format(Locale.ROOT, "%.1f", micros.get(98) / 1000.0));
    }

    private void metrcRuns(String jdbcUrl, Map<String, String> figures) throws Exception {
        String start = LocalDate.now(ZoneOffset.UTC).minusDays(metrcDays).toString();
        MetrcSandbox.Options many = MetrcSandbox.Options.defaults(metrcFacilities, metrcRecords).withHistory(Duration.ofDays(metrcDays - 1));
        try (MetrcSandbox m = MetrcSandbox.start(many, Clock.systemUTC())) {
            Map<String, String> overrides = new LinkedHashMap<>(Map.of("hub.reporting.jdbc-url", jdbcUrl,
                    "hub.reporting.username", "postgres", "hub.sync.sources", "metrc", "hub.schedule.enabled", "false",
                    "hub.metrc.base-url", m.baseUrl().toString(), "hub.metrc.integrator-key", many.integratorKey(),
                    "hub.metrc.user-key", many.userKey(), "hub.metrc.start-date", start,
                    "hub.sync.parallel-partitions", Integer.toString(metrcFacilities), "hub.reporting.pool-size", "20"));
            overrides.put("hub.sync.progress-interval-seconds", "30");
            try (HubRuntime hub = startHub(overrides)) {
                long t0 = System.nanoTime();
                SyncReport report = hub.sync(new SyncRequest("metrc", List.of(), false, "bench"));
                double seconds = (System.nanoTime() - t0) / 1e9;
                require(report);
                // every request but the facilities list: the lists, transfers' deliveries and packages, receipts by id
                List<MetrcSandbox.Served> reads = m.served().stream().filter(s -> !s.pathAndQuery().startsWith("/facilities")).toList();
                long requests = reads.size();
                long tooMany = m.served().stream().filter(s -> s.status() == 429).count();
                // the rate while the licences were read: first to last request (pass start-up and close excluded)
                long first = reads.stream().mapToLong(MetrcSandbox.Served::nanos).min().orElse(0);
                long last = reads.stream().mapToLong(MetrcSandbox.Served::nanos).max().orElse(1);
                double readingSeconds = (last - first) / 1e9;
                double binding = Math.min(150, 50.0 * metrcFacilities);
                int peakFacility = many.facilities().stream().mapToInt(f -> m.peakInFlight(f.licenseNumber())).max().orElse(0);
                System.out.printf(Locale.ROOT, "%n| %-44s | %10s | %8s | %9s | %8s | %5s | %13s | %15s |%n", "Metrc backfill, "
                        + metrcFacilities + " facilities x 30 days", "requests", "seconds", "GET/s", "/ limit", "429s",
                        "peak/facility", "peak/integrator");
                System.out.printf(Locale.ROOT, "| %-44s | %10d | %8.1f | %9.1f | %8.2f | %5d | %13d | %15d |%n",
                        "records " + report.total(StreamResult::written) + ", whole pass", requests, seconds, requests / seconds,
                        requests / seconds / binding, tooMany, peakFacility, m.peakIntegratorInFlight());
                System.out.printf(Locale.ROOT, "| %-44s | %10d | %8.1f | %9.1f | %8.2f | %5d | %13d | %15d |%n",
                        "first to last request", requests, readingSeconds, requests / readingSeconds,
                        requests / readingSeconds / binding, tooMany, peakFacility, m.peakIntegratorInFlight());
                figures.put("metrc GET/s while reading", String.format(Locale.ROOT, "%.1f", requests / readingSeconds));
                figures.put("metrc GET/s while reading / binding limit", String.format(Locale.ROOT, "%.2f", requests / readingSeconds / binding));
                figures.put("metrc facilities", Integer.toString(metrcFacilities));
                figures.put("metrc GET/s (whole pass)", String.format(Locale.ROOT, "%.1f", requests / seconds));
                figures.put("metrc GET/s (whole pass) / binding limit", String.format(Locale.ROOT, "%.2f", requests / seconds / binding));
                figures.put("metrc 429s", Long.toString(tooMany));
                figures.put("metrc peak in flight per facility", Integer.toString(peakFacility));
                figures.put("metrc peak in flight per integrator key", Integer.toString(m.peakIntegratorInFlight()));
                if (metrcFacilities == 1) {
                    oneLicenceFigures(m, figures, metrcDays);
                }
            }
        }
        if (metrcFacilities == 1) {
            return; // the run above was a one-licence backfill: its figures were taken there
        }
        MetrcSandbox.Options one = MetrcSandbox.Options.defaults(1, metrcRecords).withHistory(Duration.ofDays(metrcDays - 1));
        try (MetrcSandbox m = MetrcSandbox.start(one, Clock.systemUTC())) {
            Map<String, String> overrides = new LinkedHashMap<>(Map.of("hub.reporting.jdbc-url", jdbcUrl,
                    "hub.reporting.username", "postgres", "hub.sync.sources", "metrc", "hub.schedule.enabled", "false",
                    "hub.metrc.base-url", m.baseUrl().toString(), "hub.metrc.integrator-key", one.integratorKey(),
                    "hub.metrc.user-key", one.userKey(), "hub.metrc.start-date", start,
                    "hub.metrc.license-numbers", "SBX-0001"));
            try (HubRuntime hub = startHub(overrides)) {
                // a licence of another sandbox: cursors of SBX-0001 above belong to another upstream port, so it backfills
                require(hub.sync(new SyncRequest("metrc", List.of(), true, "bench")));
                oneLicenceFigures(m, figures, metrcDays);
            }
        }
    }

    /**
     * One licence's 30-day backfill (the licence SBX-0001 of {@code m}): the requests made against the fewest possible
     * (slices x pages each slice needs, + each sub-resource once), and the pages of the endpoints without a time filter.
     */
    private static void oneLicenceFigures(MetrcSandbox m, Map<String, String> figures, int days) {
        long requests = 0;
        long minimum = 0;
        java.util.Set<String> windows = new java.util.HashSet<>();
        java.util.regex.Pattern w = java.util.regex.Pattern.compile("^(/[^?]+)\\?.*lastModifiedStart=([^&]+)&lastModifiedEnd=([^&]+)");
        java.util.Set<String> others = new java.util.HashSet<>();
        for (MetrcSandbox.Served s : m.served()) {
            if (s.pathAndQuery().startsWith("/facilities")) {
                continue;
            }
            requests++;
            java.util.regex.Matcher mm = w.matcher(s.pathAndQuery());
            if (!mm.find()) {
                // a transfer's deliveries, a delivery's packages, a receipt by id: each needed once
                if (others.add(s.pathAndQuery())) {
                    minimum++;
                }
            } else if (windows.add(mm.group(1) + " " + mm.group(2))) {
                MetrcSandbox.Endpoint e = java.util.Arrays.stream(MetrcSandbox.Endpoint.values())
                        .filter(x -> x.path.equals(mm.group(1))).findFirst().orElseThrow();
                int n = m.countModifiedBetween("SBX-0001", e,
                        java.time.OffsetDateTime.parse(java.net.URLDecoder.decode(mm.group(2), java.nio.charset.StandardCharsets.UTF_8)).toInstant(),
                        java.time.OffsetDateTime.parse(java.net.URLDecoder.decode(mm.group(3), java.nio.charset.StandardCharsets.UTF_8)).toInstant());
                minimum += Math.max(1, (n + 19) / 20);
            }
        }
        System.out.printf(Locale.ROOT, "| %-44s | %10d | minimum %d (slices x pages, + each sub-resource once) |%n",
                "one licence, " + days + "-day backfill (" + windows.size() + " slice requests)", requests, minimum);
        // the endpoints without a time filter: read once a pass (pages of 20), not once per 24 h slice
        long filterless = m.served().stream().filter(x -> x.pathAndQuery().startsWith("/items/v2/inactive?")
                || x.pathAndQuery().startsWith("/transfers/v2/rejected?")).count();
        System.out.printf(Locale.ROOT, "| %-44s | %10d | pages of /items/v2/inactive and /transfers/v2/rejected |%n",
                "  of which endpoints without a time filter", filterless);
        figures.put("metrc one-licence filterless requests", Long.toString(filterless));
        figures.put("metrc one-licence backfill requests", Long.toString(requests));
        figures.put("metrc one-licence backfill minimum", Long.toString(minimum));
    }

    /** One incremental window: how many records it held, the requests its pass made, and the fewest possible. */
    private record WindowRun(long due, long requests, long minimum, long churned) {
        double overheadPercent() {
            return 100.0 * (requests - minimum) / minimum;
        }
    }

    /**
     * Changes a quarter of the products and packages (from {@code offset}), so the next incremental window spans
     * several pages, then syncs it while {@code churnPerSecond} random records change (0: a quiet window). The
     * minimum is the pages the window's records fill when the pass starts (its start is the cursor less the
     * overlap, so recent earlier changes count too): ceil(records / page size) per stream.
     */
    private WindowRun windowRun(HubRuntime hub, DistruSandbox sandbox, DataSource ds, int offset, int churnPerSecond)
            throws Exception {
        for (int k = 0; k < records / 4; k++) {
            sandbox.touch(SandboxCollection.PRODUCTS, (offset + k) % records);
            sandbox.touch(SandboxCollection.PACKAGES, (offset + k) % records);
        }
        // past the sandbox's visibility lag and the hub's safety lag, so every change is in the window
        Thread.sleep(2_600);
        Duration overlap = hub.bean("hubSettings", HubSettings.class).getMillis("hub.distru.overlap-ms");
        long due = 0;
        long minimum = 0;
        for (SandboxCollection c : List.of(SandboxCollection.PRODUCTS, SandboxCollection.PACKAGES)) {
            Instant start = cursor(ds, c == SandboxCollection.PRODUCTS ? "products" : "packages").minus(overlap);
            long inWindow = 0;
            for (int i = 0; i < records; i++) {
                if (!sandbox.updatedAt(c, i).isBefore(start)) {
                    inWindow++;
                }
            }
            due += inWindow;
            minimum += Math.max(1, (inWindow + PAGE_SIZE - 1) / PAGE_SIZE);
        }
        AtomicLong churned = new AtomicLong();
        ScheduledExecutorService churn = Executors.newSingleThreadScheduledExecutor();
        long before = sandbox.requestCount();
        if (churnPerSecond > 0) {
            SplittableRandom dice = new SplittableRandom(churnPerSecond);
            churn.scheduleAtFixedRate(() -> {
                sandbox.touch(dice.nextBoolean() ? SandboxCollection.PRODUCTS : SandboxCollection.PACKAGES, dice.nextInt(records));
                churned.incrementAndGet();
            }, 0, 1_000_000 / churnPerSecond, TimeUnit.MICROSECONDS);
        }
        SyncReport report;
        try {
            report = hub.sync(new SyncRequest("distru", List.of(), false, "bench"));
        } finally {
            churn.shutdownNow();
        }
        require(report);
        return new WindowRun(due, sandbox.requestCount() - before, minimum, churned.get());
    }

    private static Instant cursor(DataSource ds, String stream) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT window_end FROM hub.sync_cursors WHERE stream = '" + stream + "'")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    /**
     * After one more incremental pass (nothing changing), the records whose stored version is not the one the
     * sandbox serves: a record lost at a page boundary would show here.
     */
    /** A hub for a measurement: the bench never takes the HTTP port (a running hub may own it). */
    /**
     * OriginTrace: a complete pass of {@code --origintrace-farms} farms, as many batches and a tenth as many shipments
     * under the reference's default budget (1,000 requests an hour, 5 % kept), paced by the answers' X-RateLimit
     * headers. The hub and the sandbox share a simulated clock ({@link SkippingClock}: real time plus every wait
     * skipped), so an hour of pacing takes seconds; the pass time reported is the simulated one. Requests against the
     * fewest possible (ceil(total / 500) per resource), the schedule check-config recommends, the pace of the pass
     * against the usable budget (requests an hour while it ran ÷ (limit − reserve)), 429s, and the lowest
     * X-RateLimit-Remaining seen.
     */
    private void origintraceRuns(HubDatabase db, Map<String, String> figures) throws Exception {
        String url = scratchDatabase(db, "bench_origintrace");
        int farms = origintraceFarms;
        int shipments = Math.max(1, farms / 10);
        SkippingClock clock = new SkippingClock();
        try (com.canopyhub.sandbox.origintrace.OriginTraceSandbox ot = com.canopyhub.sandbox.origintrace.OriginTraceSandbox.start(
                new com.canopyhub.sandbox.origintrace.OriginTraceSandbox.Options(farms, farms, shipments, 1000, 7), clock)) {
            Map<String, String> overrides = new LinkedHashMap<>(common.checkedOverrides());
            overrides.putAll(Map.of("hub.reporting.jdbc-url", url, "hub.reporting.username", "postgres",
                    "hub.sync.sources", "origintrace", "hub.schedule.enabled", "false",
                    "hub.origintrace.base-url", ot.baseUrl().toString(),
                    "hub.origintrace.api-key", com.canopyhub.sandbox.origintrace.OriginTraceSandbox.DEFAULT_KEY,
                    "hub.sync.progress-interval-seconds", "30"));
            overrides.putAll(HubRuntime.NO_HTTP_SERVER);
            try (HubRuntime hub = HubRuntime.start(common.configDir, common.profile, overrides,
                    Map.of(com.canopyhub.app.HubConfiguration.CLOCK_BEAN, clock))) {
                Instant simulatedStart = clock.instant();
                long realStart = System.nanoTime();
                SyncReport pass = hub.sync(new SyncRequest("origintrace", List.of(), false, "bench"));
                require(pass);
                double simulatedMinutes = Duration.between(simulatedStart, clock.instant()).toMillis() / 60_000.0;
                double realSeconds = (System.nanoTime() - realStart) / 1e9;
                List<com.canopyhub.sandbox.origintrace.OriginTraceSandbox.Served> served = ot.served();
                long requests = served.size();
                long minimum = 2L * ((farms + 499) / 500) + (shipments + 499) / 500;
                long tooMany = served.stream().filter(r -> r.status() == 429).count();
                long lowest = served.stream().mapToLong(com.canopyhub.sandbox.origintrace.OriginTraceSandbox.Served::remaining).min().orElse(-1);
                long usable = 1000 - 50;
                com.canopyhub.source.origintrace.OriginTraceSettings.Schedule schedule =
                        com.canopyhub.source.origintrace.OriginTraceSettings.recommendedSchedule(requests, usable);
                // the pace means something only over a pass the budget had to spread (a burst is over in no time)
                String share = simulatedMinutes >= 1 ? String.format(Locale.ROOT, "%.2f", requests / (usable * simulatedMinutes / 60.0)) : "n/a";
                ot.clearServed();
                Instant secondStart = clock.instant();
                SyncReport again = hub.sync(new SyncRequest("origintrace", List.of(), false, "bench"));
                require(again);
                double secondMinutes = Duration.between(secondStart, clock.instant()).toMillis() / 60_000.0;
                System.out.printf(Locale.ROOT, "%n| %-46s | %8s | %7s | %12s | %10s | %5s | %14s |%n",
                        "OriginTrace pass, " + (2L * farms + shipments) + " records, 1,000 req/h", "requests", "minimum",
                        "pass (sim.)", "pace/usable", "429s", "lowest remaining");
                System.out.printf(Locale.ROOT, "| %-46s | %8d | %7d | %9.1f min | %11s | %5d | %14d |%n",
                        "first pass (" + pass.total(StreamResult::written) + " written, " + String.format(Locale.ROOT, "%.1f", realSeconds)
                                + " s real)", requests, minimum, simulatedMinutes, share, tooMany, lowest);
                System.out.printf(Locale.ROOT, "| %-46s | %8d | %7d | %9.1f min | %10s | %5d | %14s |%n",
                        "second pass (" + again.total(StreamResult::written) + " written)", ot.served().size(), minimum,
                        secondMinutes, "", ot.served().stream().filter(r -> r.status() == 429).count(), "");
                System.out.printf(Locale.ROOT, "recommended schedule for this size: every %s (%s)%n", schedule.every(), schedule.cron());
                figures.put("origintrace records", Long.toString(2L * farms + shipments));
                figures.put("origintrace requests per pass", Long.toString(requests));
                figures.put("origintrace minimum requests", Long.toString(minimum));
                figures.put("origintrace pass minutes (simulated)", String.format(Locale.ROOT, "%.1f", simulatedMinutes));
                figures.put("origintrace pass seconds (real)", String.format(Locale.ROOT, "%.1f", realSeconds));
                figures.put("origintrace requests per hour during the pass / usable budget per hour", share);
                figures.put("origintrace 429s", Long.toString(tooMany));
                figures.put("origintrace lowest X-RateLimit-Remaining", Long.toString(lowest));
                figures.put("origintrace recommended schedule", schedule.every() + " (" + schedule.cron() + ")");
                figures.put("origintrace second pass rows written", Long.toString(again.total(StreamResult::written)));
            }
        }
    }

    /** Real time plus every wait skipped: a client pacing on it (Waiting) moves it instead of sleeping. */
    private static final class SkippingClock extends Clock implements com.canopyhub.source.Waiting {
        private final java.util.concurrent.atomic.AtomicLong skippedNanos = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public Instant instant() {
            return Instant.now().plusNanos(skippedNanos.get());
        }

        /** Skips just enough that the clock reads {@code at}: waits of several threads overlap, they do not add up. */
        @Override
        public void until(Instant at) {
            long needed = Duration.between(Instant.now(), at).toNanos();
            skippedNanos.accumulateAndGet(needed, Math::max);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private HubRuntime startHub(Map<String, String> overrides) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(common.checkedOverrides());
        all.putAll(overrides);
        all.putAll(HubRuntime.NO_HTTP_SERVER);
        return HubRuntime.start(common.configDir, common.profile, all, Map.of());
    }

    private long staleRecords(DataSource ds, DistruSandbox sandbox, HubRuntime hub) throws Exception {
        Thread.sleep(2_600);
        require(hub.sync(new SyncRequest("distru", List.of(), false, "bench")));
        long stale = 0;
        for (SandboxCollection c : List.of(SandboxCollection.PRODUCTS, SandboxCollection.PACKAGES)) {
            // streamed (a cursor of 10,000 rows at a time), compared with the sandbox's version of each: the bench's
            // own check stays flat in memory too (1M records under -Xmx256m)
            long current = 0;
            try (Connection conn = ds.getConnection()) {
                conn.setAutoCommit(false);
                try (Statement st = conn.createStatement()) {
                    st.setFetchSize(10_000);
                    try (ResultSet rs = st.executeQuery("SELECT source_id, source_updated_at FROM reporting."
                            + (c == SandboxCollection.PRODUCTS ? "products" : "inventory_lots") + " WHERE source_system = 'distru'")) {
                        while (rs.next()) {
                            String id = rs.getString(1);
                            long index = Long.parseLong(id.substring(id.length() - 12), 16);
                            if (index < records && id.equals(DistruSandbox.recordId(c, (int) index))
                                    && sandbox.updatedAt(c, (int) index).equals(rs.getObject(2, OffsetDateTime.class).toInstant())) {
                                current++;
                            }
                        }
                    }
                }
                conn.commit();
            }
            stale += records - current;
        }
        return stale;
    }

    private static void windowRow(String name, WindowRun w) {
        System.out.printf(Locale.ROOT, "| %-36s | %12d | %9d | %9d | %7.1f%% |%n", name, w.due(), w.requests(), w.minimum(),
                w.overheadPercent());
    }

    /** Loads the rows the sync wrote into scratch copies of the same tables with COPY; returns the load seconds. */
    /** Rows COPYed and the seconds their COPY took. */
    private record Copied(long rows, double seconds) {
    }

    /**
     * The physical limit: the rows the full sync persisted, copied out and COPYed (binary) into scratch tables with the
     * same indexes, the best of {@code rounds} loads of each table. {@code everything}: its reporting rows, change-log rows and outbox events (what the sync must
     * write); otherwise the reporting rows alone (the baseline of the earlier benchmarks).
     */
    private static Copied copyBaseline(DataSource ds, Path dir, List<Long> runIds, boolean everything, String format, int rounds)
            throws Exception {
        String runs = runIds.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("reporting.products", "SELECT * FROM reporting.products WHERE source_system = 'distru'");
        sources.put("reporting.inventory_lots", "SELECT * FROM reporting.inventory_lots WHERE source_system = 'distru'");
        if (everything) {
            sources.put("hub.record_changes", "SELECT * FROM hub.record_changes WHERE sync_run_id IN (" + runs + ")");
            sources.put("hub.outbox", "SELECT * FROM hub.outbox WHERE sync_run_id IN (" + runs + ")");
        }
        double seconds = 0;
        long rows = 0;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS bench");
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                String scratch = "bench." + source.getKey().replace('.', '_');
                st.execute("DROP TABLE IF EXISTS " + scratch);
                st.execute("CREATE TABLE " + scratch + " (LIKE " + source.getKey() + " INCLUDING ALL)");
                Path file = dir.resolve(scratch + ".copy");
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                    copy.copyOut("COPY (" + source.getValue() + ") TO STDOUT (FORMAT " + format + ")", out);
                }
                // the best of three loads: the limit, not the noise of one run (a small smoke run loads once)
                double best = Double.MAX_VALUE;
                long copied = 0;
                for (int round = 0; round < rounds; round++) {
                    st.execute("TRUNCATE " + scratch);
                    st.execute("CHECKPOINT");
                    long start = System.nanoTime();
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                        copied = copy.copyIn("COPY " + scratch + " FROM STDIN (FORMAT " + format + ")", in);
                    }
                    best = Math.min(best, (System.nanoTime() - start) / 1e9);
                }
                rows += copied;
                seconds += best;
                Files.delete(file);
            }
            st.execute("DROP SCHEMA bench CASCADE");
        }
        return new Copied(rows, seconds);
    }

    private static void dropDatabase(HubDatabase db, String name) throws java.sql.SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static void require(SyncReport report) {
        if (!report.ok()) {
            throw new IllegalStateException("benchmark sync failed:\n" + report.table());
        }
    }

    private static void row(String fmt, String phase, long rows, double seconds) {
        System.out.printf(Locale.ROOT, fmt, phase, rows, String.format(Locale.ROOT, "%.2f", seconds),
                seconds > 0 ? String.format(Locale.ROOT, "%.0f", rows / seconds) : "-");
    }

    /**
     * The heap's use after each collection while {@code watchHeap} is set (heap pools only: what a collection
     * could not free, the honest "live heap"), and the process's resident set sampled meanwhile.
     */
    private void watchGarbageCollections() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (watchHeap && GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                                .getGcInfo().getMemoryUsageAfterGc();
                        long used = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                                .map(p -> after.get(p.getName())).filter(java.util.Objects::nonNull).mapToLong(MemoryUsage::getUsed).sum();
                        heapAfterGc.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }
        Thread rss = new Thread(() -> {
            while (true) {
                if (watchHeap) {
                    peakRss.accumulateAndGet(residentKb("VmRSS:"), Math::max);
                }
                try {
                    Thread.sleep(100); // a sampler's period, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-rss");
        rss.setDaemon(true);
        rss.start();
    }

    /** A line of /proc/self/status in kB (0 where there is none). */
    private static long residentKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (Exception e) {
            // not Linux: no figure
        }
        return 0;
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
