package com.canopyhub.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's PostgreSQL: a connection pool on the configured database, or on an embedded PostgreSQL whose data
 * directory survives restarts. The schema is migrated by Flyway before anything else touches it.
 */
public final class HubDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubDatabase.class);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;

    private HubDatabase(EmbeddedPostgres embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
    }

    /** Connects to an external PostgreSQL. */
    public static HubDatabase connect(String jdbcUrl, String username, String password, int poolSize) {
        return new HubDatabase(null, pool(jdbcUrl, username, password, poolSize));
    }

    /** Starts (or reopens) an embedded PostgreSQL with its data in {@code dataDir}. */
    public static HubDatabase embedded(Path dataDir, int port, int poolSize) throws IOException {
        Files.createDirectories(dataDir);
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
            // typically a second hub process on the same data directory (zonky locks it)
            throw new IllegalStateException("Cannot start the embedded PostgreSQL in " + dataDir.toAbsolutePath()
                    + " (hub.embedded.data-dir): is another hub process using it? Stop it, or point this one at its "
                    + "database with hub.reporting.jdbc-url. Cause: " + e, e);
        }
        LOG.info("Embedded PostgreSQL on port {} with data in {}", pg.getPort(), dataDir.toAbsolutePath());
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        return new HubDatabase(pg, pool(url, "postgres", "", poolSize));
    }

    private static HikariDataSource pool(String jdbcUrl, String username, String password, int poolSize) {
        HikariConfig cfg = new HikariConfig();
        // multi-row rewriting of the JDBC batches that remain (dead letters); bulk data goes by COPY
        cfg.setJdbcUrl(jdbcUrl.contains("reWriteBatchedInserts") ? jdbcUrl
                : jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true");
        if (username != null && !username.isEmpty()) {
            cfg.setUsername(username);
        }
        if (password != null && !password.isEmpty()) {
            cfg.setPassword(password);
        }
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("canopy-hub");
        cfg.setInitializationFailTimeout(10_000);
        return new HikariDataSource(cfg);
    }

    /** Applies the schema migrations (db/migration); safe to call on every start. */
    public HubDatabase migrate() {
        Flyway.configure().dataSource(pool).locations("classpath:db/migration")
                .schemas("hub", "reporting").defaultSchema("hub").createSchemas(true)
                .load().migrate();
        return this;
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() throws IOException {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
