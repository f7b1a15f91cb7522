package com.canopyhub.outbox;

import com.canopyhub.canonical.CanonicalModel;
import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.db.CopyIn;
import com.canopyhub.sync.Change;
import com.canopyhub.sync.ChangeBatch;
import com.canopyhub.sync.ChangeSink;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The transactional outbox: the events a page of changes means, written by COPY into {@code hub.outbox} in the
 * same transaction as the reporting rows and the change log (so there is no event without its data and no data
 * without its event). Rows have the shape Debezium's outbox router made standard: {@code id} (the event id,
 * {@code evt_…}, fixed once written, so a redelivery is recognisable), {@code aggregate_type},
 * {@code aggregate_id} (the canonical id), {@code type}, {@code payload} (jsonb) and {@code occurred_at}, plus a
 * monotonic {@code seq}. Delivery (webhooks, marketplaces, Kafka) reads from here. docs/events.md lists the events.
 */
public class OutboxSink implements ChangeSink {

    private static final List<String> COLUMNS = List.of("id", "aggregate_type", "aggregate_id", "type", "payload",
            "source_system", "stream", "partition", "sync_run_id");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** The event body: the canonical record with its provenance, versioned (docs/events.md). */
    record EventData(@JsonProperty("schema_version") String schemaVersion,
                     @JsonProperty("source_system") String sourceSystem,
                     @JsonProperty("source_id") String sourceId,
                     @JsonProperty("license_number") String licenseNumber,
                     @JsonProperty("canonical_id") UUID canonicalId,
                     @JsonProperty("entity") String entity,
                     @JsonProperty("record") Object record,
                     @JsonProperty("previous_status") @JsonInclude(JsonInclude.Include.NON_NULL) String previousStatus) {
    }

    @Override
    public String name() {
        return "outbox";
    }

    @Override
    public void accept(Connection tx, ChangeBatch batch) throws SQLException {
        Map<String, String> previousStatus = batch.type() == EntityType.ORDER ? orderStatuses(tx, batch) : Map.of();
        CopyIn copy = new CopyIn("hub.outbox", COLUMNS);
        int rows = 0;
        for (Change change : batch.changes()) {
            CanonicalRecord record = change.record();
            String before = previousStatus.get(record.provenance().sourceId());
            for (String type : EventTypes.of(record, change.created(), before)) {
                copy.field("evt_" + UUID.randomUUID().toString().replace("-", ""))
                        .field(record.entityType().name().toLowerCase(Locale.ROOT))
                        .field(record.canonicalId())
                        .field(type)
                        .field(payload(record, before))
                        .field(batch.sourceSystem()).field(batch.entity()).field(batch.partition())
                        .field(batch.syncRunId() > 0 ? batch.syncRunId() : null);
                copy.endRow();
                rows++;
            }
        }
        if (rows > 0) {
            copy.execute(tx);
        }
    }

    private static String payload(CanonicalRecord record, String previousStatus) {
        try {
            return JSON.writeValueAsString(new EventData(CanonicalModel.VERSION, record.provenance().sourceSystem(),
                    record.provenance().sourceId(), record.provenance().licenseNumber(), record.canonicalId(),
                    record.entityType().table(), record, previousStatus));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the event of " + record.canonicalId(), e);
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
