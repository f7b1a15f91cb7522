package com.canopyhub.events;

import com.canopyhub.canonical.CanonicalModel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@code document.expiring}: a lab result (a COA: every test of one Metrc LabTestResultId) whose expiry falls within
 * N days (config/events.yaml {@code document_expiring.days}, default 30) emits one event per document and
 * threshold. Time moves documents into a threshold, not a sync, so routes/events-document-expiry.camel.yaml runs this on a
 * timer; {@code hub.document_expiry_notices} makes each (document, threshold) fire once, also with several nodes. A
 * document first seen already inside a smaller threshold gets that one event (the larger ones are marked as passed).
 */
public class DocumentExpiry {

    private static final String EXPIRING = """
            SELECT source_system, lab_test_result_id AS document_id, min(expires_at) AS expires_at, min(package_label) AS package_label,
                   min(package_source_id) AS package_source_id, min(license_number) AS license_number, min(lab_name) AS lab_name,
                   string_agg(DISTINCT test_type_name, ', ') AS test_types
              FROM reporting.lab_results
             WHERE revoked_at IS NULL AND lab_test_result_id IS NOT NULL AND expires_at >= ? AND expires_at < ?
             GROUP BY source_system, lab_test_result_id
            """;

    private final DataSource dataSource;
    private final Clock clock;
    private final Supplier<List<Integer>> thresholds;

    public DocumentExpiry(DataSource dataSource, Clock clock, Supplier<List<Integer>> thresholds) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.thresholds = thresholds;
    }

    /** Emits the events now due; returns how many. */
    public int check() throws SQLException {
        List<Integer> days = thresholds.get().stream().sorted().toList(); // smallest first
        if (days.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        int emitted = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(EXPIRING)) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setTimestamp(2, Timestamp.from(now.plus(Duration.ofDays(days.get(days.size() - 1)))));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant expires = rs.getTimestamp("expires_at").toInstant();
                        int threshold = days.stream().filter(d -> expires.isBefore(now.plus(Duration.ofDays(d)))).findFirst().orElseThrow();
                        if (notice(c, rs, threshold, expires)) {
                            emitted++;
                            DerivedEvents.write(c, "document", documentId(rs), "document.expiring", payload(rs, threshold, expires, now),
                                    rs.getString("source_system"), "lab_results", "", null);
                        }
                        for (int larger : days) {
                            if (larger > threshold) {
                                notice(c, rs, larger, expires);
                            }
                        }
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return emitted;
    }

    /** Records the notice; false if it was given before (by this node or another). */
    private static boolean notice(Connection c, ResultSet doc, int threshold, Instant expires) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.document_expiry_notices (source_system, document_id, threshold_days, "
                + "expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, doc.getString("source_system"));
            ps.setString(2, doc.getString("document_id"));
            ps.setInt(3, threshold);
            ps.setTimestamp(4, Timestamp.from(expires));
            return ps.executeUpdate() == 1;
        }
    }

    /** A document has no canonical record of its own: its id is derived from source and lab result id, stably. */
    static UUID documentId(ResultSet doc) throws SQLException {
        return UUID.nameUUIDFromBytes(("document:" + doc.getString("source_system") + ":" + doc.getString("document_id"))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String payload(ResultSet rs, int threshold, Instant expires, Instant now) throws SQLException {
        long daysLeft = (long) Math.ceil(Duration.between(now, expires).toSeconds() / 86400.0);
        return DerivedEvents.json(
                "canonical_id", documentId(rs).toString(),
                "days_left", daysLeft,
                "document_type", "lab_result",
                "entity", "lab_results",
                "expires_at", expires.toString(),
                "lab_name", rs.getString("lab_name"),
                "license_number", rs.getString("license_number"),
                "package_label", rs.getString("package_label"),
                "package_source_id", rs.getString("package_source_id"),
                "schema_version", CanonicalModel.VERSION,
                "source_id", rs.getString("document_id"),
                "source_system", rs.getString("source_system"),
                "test_types", rs.getString("test_types"),
                "threshold_days", threshold);
    }
}
