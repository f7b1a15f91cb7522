package com.canopyhub.testing;

import com.canopyhub.sandbox.origintrace.OriginTraceSandbox;

import com.canopyhub.app.HubConfiguration;
import com.canopyhub.app.HubRuntime;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.metrc.MetrcSandbox;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real hub (routes, config, beans) against a Distru sandbox and a fresh database on the shared embedded
 * PostgreSQL, with a hand-moved clock. Restartable on the same database, like a process restart.
 */
public final class HubHarness implements AutoCloseable {

    public static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    public final MutableClock clock = new MutableClock(T0);
    public final DistruSandbox sandbox;
    public final String jdbcUrl;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private HubRuntime hub;

    public HubHarness(DistruSandbox.Options sandboxOptions, String... extraOverrides) throws Exception {
        this.sandbox = DistruSandbox.start(sandboxOptions, clock);
        this.jdbcUrl = TestPostgres.freshDatabase();
        overrides.put("hub.reporting.jdbc-url", jdbcUrl);
        overrides.put("hub.reporting.username", "postgres");
        overrides.put("hub.distru.base-url", sandbox.baseUrl().toString());
        overrides.put("hub.distru.api-key", sandbox.apiKey());
        overrides.put("hub.distru.requests-per-second", "1000");
        overrides.put("hub.distru.read-timeout-ms", "2000");
        overrides.put("hub.retry.initial-delay-ms", "50");
        overrides.put("hub.retry.max-delay-ms", "3000");
        overrides.put("hub.schedule.enabled", "false");
        // the hub's HTTP port only where a test wants it (several hubs run at once)
        overrides.put("hub.http.enabled", "false");
        // Distru only, unless a test adds Metrc (withMetrc)
        overrides.put("hub.sync.sources", "distru");
        for (int i = 0; i + 1 < extraOverrides.length; i += 2) {
            overrides.put(extraOverrides[i], extraOverrides[i + 1]);
        }
    }

    /** The Metrc sandbox of this harness, once {@link #withMetrc} started it. */
    public MetrcSandbox metrc;

    /**
     * Adds a Metrc sandbox on the harness's clock and makes Metrc a configured source, its limits fast enough for
     * tests (the sandbox enforces the options' limits; the client paces at the same ones).
     */
    public HubHarness withMetrc(MetrcSandbox.Options options) throws Exception {
        this.metrc = MetrcSandbox.start(options, clock);
        overrides.put("hub.sync.sources", "distru,metrc");
        overrides.put("hub.metrc.base-url", metrc.baseUrl().toString());
        overrides.put("hub.metrc.integrator-key", options.integratorKey());
        overrides.put("hub.metrc.user-key", options.userKey());
        overrides.put("hub.metrc.facility-requests-per-second", Integer.toString(options.facilityRequestsPerSecond()));
        overrides.put("hub.metrc.facility-in-flight", Integer.toString(options.facilityInFlight()));
        overrides.put("hub.metrc.integrator-requests-per-second", Integer.toString(options.integratorRequestsPerSecond()));
        overrides.put("hub.metrc.integrator-in-flight", Integer.toString(options.integratorInFlight()));
        overrides.put("hub.metrc.read-timeout-ms", "2000");
        overrides.put("hub.metrc.start-date", T0.minus(options.history()).atZone(java.time.ZoneOffset.UTC).toLocalDate().toString());
        return this;
    }

    /** The OriginTrace sandbox of this harness, once {@link #withOriginTrace} started it. */
    public OriginTraceSandbox origintrace;

    /** Adds an OriginTrace sandbox on the harness's clock and makes OriginTrace the only configured source. */
    public HubHarness withOriginTrace(OriginTraceSandbox.Options options) throws Exception {
        this.origintrace = OriginTraceSandbox.start(options, clock);
        overrides.put("hub.sync.sources", "origintrace");
        overrides.put("hub.origintrace.base-url", origintrace.baseUrl().toString());
        overrides.put("hub.origintrace.api-key", OriginTraceSandbox.DEFAULT_KEY);
        overrides.put("hub.origintrace.rate-limit-per-hour", Integer.toString(options.ratePerHour()));
        overrides.put("hub.origintrace.read-timeout-ms", "2000");
        return this;
    }

    /** One pass of any source over the given streams (all configured when none). */
    public SyncReport syncSource(String source, String... streams) {
        return hub.sync(new SyncRequest(source, List.of(streams), false, "test"));
    }

    /** Overrides a setting for the hubs started from now on. */
    public HubHarness set(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    private final Map<String, Object> beans = new LinkedHashMap<>();

    /** A bean the hubs started from now on find in their registry (e.g. a span processor of a test's own). */
    public HubHarness withBean(String name, Object bean) {
        beans.put(name, bean);
        return this;
    }

    public HubHarness start() throws Exception {
        Map<String, Object> all = new LinkedHashMap<>(beans);
        all.put(HubConfiguration.CLOCK_BEAN, clock);
        hub = HubRuntime.start(Path.of("config"), null, overrides, all);
        return this;
    }

    public HubRuntime hub() {
        return hub;
    }

    /** Another hub process on the same database and upstream (its own pool, locks and Camel context). */
    public HubRuntime startAnotherHub() throws Exception {
        return HubRuntime.start(Path.of("config"), null, overrides, Map.of(HubConfiguration.CLOCK_BEAN, clock));
    }

    /** The settings every hub of this harness starts with (database, upstream, fast retries). */
    public Map<String, String> overrides() {
        return Collections.unmodifiableMap(overrides);
    }

    /** Stops the hub (graceful Camel shutdown), keeping the database and the sandbox. */
    public void stopHub() {
        if (hub != null) {
            hub.close();
            hub = null;
        }
    }

    public SyncReport sync(String... streams) {
        return hub.sync(new SyncRequest("distru", List.of(streams), false, "test"));
    }

    public static SyncReport sync(HubRuntime hub, String... streams) {
        return hub.sync(new SyncRequest("distru", List.of(streams), false, "test"));
    }

    public SyncReport fullSync(String... streams) {
        return hub.sync(new SyncRequest("distru", List.of(streams), true, "test"));
    }

    /** Moves the shared clock past the hub's safety lag, so changes made "now" fall inside the next window. */
    public void passSafetyLag() {
        clock.advance(java.time.Duration.ofSeconds(3));
    }

    public long count(String sql, Object... args) throws Exception {
        return ((Number) rows(sql, args).get(0).values().iterator().next()).longValue();
    }

    public List<Map<String, Object>> rows(String sql, Object... args) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
             var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.put(md.getColumnLabel(i), v instanceof java.sql.Timestamp
                                ? rs.getObject(i, java.time.OffsetDateTime.class) : v);
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    public void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * Every reporting table's content (without the hub's own timestamps), one string per row, sorted:
     * two databases with equal snapshots hold the same data.
     */
    public List<String> reportingSnapshot() throws Exception {
        List<String> out = new ArrayList<>();
        for (String table : List.of("strains", "companies", "locations", "products", "batches", "inventory_lots",
                "stock_levels", "orders", "order_lines")) {
            for (Map<String, Object> row : rows("SELECT * FROM reporting." + table)) {
                row.remove("first_seen_at");
                row.remove("updated_at");
                out.add(table + " " + row);
            }
        }
        out.sort(null);
        return out;
    }

    public static List<String> streams(String csv) {
        return Arrays.asList(csv.split(","));
    }

    @Override
    public void close() {
        stopHub();
        sandbox.close();
        if (metrc != null) {
            metrc.close();
        }
        if (origintrace != null) {
            origintrace.close();
        }
    }
}
