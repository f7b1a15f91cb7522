package com.canopyhub.events;

import com.canopyhub.canonical.CanonicalModel;
import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.db.CopyIn;
import com.canopyhub.engine.changes.Change;
import com.canopyhub.engine.changes.ChangeBatch;
import com.canopyhub.engine.changes.ChangeSink;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The transactional outbox: the events a page of changes means, written by COPY into {@code hub.outbox} in the
 * same transaction as the reporting rows and the change log (so there is no event without its data and no data
 * without its event). Rows have the shape Debezium's outbox router made standard: {@code id} (the event id,
 * {@code evt_…}, fixed once written, so a redelivery is recognisable), {@code aggregate_type},
 * {@code aggregate_id} (the canonical id), {@code type}, {@code payload} (JSON as text: it is stored and delivered byte for byte as written) and {@code occurred_at}, plus a
 * monotonic {@code seq}. Delivery (webhooks, marketplaces, Kafka) reads from here. docs/events.md lists the events.
 */
public class OutboxSink implements ChangeSink {

    /** The channel a commit with new events notifies (PostgreSQL LISTEN/NOTIFY): delivery wakes at once. */
    public static final String CHANNEL = "canopy_outbox";

    private static final List<String> COLUMNS = List.of("id", "aggregate_type", "aggregate_id", "type", "payload",
            "source_system", "stream", "partition", "sync_run_id");
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private final boolean skipInitialLoad;

    /** @param skipInitialLoad write no events for a stream's initial load (hub.outbox.skip-initial-load) */
    public OutboxSink(boolean skipInitialLoad) {
        this.skipInitialLoad = skipInitialLoad;
    }

    public OutboxSink() {
        this(false);
    }

    @Override
    public String name() {
        return "outbox";
    }

    @Override
    public void accept(Connection tx, ChangeBatch batch) throws SQLException {
        if (skipInitialLoad && batch.initialLoad()) {
            return;
        }
        Map<String, String> previousStatus = batch.type() == EntityType.ORDER ? orderStatuses(tx, batch) : Map.of();
        CopyIn copy = new CopyIn("hub.outbox", COLUMNS);
        int rows = 0;
        for (Change change : batch.changes()) {
            CanonicalRecord record = change.record();
            String before = previousStatus.get(record.provenance().sourceId());
            List<String> types = EventTypes.of(record, change.created(), before);
            if (types.isEmpty()) {
                continue;
            }
            String payload = payload(change, before);
            for (String type : types) {
                copy.field(eventId())
                        .field(record.entityType().name().toLowerCase(java.util.Locale.ROOT))
                        .field(record.canonicalId())
                        .field(type)
                        .field(payload)
                        .field(batch.sourceSystem()).field(batch.stream()).field(batch.partition())
                        .field(batch.syncRunId() > 0 ? batch.syncRunId() : null);
                copy.endRow();
                rows++;
            }
        }
        if (rows > 0) {
            copy.execute(tx);
            notifyCommit(tx);
        }
    }

    /** Wakes the outbox's readers when the transaction commits (PostgreSQL folds repeated notifications). */
    public static void notifyCommit(Connection tx) throws SQLException {
        try (java.sql.Statement st = tx.createStatement()) {
            st.execute("NOTIFY " + CHANNEL);
        }
    }

    /** {@code evt_} and 32 random hex digits: unique, fixed once written (a redelivery carries the same id). */
    public static String eventId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return "evt_" + String.format(java.util.Locale.ROOT, "%016x%016x", r.nextLong(), r.nextLong());
    }

    /**
     * The event body (docs/events.md), keys sorted: provenance, canonical id, stream, the previous status of an order,
     * the record as its canonical JSON (reused from the hashing, not serialised again) and the schema version.
     */
    static String payload(Change change, String previousStatus) {
        CanonicalRecord r = change.record();
        StringBuilder sb = new StringBuilder(change.canonicalJson().length() + 256);
        sb.append("{\"canonical_id\":\"").append(r.canonicalId()).append("\",\"entity\":");
        text(sb, r.entityType().table());
        sb.append(",\"license_number\":");
        text(sb, r.provenance().licenseNumber());
        if (previousStatus != null) {
            sb.append(",\"previous_status\":");
            text(sb, previousStatus);
        }
        sb.append(",\"record\":").append(change.canonicalJson()).append(",\"schema_version\":");
        text(sb, CanonicalModel.VERSION);
        sb.append(",\"source_id\":");
        text(sb, r.provenance().sourceId());
        sb.append(",\"source_system\":");
        text(sb, r.provenance().sourceSystem());
        return sb.append('}').toString();
    }

    public static void text(StringBuilder sb, String value) {
        if (value == null) {
            sb.append("null");
        } else {
            sb.append('"').append(QUOTE.quoteAsString(value)).append('"');
        }
    }

    /**
     * The status each changed order had before this page (read before the reporting sink overwrites it): the
     * events of an order are its status transitions.
     */
    private static Map<String, String> orderStatuses(Connection tx, ChangeBatch batch) throws SQLException {
        List<String> ids = new ArrayList<>();
        for (Change c : batch.changes()) {
            if (!c.created()) {
                ids.add(c.record().provenance().sourceId());
            }
        }
        Map<String, String> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = tx.prepareStatement("SELECT source_id, status FROM reporting.orders "
                + "WHERE source_system = ? AND source_id = ANY(?)")) {
            ps.setString(1, batch.sourceSystem());
            ps.setArray(2, tx.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }
}
