package com.canopyhub.bench;

import com.canopyhub.HubRuntime;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.sync.EntityResult;
import com.canopyhub.sync.SyncReport;
import com.canopyhub.sync.SyncRequest;
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
import java.sql.Statement;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
 * the same rows loaded with COPY as the physical limit, a no-op incremental sync, and the heap it all took.
 * Ends with plain {@code name: value} lines a script can read.
 */
@Command(name = "bench", description = "Benchmark a full sync against COPY, a no-op sync, and heap use; prints a table.")
public class Benchmark implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "200000", description = "Products and packages each (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--work-dir", description = "Where the scratch database lives (default: a temporary folder, removed afterwards).")
    Path workDir;

    private final AtomicLong liveHeapAfterGc = new AtomicLong();

    @Override
    public Integer call() throws Exception {
        watchGarbageCollections();
        boolean temporary = workDir == null;
        Path dir = temporary ? Files.createTempDirectory("canopy-bench") : workDir;
        Map<String, String> figures = new LinkedHashMap<>();
        try (HubDatabase db = HubDatabase.embedded(dir.resolve("postgres"), 0, 4,
                HubDatabase.Timeouts.DEFAULTS);
             DistruSandbox sandbox = DistruSandbox.start(DistruSandbox.Options.defaults(0).withSizes(SandboxSizes.uniform(0)
                     .with(SandboxCollection.PRODUCTS, records).with(SandboxCollection.PACKAGES, records)), Clock.systemUTC())) {
            String jdbcUrl = db.jdbcUrl();
            Map<String, String> overrides = Map.of(
                    "hub.reporting.jdbc-url", jdbcUrl, "hub.reporting.username", "postgres",
                    "hub.distru.base-url", sandbox.baseUrl().toString(), "hub.distru.api-key", sandbox.apiKey(),
                    "hub.distru.entities", "products,packages", "hub.distru.requests-per-second", "1000",
                    "hub.schedule.enabled", "false", "hub.sync.progress-interval-seconds", "5");
            resetPeaks();
            try (HubRuntime hub = HubRuntime.start(Path.of("config"), null, overrides, Map.of())) {
                SyncReport full = hub.sync(new SyncRequest("distru", List.of(), false, "bench"));
                require(full);
                long fullRows = full.total(EntityResult::written);
                double fullSeconds = full.results().stream().mapToDouble(EntityResult::seconds).sum();
                double copySeconds = copyBaseline(db.dataSource(), dir);
                SyncReport noop = hub.sync(new SyncRequest("distru", List.of(), false, "bench"));
                require(noop);
                double fullRate = fullRows / fullSeconds;
                double copyRate = fullRows / copySeconds;
                String fmt = "| %-28s | %10s | %9s | %12s |%n";
                System.out.printf(Locale.ROOT, fmt, "phase", "rows", "seconds", "rows/s");
                System.out.printf(Locale.ROOT, fmt, "-".repeat(28), "-".repeat(10), "-".repeat(9), "-".repeat(12));
                row(fmt, "full sync (hub, end to end)", fullRows, fullSeconds);
                row(fmt, "COPY into scratch tables", fullRows, copySeconds);
                row(fmt, "no-op incremental sync", noop.total(EntityResult::written), noop.results().stream().mapToDouble(EntityResult::seconds).sum());
                figures.put("records per entity", Integer.toString(records));
                figures.put("full sync records/s", String.format(Locale.ROOT, "%.0f", fullRate));
                figures.put("COPY records/s", String.format(Locale.ROOT, "%.0f", copyRate));
                figures.put("full sync / COPY ratio", String.format(Locale.ROOT, "%.2f", fullRate / copyRate));
                figures.put("no-op sync seconds", String.format(Locale.ROOT, "%.3f", noop.results().stream().mapToDouble(EntityResult::seconds).sum()));
                figures.put("no-op sync records fetched", Long.toString(noop.total(EntityResult::fetched)));
                figures.put("no-op sync rows written", Long.toString(noop.total(EntityResult::written)));
                figures.put("peak heap used MB", Long.toString(peakHeapUsed() / (1024 * 1024)));
                figures.put("peak live heap after GC MB", Long.toString(liveHeapAfterGc.get() / (1024 * 1024)));
                figures.put("max heap MB", Long.toString(Runtime.getRuntime().maxMemory() / (1024 * 1024)));
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

    /** Loads the rows the sync wrote into scratch copies of the same tables with COPY; returns the load seconds. */
    private static double copyBaseline(DataSource ds, Path dir) throws Exception {
        double seconds = 0;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS bench");
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (String table : List.of("products", "inventory_lots")) {
                st.execute("DROP TABLE IF EXISTS bench." + table);
                st.execute("CREATE TABLE bench." + table + " (LIKE reporting." + table + " INCLUDING ALL)");
                Path file = dir.resolve(table + ".copy");
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                    copy.copyOut("COPY reporting." + table + " TO STDOUT (FORMAT binary)", out);
                }
                long start = System.nanoTime();
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                    copy.copyIn("COPY bench." + table + " FROM STDIN (FORMAT binary)", in);
                }
                seconds += (System.nanoTime() - start) / 1e9;
                Files.delete(file);
            }
            st.execute("DROP SCHEMA bench CASCADE");
        }
        return seconds;
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

    private void watchGarbageCollections() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        long used = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo()
                                .getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
                        liveHeapAfterGc.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeapUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
