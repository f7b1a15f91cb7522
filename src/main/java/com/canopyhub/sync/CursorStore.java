package com.canopyhub.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import javax.sql.DataSource;

/** Persisted sync cursors ({@code hub.sync_cursors}): the end of the last window whose records every sink took. */
public class CursorStore {

    private final DataSource dataSource;

    public CursorStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<Instant> read(String sourceSystem, String entity) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT window_end FROM hub.sync_cursors WHERE source_system = ? AND entity = ?")) {
            ps.setString(1, sourceSystem);
            ps.setString(2, entity);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, OffsetDateTime.class).toInstant()) : Optional.empty();
            }
        }
    }

    /** Moves the cursor inside the caller's transaction, so it moves together with the run's status. */
    void advance(Connection tx, String sourceSystem, String entity, Instant windowEnd, long runId) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(
                "INSERT INTO hub.sync_cursors (source_system, entity, window_end, last_run_id, updated_at) "
                        + "VALUES (?, ?, ?, ?, now()) ON CONFLICT (source_system, entity) DO UPDATE "
                        + "SET window_end = EXCLUDED.window_end, last_run_id = EXCLUDED.last_run_id, updated_at = now()")) {
            ps.setString(1, sourceSystem);
            ps.setString(2, entity);
            ps.setObject(3, OffsetDateTime.ofInstant(windowEnd, ZoneOffset.UTC));
            ps.setLong(4, runId);
            ps.executeUpdate();
        }
    }
}
