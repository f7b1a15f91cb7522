package com.canopyhub.events;

import com.canopyhub.canonical.CanonicalModel;
import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.db.BinaryCopyIn;
import com.canopyhub.db.BinaryCopyIn.Type;
import com.canopyhub.engine.changes.Change;
import com.canopyhub.engine.changes.ChangeBatch;
import com.canopyhub.engine.changes.ChangeSink;
import com.canopyhub.engine.changes.ContentHasher;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

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

    public static final List<String> COLUMNS = List.of("id", "aggregate_type", "aggregate_id", "type", "payload",
            "source_system", "stream", "partition", "sync_run_id", "trace_parent");
    /** Their PostgreSQL types, for binary COPY (CopyTypesTest holds them against the catalogue). */
    public static final List<Type> TYPES = List.of(Type.TEXT, Type.TEXT, Type.UUID, Type.TEXT, Type.TEXT, Type.TEXT, Type.TEXT,
            Type.TEXT, Type.INT8, Type.TEXT);
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

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
        List<String> compared = EventTypes.PREVIOUS.getOrDefault(batch.type(), List.of());
        Map<String, Map<String, String>> previous = compared.isEmpty() ? Map.of() : previousValues(tx, batch, compared);
        send(tx, events(batch, previous));
    }

    /**
     * The events serialised and encoded before the transaction, unless they depend on what the transaction reads (the
     * previous status of an order, a farm, a shipment: a transition is only known against the stored row).
     */
    @Override
    public Write prepare(ChangeBatch batch) {
        if (skipInitialLoad && batch.initialLoad()) {
            return tx -> { };
        }
        if (!EventTypes.PREVIOUS.getOrDefault(batch.type(), List.of()).isEmpty()) {
            return tx -> accept(tx, batch);
        }
        BinaryCopyIn events = events(batch, Map.of());
        return tx -> send(tx, events);
    }

    private static void send(Connection tx, BinaryCopyIn events) throws SQLException {
        if (events.rows() > 0) {
            events.execute(tx);
            notifyCommit(tx);
        }
    }

    /** The page's events as COPY rows, encoded. */
    private static BinaryCopyIn events(ChangeBatch batch, Map<String, Map<String, String>> previous) {
        long expected = 0;
        for (Change change : batch.changes()) {
            expected += (change.json() == null ? 1024 : change.json().length()) + 512;
        }
        BinaryCopyIn copy = new BinaryCopyIn("hub.outbox", COLUMNS, TYPES, (int) Math.min(expected, Integer.MAX_VALUE - 16));
        String traceParent = traceParent();
        for (Change change : batch.changes()) {
            CanonicalRecord record = change.record();
            Map<String, String> before = change.created() ? Map.of()
                    : previous.getOrDefault(record.provenance().sourceId(), Map.of());
            List<String> types = EventTypes.of(change, before);
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
                        .field(batch.syncRunId() > 0 ? batch.syncRunId() : null)
                        .field(traceParent);
                copy.endRow();
            }
        }
        return copy.encode();
    }

    /**
     * The W3C traceparent of the span current on this thread (the page whose transaction this is, routes'
     * sync-page), or null: deliveries link to it (docs/operations.md, "Traces").
     */
    public static String traceParent() {
        io.opentelemetry.api.trace.SpanContext span = io.opentelemetry.api.trace.Span.current().getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
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
        return "evt_" + HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
    }

    /**
     * The event body (docs/events.md), keys sorted: provenance, canonical id, stream, the previous status of an order,
     * the record as its canonical JSON (reused from the hashing, not serialised again) and the schema version.
     */
    static String payload(Change change, Map<String, String> before) {
        CanonicalRecord r = change.record();
        // personal data (a farmer's phone, when the source stores it) stays in the reporting table: never in an event
        CanonicalRecord shared = r.withoutPersonalData();
        String record = change.deleted() ? "null" : shared == r ? change.canonicalJson() : ContentHasher.json(shared);
        StringBuilder sb = new StringBuilder(record.length() + 256);
        sb.append("{\"canonical_id\":\"").append(r.canonicalId()).append("\"");
        if (change.deleted()) {
            sb.append(",\"deleted\":true");
        }
        sb.append(",\"entity\":");
        text(sb, r.entityType().table());
        sb.append(",\"license_number\":");
        text(sb, r.provenance().licenseNumber());
        if (!before.isEmpty() && !change.deleted()) {
            if (r.entityType() == EntityType.ORDER) {
                if (before.get("status") != null) {
                    sb.append(",\"previous_status\":");
                    text(sb, before.get("status"));
                }
            } else {
                sb.append(",\"previous\":{");
                boolean first = true;
                for (Map.Entry<String, String> e : new TreeMap<>(before).entrySet()) {
                    sb.append(first ? "" : ",");
                    text(sb, e.getKey());
                    sb.append(':');
                    text(sb, e.getValue());
                    first = false;
                }
                sb.append('}');
            }
        }
        sb.append(",\"record\":").append(record).append(",\"schema_version\":");
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
     * The compared values each changed record had before this page (read before the reporting sink overwrites them):
     * an order's status, a farm's compliance status, a shipment's status and readiness. Their events are transitions.
     */
    private static Map<String, Map<String, String>> previousValues(Connection tx, ChangeBatch batch, List<String> columns)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        for (Change c : batch.changes()) {
            if (!c.created()) {
                ids.add(c.record().provenance().sourceId());
            }
        }
        Map<String, Map<String, String>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        String list = columns.stream().map(col -> col + "::text").collect(Collectors.joining(", "));
        try (PreparedStatement ps = tx.prepareStatement("SELECT source_id, " + list + " FROM reporting." + batch.type().table()
                + " WHERE source_system = ? AND source_id = ANY(?)")) {
            ps.setString(1, batch.sourceSystem());
            ps.setArray(2, tx.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> values = new HashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        values.put(columns.get(i), rs.getString(i + 2));
                    }
                    out.put(rs.getString(1), values);
                }
            }
        }
        return out;
    }
}
