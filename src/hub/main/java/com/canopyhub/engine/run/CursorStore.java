package com.canopyhub.engine.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.canopyhub.engine.spi.StreamKey;

/**
 * Persisted sync cursors ({@code hub.sync_cursors}): the end of the last window whose records every sink took,
 * and the upstream it was read from. A cursor of another upstream (a database pointed at a different Distru, or
 * one the sandbox once fed) is not trusted: that stream starts from the beginning.
 */
public class CursorStore {

    private static final Logger LOG = LoggerFactory.getLogger(CursorStore.class);

    private final DataSource dataSource;

    public CursorStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The cursor of a stream's partition ('' for a stream without partitions), if it belongs to {@code upstream}. */
    public Optional<Instant> read(String sourceSystem, String stream, String partition, String upstream) throws SQLException {
        String label = StreamKey.label(stream, partition);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT window_end, upstream FROM hub.sync_cursors "
                     + "WHERE source_system = ? AND stream = ? AND partition = ?")) {
            ps.setString(1, sourceSystem);
            ps.setString(2, stream);
            ps.setString(3, partition);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String stored = rs.getString(2);
                if (!Objects.equals(stored, upstream)) {
                    LOG.warn("{}/{}: the cursor in the database was written for {}, but this hub reads {}: "
                                    + "reading the stream from the beginning (unchanged records are not rewritten)",
                            sourceSystem, label, stored == null ? "an unrecorded upstream" : stored, upstream);
                    return Optional.empty();
                }
                return Optional.of(rs.getObject(1, OffsetDateTime.class).toInstant());
            }
        }
    }

    /**
     * Moves the cursor inside the caller's transaction, so it moves together with the run's status. It never
     * moves backwards for the same upstream (a clock set back, or a slower process finishing last).
     */
    void advance(Connection tx, String sourceSystem, String stream, String partition, Instant windowEnd, long runId,
                 String upstream) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO hub.sync_cursors (source_system, stream, partition, "
                        + "window_end, last_run_id, upstream, updated_at) VALUES (?, ?, ?, ?, ?, ?, now()) "
                        + "ON CONFLICT (source_system, stream, partition) DO UPDATE SET "
                        + "window_end = CASE WHEN hub.sync_cursors.upstream IS NOT DISTINCT FROM EXCLUDED.upstream "
                        + "THEN GREATEST(hub.sync_cursors.window_end, EXCLUDED.window_end) ELSE EXCLUDED.window_end END, "
                        + "last_run_id = EXCLUDED.last_run_id, upstream = EXCLUDED.upstream, updated_at = now()")) {
            ps.setString(1, sourceSystem);
            ps.setString(2, stream);
            ps.setString(3, partition);
            ps.setObject(4, OffsetDateTime.ofInstant(windowEnd, ZoneOffset.UTC));
            ps.setLong(5, runId);
            ps.setString(6, upstream);
            ps.executeUpdate();
        }
    }
}
