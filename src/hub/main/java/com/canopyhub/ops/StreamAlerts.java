package com.canopyhub.ops;

import com.canopyhub.engine.run.StreamResult;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncStatus;
import com.canopyhub.observe.Alerts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams' alerts (docs/operations.md, "Alerts"): {@code hub.stream.failed} once a stream's last N runs failed,
 * {@code hub.stream.stale} once it has had no success for longer than its source's stale-after, and one
 * {@code hub.stream.recovered} at the next success after either. Each is one conditional upsert of
 * {@code hub.alert_states} and the event, in one transaction: a check repeated, or made by two nodes at once, raises
 * nothing more. Failures and recoveries are judged when a pass closes (from the database, so the runs of every node
 * count); staleness on a timer (routes/ops-alerts.camel.yaml), which also notices a recovery made elsewhere.
 */
public final class StreamAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(StreamAlerts.class);

    private final DataSource dataSource;
    private final int failedAfter;
    /** A source's stale-after, or null when its streams are never stale (no schedule and no explicit setting). */
    private final Function<String, Duration> staleAfter;

    public StreamAlerts(DataSource dataSource, int failedAfter, Function<String, Duration> staleAfter) {
        this.dataSource = dataSource;
        this.failedAfter = failedAfter;
        this.staleAfter = staleAfter;
    }

    /** A closed pass: each run either recovers its stream or may make it failed. Never throws (an observer). */
    public void passClosed(SyncReport report) {
        try (Connection c = dataSource.getConnection()) {
            for (StreamResult r : report.results()) {
                if (r.status() == SyncStatus.SUCCEEDED || r.status() == SyncStatus.INCOMPLETE) {
                    recovered(c, r.sourceSystem(), r.stream(), r.partition());
                } else if (r.status() == SyncStatus.FAILED) {
                    failedMaybe(c, r.sourceSystem(), r.stream(), r.partition(), r.error());
                }
            }
        } catch (SQLException e) {
            LOG.warn("Alerts: could not judge pass {} ({}); the next check will", report.passId(), e.getMessage());
        }
    }

    /** The timer's round: streams gone stale, and recoveries another node's runs made. */
    public void check() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<String[], Double> lastSuccess = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT source_system, stream, partition, "
                    + "extract(epoch FROM now() - max(finished_at)) FROM hub.sync_runs WHERE status IN " + AlertQueries.SUCCESS
                    + " GROUP BY 1, 2, 3"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lastSuccess.put(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}, rs.getDouble(4));
                }
            }
            for (Map.Entry<String[], Double> e : lastSuccess.entrySet()) {
                String[] k = e.getKey();
                Duration limit = staleAfter.apply(k[0]);
                if (limit != null && e.getValue() > limit.toMillis() / 1000.0) {
                    raise(c, k[0], k[1], k[2], "stale", Alerts.STREAM_STALE, Map.of(
                            "seconds_since_success", Math.round(e.getValue()), "stale_after", limit.toString()));
                } else if (limit != null) {
                    // fresh again, its recovery judged here too (the success may have been another node's)
                    recoveredFrom(c, k[0], k[1], k[2], "stale");
                }
            }
        }
    }

    private void failedMaybe(Connection c, String source, String stream, String partition, String error) throws SQLException {
        long failures = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM (" + AlertQueries.CONSECUTIVE_FAILURES
                + ") f WHERE source_system = ? AND stream = ? AND partition = ?")) {
            ps.setString(1, source);
            ps.setString(2, stream);
            ps.setString(3, partition);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    failures = rs.getLong(4);
                }
            }
        }
        if (failures >= failedAfter) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("consecutive_failures", failures);
            facts.put("last_error", error);
            raise(c, source, stream, partition, "failed", Alerts.STREAM_FAILED, facts);
        }
    }

    private void recovered(Connection c, String source, String stream, String partition) throws SQLException {
        recoveredFrom(c, source, stream, partition, null);
    }

    /** Clears the stream's active conditions ({@code only} one, or all) and raises one recovered event if any was on. */
    private void recoveredFrom(Connection c, String source, String stream, String partition, String only) throws SQLException {
        String subject = subject(source, stream, partition);
        inTransaction(c, () -> {
            StringBuilder cleared = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("UPDATE hub.alert_states SET active = false, since = now() "
                    + "WHERE subject = ? AND active" + (only != null ? " AND condition = ?" : "") + " RETURNING condition")) {
                ps.setString(1, subject);
                if (only != null) {
                    ps.setString(2, only);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        cleared.append(cleared.isEmpty() ? "" : ",").append(rs.getString(1));
                    }
                }
            }
            if (!cleared.isEmpty()) {
                Alerts.emit(c, Alerts.STREAM_RECOVERED, subject, source, stream, partition, Map.of("was", cleared.toString()));
                LOG.info("ALERT {}: {} ({} cleared)", Alerts.STREAM_RECOVERED, subject, cleared);
            }
        });
    }

    private static void raise(Connection c, String source, String stream, String partition, String condition, String type,
                              Map<String, ?> facts) throws SQLException {
        String subject = subject(source, stream, partition);
        inTransaction(c, () -> {
            boolean changed;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.alert_states (subject, condition, active, since, detail) "
                    + "VALUES (?, ?, true, now(), ?) ON CONFLICT (subject, condition) DO UPDATE SET active = true, since = now(), "
                    + "detail = EXCLUDED.detail WHERE NOT hub.alert_states.active RETURNING 1")) {
                ps.setString(1, subject);
                ps.setString(2, condition);
                ps.setString(3, String.valueOf(facts));
                try (ResultSet rs = ps.executeQuery()) {
                    changed = rs.next();
                }
            }
            if (changed) {
                Alerts.emit(c, type, subject, source, stream, partition, facts);
                LOG.warn("ALERT {}: {} {}", type, subject, facts);
            }
        });
    }

    private interface Work {
        void run() throws SQLException;
    }

    /** One transaction on {@code c}: the state change and its event commit together, or neither. */
    private static void inTransaction(Connection c, Work work) throws SQLException {
        c.setAutoCommit(false);
        try {
            work.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    static String subject(String source, String stream, String partition) {
        return "stream:" + source + "/" + stream + "/" + partition;
    }
}
