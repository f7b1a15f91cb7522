package com.canopyhub.source.origintrace;

import static com.canopyhub.source.JsonFields.decimal;
import static com.canopyhub.source.JsonFields.instant;
import static com.canopyhub.source.JsonFields.requiredText;
import static com.canopyhub.source.JsonFields.text;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.CollectionBatch;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Farm;
import com.canopyhub.canonical.Provenance;
import com.canopyhub.canonical.Quantity;
import com.canopyhub.canonical.Shipment;
import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.RejectedRecord;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.source.ExtraFields;
import com.canopyhub.source.RecordRejectedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.canopyhub.source.UpstreamObject;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OriginTrace records to the canonical model (docs/canonical-model.md, "Supply chain"). A farm's {@code phone} is taken
 * off the raw record before anything else reads it: stored only with {@code hub.origintrace.store-personal-data=true},
 * and never part of a dead letter's payload or a mapping file's attributes either way.
 */
public final class OriginTraceMapper {

    private final ExtraFields extraFields;
    private final boolean storePersonalData;

    public OriginTraceMapper(ExtraFields extraFields, boolean storePersonalData) {
        this.extraFields = extraFields;
        this.storePersonalData = storePersonalData;
    }

    public MappedPage map(SourcePage page) {
        OriginTraceStream stream = OriginTraceStream.of(page.stream());
        List<CanonicalRecord> records = new ArrayList<>(page.records().size());
        List<RejectedRecord> rejects = new ArrayList<>();
        for (JsonNode raw : page.records()) {
            String phone = null;
            if (raw instanceof ObjectNode o && o.has("phone")) {
                JsonNode p = o.remove("phone");
                phone = p != null && p.isValueNode() && !p.isNull() ? p.asText() : null;
            }
            try {
                records.add(map(stream, raw, storePersonalData ? phone : null));
            } catch (RecordRejectedException | IllegalArgumentException e) {
                rejects.add(new RejectedRecord(OriginTraceClient.SYSTEM, stream.configName(),
                        raw.path("id").isValueNode() ? raw.get("id").asText() : null, raw.toString(), e.getMessage()));
            }
        }
        return new MappedPage(OriginTraceClient.SYSTEM, stream.configName(), stream.canonicalType(), page.request().number(),
                records, rejects);
    }

    /** One record: its object read once (UpstreamObject), then mapped by its stream. */
    CanonicalRecord map(OriginTraceStream stream, JsonNode raw, String phone) {
        if (!raw.isObject()) {
            throw new RecordRejectedException("expected a JSON object, got " + raw.getNodeType());
        }
        UpstreamObject r = UpstreamObject.of(raw);
        String id = requiredText(r, "id");
        Map<String, JsonNode> attributes = extraFields.extract(OriginTraceClient.SYSTEM, stream.configName(), raw);
        Provenance provenance = new Provenance(OriginTraceClient.SYSTEM, id, null);
        return switch (stream) {
            case FARMS -> new Farm(CanonicalRecord.canonicalId(EntityType.FARM, OriginTraceClient.SYSTEM, id), provenance,
                    text(r, "farmer_name"), text(r, "farmer_id"), phone, text(r, "community"), decimal(r, "area_hectares"),
                    text(r, "commodity"), text(r, "compliance_status"), instant(r, "created_at"), attributes);
            case BATCHES -> {
                BigDecimal weight = decimal(r, "total_weight");
                yield new CollectionBatch(CanonicalRecord.canonicalId(EntityType.COLLECTION_BATCH, OriginTraceClient.SYSTEM, id),
                        provenance, text(r, "farm_id"), text(r, "agent_id"), text(r, "status"),
                        weight == null ? null : new Quantity(weight, CollectionBatch.WEIGHT_UNIT), integer(r, "bag_count"),
                        text(r, "notes"), instant(r, "collected_at"), instant(r, "created_at"), attributes);
            }
            case SHIPMENTS -> {
                String country = text(r, "destination_country");
                String commodity = text(r, "commodity");
                BigDecimal weight = decimal(r, "total_weight_kg");
                yield new Shipment(CanonicalRecord.canonicalId(EntityType.SHIPMENT, OriginTraceClient.SYSTEM, id), provenance,
                        text(r, "shipment_code"), text(r, "status"), country, CountryCodes.alpha2(country),
                        text(r, "destination_port"), text(r, "buyer_company"),
                        commodity == null ? null : commodity.trim().toLowerCase(Locale.ROOT),
                        weight == null ? null : new Quantity(weight, "kg"), integer(r, "total_items"),
                        integer(r, "readiness_score"), text(r, "readiness_decision"), date(r, "estimated_ship_date"),
                        instant(r, "created_at"), attributes);
            }
        };
    }

    private static Integer integer(UpstreamObject r, String field) {
        BigDecimal d = decimal(r, field);
        if (d == null) {
            return null;
        }
        try {
            return d.intValueExact();
        } catch (ArithmeticException e) {
            throw new RecordRejectedException(field + ": " + d + " is not a whole number (or too large)");
        }
    }

    private static LocalDate date(UpstreamObject r, String field) {
        String t = text(r, field);
        if (t == null || t.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(t.trim());
        } catch (DateTimeParseException e) {
            throw new RecordRejectedException(field + ": '" + t + "' is not a date (YYYY-MM-DD)");
        }
    }
}
