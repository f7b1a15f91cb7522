package com.canopyhub.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Writes an event the hub derives (rather than one a change carries): {@code inventory.low_stock},
 * {@code document.expiring}. Same table, same shape, same NOTIFY as {@link OutboxSink}'s, written in the caller's
 * transaction together with the once-only state that keeps it from firing twice.
 */
public final class DerivedEvents {

    private DerivedEvents() {
    }

    public static void write(Connection tx, String aggregateType, UUID aggregateId, String type, String payload, String sourceSystem,
                      String stream, String partition, Long syncRunId) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO hub.outbox (id, aggregate_type, aggregate_id, type, payload, "
                + "source_system, stream, partition, sync_run_id, trace_parent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, OutboxSink.eventId());
            ps.setString(2, aggregateType);
            ps.setObject(3, aggregateId);
            ps.setString(4, type);
            ps.setString(5, payload);
            ps.setString(6, sourceSystem);
            ps.setString(7, stream);
            ps.setString(8, partition == null ? "" : partition);
            if (syncRunId != null && syncRunId > 0) {
                ps.setLong(9, syncRunId);
            } else {
                ps.setNull(9, java.sql.Types.BIGINT);
            }
            ps.setString(10, OutboxSink.traceParent());
            ps.executeUpdate();
        }
        OutboxSink.notifyCommit(tx);
    }

    /** {@link #json} for other packages (operational alerts). */
    public static String jsonOf(Object... keyValues) {
        return json(keyValues);
    }

    /** A JSON object from key/value pairs given in sorted key order; values are text, numbers as text, or null. */
    static String json(Object... keyValues) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keyValues.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            OutboxSink.text(sb, (String) keyValues[i]);
            sb.append(':');
            Object v = keyValues[i + 1];
            if (v instanceof RawJson raw) {
                sb.append(raw.json());
            } else if (v instanceof Number n) {
                sb.append(n instanceof java.math.BigDecimal d ? d.toPlainString() : n.toString());
            } else {
                OutboxSink.text(sb, v == null ? null : v.toString());
            }
        }
        return sb.append('}').toString();
    }

    record RawJson(String json) {
    }
}
