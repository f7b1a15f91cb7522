package com.canopyhub.engine.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.canopyhub.engine.spi.StreamKey;

/**
 * One writer per stream across every hub process on a database: a PostgreSQL session-level advisory lock per
 * (source, stream, partition), held on a connection of its own for the whole run. PostgreSQL releases it when that session
 * ends, so a killed process never leaves a stream locked, and closing the connection is sure to release it.
 */
public class StreamLocks {

    private static final Logger LOG = LoggerFactory.getLogger(StreamLocks.class);

    /** Opens a connection outside the pool (see HubDatabase#openDedicatedConnection). */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final ConnectionFactory connections;
    private final DataSource dataSource;

    public StreamLocks(ConnectionFactory connections, DataSource dataSource) {
        this.connections = connections;
        this.dataSource = dataSource;
    }

    /** The held lock of one stream; closing it releases the lock. */
    public static final class Lease implements AutoCloseable {
        private final Connection connection;
        private final long key;
        private final String stream;

        private Lease(Connection connection, long key, String stream) {
            this.connection = connection;
            this.key = key;
            this.stream = stream;
        }

        /** Whether the session holding the lock is still there (if it broke, PostgreSQL has released the lock). */
        public boolean alive() {
            try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                    + "AND pid = pg_backend_pid() AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1 AND granted")) {
                ps.setLong(1, key >>> 32);
                ps.setLong(2, key & 0xFFFF_FFFFL);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            } catch (SQLException e) {
                return false;
            }
        }

        @Override
        public void close() {
            try (connection; PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                ps.setLong(1, key);
                ps.execute();
            } catch (SQLException e) {
                // closing the session releases the lock all the same
                LOG.debug("Unlocking {} failed ({}); the connection is closed instead", stream, e.getMessage());
            }
        }
    }

    /** Takes the stream's lock if no other session holds it; never waits. */
    public Optional<Lease> tryAcquire(String sourceSystem, String stream, String partition) throws SQLException {
        long key = key(sourceSystem, stream, partition);
        Connection c = connections.open();
        try {
            if (com.canopyhub.db.AdvisoryLocks.tryForSession(c, key)) {
                return Optional.of(new Lease(c, key, sourceSystem + "/" + StreamKey.label(stream, partition)));
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        c.close();
        return Optional.empty();
    }

    /**
     * Who holds a stream's lock, for the message of the process that steps aside: the RUNNING run of that stream
     * (host, pid, start), or else the holder's application_name.
     */
    public String holder(String sourceSystem, String stream, String partition) {
        long key = key(sourceSystem, stream, partition);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT host, pid, started_at, trigger FROM hub.sync_runs "
                    + "WHERE source_system = ? AND stream = ? AND partition = ? AND status = 'RUNNING' ORDER BY id DESC LIMIT 1")) {
                ps.setString(1, sourceSystem);
                ps.setString(2, stream);
                ps.setString(3, partition);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        return "pid " + rs.getLong(2) + ", host " + rs.getString(1) + ", " + rs.getString(4)
                                + " run started " + rs.getObject(3, OffsetDateTime.class);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT a.application_name FROM pg_locks l "
                    + "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                    + "AND l.classid::bigint = ? AND l.objid::bigint = ? AND l.objsubid = 1")) {
                ps.setLong(1, key >>> 32);
                ps.setLong(2, key & 0xFFFF_FFFFL);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null && !rs.getString(1).isEmpty()) {
                        return rs.getString(1);
                    }
                }
            }
        } catch (SQLException e) {
            LOG.debug("Cannot tell who holds the lock of {}/{}: {}", sourceSystem, StreamKey.label(stream, partition), e.getMessage());
        }
        return "holder unknown";
    }

    /**
     * A stable 64-bit key per (stream, partition): the same on every node and JVM, and for a stream without
     * partitions the same key as before partitions existed (a hub of either version steps aside for the other).
     */
    static long key(String sourceSystem, String stream, String partition) {
        String name = "canopy-hub/sync/" + sourceSystem + "/" + stream + (partition.isEmpty() ? "" : "/" + partition);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            long k = 0;
            for (int i = 0; i < 8; i++) {
                k = (k << 8) | (d[i] & 0xFF);
            }
            return k;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
