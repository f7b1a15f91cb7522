package com.canopyhub.source.distru;

import static com.canopyhub.source.JsonFields.bool;
import static com.canopyhub.source.JsonFields.customData;
import static com.canopyhub.source.JsonFields.decimal;
import static com.canopyhub.source.JsonFields.instant;
import static com.canopyhub.source.JsonFields.requiredText;
import static com.canopyhub.source.JsonFields.text;
import static com.canopyhub.source.JsonFields.textsOf;

import com.canopyhub.canonical.Batch;
import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.Company;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.InventoryLot;
import com.canopyhub.canonical.Location;
import com.canopyhub.canonical.Money;
import com.canopyhub.canonical.Order;
import com.canopyhub.canonical.OrderLine;
import com.canopyhub.canonical.Product;
import com.canopyhub.canonical.Provenance;
import com.canopyhub.canonical.Quantity;
import com.canopyhub.canonical.StockLevel;
import com.canopyhub.canonical.Strain;
import com.canopyhub.canonical.TestResult;
import com.canopyhub.source.ExtraFields;
import com.canopyhub.source.RecordRejectedException;
import com.canopyhub.source.UpstreamObject;
import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.RejectedRecord;
import com.canopyhub.engine.spi.SourcePage;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps raw Distru records to the canonical model. A record that cannot be mapped is rejected with a
 * reason (it goes to the dead-letter store) and the rest of its page carries on.
 */
public class DistruMapper {

    private final String currency;
    private final ExtraFields extraFields;

    public DistruMapper(String currency) {
        this(currency, ExtraFields.none());
    }

    /** @param extraFields the extra fields declared in config/mappings/distru-STREAM.yaml */
    public DistruMapper(String currency, ExtraFields extraFields) {
        this.currency = currency;
        this.extraFields = extraFields;
    }

    /** The record's extra fields declared for its stream (empty unless a mapping file declares some). */
    private Map<String, JsonNode> attributes(DistruStream stream, UpstreamObject raw) {
        return extraFields.extract(DistruClient.SYSTEM, stream.configName(), raw.node());
    }

    public MappedPage map(SourcePage page) {
        DistruStream stream = DistruStream.byConfigName(page.stream());
        List<CanonicalRecord> records = new ArrayList<>(page.records().size());
        List<RejectedRecord> rejects = new ArrayList<>();
        for (JsonNode raw : page.records()) {
            try {
                records.add(map(stream, raw));
            } catch (RecordRejectedException | IllegalArgumentException e) {
                rejects.add(new RejectedRecord(DistruClient.SYSTEM, stream.configName(),
                        raw.path("id").isValueNode() ? raw.get("id").asText() : null, raw.toString(), e.getMessage()));
            }
        }
        return new MappedPage(DistruClient.SYSTEM, stream.configName(), stream.canonicalType(),
                page.request().number(), records, rejects);
    }

    /** One record: its object read once (UpstreamObject), then mapped by its stream. */
    CanonicalRecord map(DistruStream stream, JsonNode raw) {
        UpstreamObject r = UpstreamObject.of(raw);
        return switch (stream) {
            case STRAINS -> strain(r);
            case COMPANIES -> company(r);
            case LOCATIONS -> location(r);
            case PRODUCTS -> product(r);
            case BATCHES -> batch(r);
            case PACKAGES -> inventoryLot(r);
            case INVENTORY -> stockLevel(r);
            case ORDERS -> order(r);
        };
    }

    Strain strain(UpstreamObject r) {
        String id = requiredText(r, "id");
        return new Strain(id(EntityType.STRAIN, id), provenance(id, null), text(r, "name"), instant(r, "updated_datetime"),
                attributes(DistruStream.STRAINS, r));
    }

    Company company(UpstreamObject r) {
        String id = requiredText(r, "id");
        List<String> licenses = textsOf(r, "licenses", "license_number");
        return new Company(id(EntityType.COMPANY, id), provenance(id, licenses.isEmpty() ? null : licenses.get(0)),
                text(r, "name"), text(r, "legal_business_name"), text(r, "category"),
                text(r, "relationship_type", "name"), text(r, "default_email"), text(r, "phone_number"),
                text(r, "website"), licenses, customData(r, "custom_data"), instant(r, "updated_datetime"),
                attributes(DistruStream.COMPANIES, r));
    }

    Location location(UpstreamObject r) {
        String id = requiredText(r, "id");
        return new Location(id(EntityType.LOCATION, id), provenance(id, text(r, "license", "license_number")),
                text(r, "name"), text(r, "address"), text(r, "company_id"), text(r, "license_id"),
                instant(r, "updated_datetime"), attributes(DistruStream.LOCATIONS, r));
    }

    Product product(UpstreamObject r) {
        String id = requiredText(r, "id");
        return new Product(id(EntityType.PRODUCT, id), provenance(id, null), text(r, "name"), text(r, "sku"),
                text(r, "description"), bool(r, "is_active"), text(r, "brand", "name"), text(r, "category", "name"),
                text(r, "category", "type"), text(r, "subcategory", "name"), text(r, "vendor", "name"),
                text(r, "strain", "id"), text(r, "strain", "name"), text(r, "unit_type", "name"),
                money(decimal(r, "unit_price")), money(decimal(r, "msrp")), decimal(r, "units_per_case"),
                textsOf(r, "images", "url"), customData(r, "custom_data"), instant(r, "updated_datetime"),
                attributes(DistruStream.PRODUCTS, r));
    }

    Batch batch(UpstreamObject r) {
        String id = requiredText(r, "id");
        return new Batch(id(EntityType.BATCH, id), provenance(id, null), text(r, "name"), text(r, "batch_number"),
                text(r, "product_id"), text(r, "description"), instant(r, "expiration_date"), text(r, "owner_id"),
                testResult(r.get("primary_test_result")), customData(r, "custom_data"), instant(r, "updated_datetime"),
                attributes(DistruStream.BATCHES, r));
    }

    InventoryLot inventoryLot(UpstreamObject r) {
        String id = requiredText(r, "id");
        String unit = text(r, "unit_type", "name");
        String compliance = text(r, "compliance_label");
        String label = compliance != null ? compliance : text(r, "metrc_label");
        return new InventoryLot(InventoryLot.canonicalIdFor(label, DistruClient.SYSTEM, id),
                provenance(id, text(r, "license", "license_number")), label, text(r, "product_id"), text(r, "batch_number"),
                text(r, "location", "id"), text(r, "location", "name"), text(r, "status"),
                quantity(decimal(r, "quantity"), unit), quantity(decimal(r, "quantity_available"), unit),
                quantity(decimal(r, "quantity_assembling"), unit),
                quantity(decimal(r, "product_unit_quantity"), text(r, "product_unit_type", "name")),
                instant(r, "expiration_date"), bool(r, "is_trade_sample"), testResult(r.get("primary_test_result")),
                customData(r, "custom_data"), instant(r, "updated_datetime"), attributes(DistruStream.PACKAGES, r));
    }

    StockLevel stockLevel(UpstreamObject r) {
        String productId = requiredText(r, "product_id");
        String locationId = text(r, "location_id");
        String batchNumber = text(r, "batch_number");
        // Distru has no id for an inventory group: the grouping attributes are its identity.
        String id = productId + "|" + (locationId == null ? "" : locationId) + "|" + (batchNumber == null ? "" : batchNumber);
        return new StockLevel(id(EntityType.STOCK_LEVEL, id), provenance(id, null), productId, locationId, batchNumber,
                quantity(requireDecimal(r, "active"), Quantity.PRODUCT_UNIT),
                quantity(requireDecimal(r, "available"), Quantity.PRODUCT_UNIT), instant(r, "updated_datetime"),
                attributes(DistruStream.INVENTORY, r));
    }

    Order order(UpstreamObject r) {
        String id = requiredText(r, "id");
        List<OrderLine> lines = new ArrayList<>();
        JsonNode items = r.get("items");
        if (items != null && !items.isNull()) {
            if (!items.isArray()) {
                throw new RecordRejectedException("items: expected an array");
            }
            for (JsonNode itemNode : items) {
                UpstreamObject item = UpstreamObject.of(itemNode);
                String lineId = requiredText(item, "id");
                lines.add(new OrderLine(CanonicalRecord.canonicalId(EntityType.ORDER, DistruClient.SYSTEM, id + "/" + lineId),
                        lineId, text(item, "product", "id"), text(item, "product", "name"), text(item, "product", "sku"),
                        text(item, "batch", "id"), text(item, "batch", "batch_number"),
                        text(item, "package", "compliance_label"), text(item, "location", "id"),
                        quantity(decimal(item, "quantity"), Quantity.PRODUCT_UNIT),
                        quantity(decimal(item, "returned_quantity"), Quantity.PRODUCT_UNIT),
                        money(decimal(item, "price")), money(decimal(item, "price_base"))));
            }
        }
        return new Order(id(EntityType.ORDER, id), provenance(id, null), text(r, "order_number"), text(r, "status"),
                text(r, "company", "id"), text(r, "company", "name"), text(r, "billing_location", "id"),
                text(r, "shipping_location", "id"), instant(r, "order_datetime"), instant(r, "due_datetime"),
                instant(r, "delivery_datetime"), instant(r, "inserted_datetime"), money(decimal(r, "total")),
                text(r, "internal_notes"), List.copyOf(lines), customData(r, "custom_data"), instant(r, "updated_datetime"),
                attributes(DistruStream.ORDERS, r));
    }

    private static TestResult testResult(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        UpstreamObject t = UpstreamObject.of(node);
        return new TestResult(text(t, "name"), decimal(t, "thc_percentage"), decimal(t, "thc_percentage_total"),
                decimal(t, "cbd_percentage"), decimal(t, "cbd_percentage_total"), decimal(t, "thc_mg_per_unit"),
                decimal(t, "thc_mg_per_unit_total"), decimal(t, "cbd_mg_per_unit"), decimal(t, "cbd_mg_per_unit_total"),
                text(t, "mg_per_unit_type"));
    }

    private static BigDecimal requireDecimal(UpstreamObject r, String field) {
        BigDecimal d = decimal(r, field);
        if (d == null) {
            throw new RecordRejectedException(field + ": required but missing");
        }
        return d;
    }

    private Money money(BigDecimal amount) {
        return amount == null ? null : new Money(amount, currency);
    }

    private static Quantity quantity(BigDecimal amount, String unit) {
        if (amount == null) {
            return null;
        }
        if (unit == null) {
            throw new RecordRejectedException("unit_type: a quantity of " + amount.toPlainString() + " has no unit");
        }
        return new Quantity(amount, unit);
    }

    private static UUID id(EntityType type, String sourceId) {
        return CanonicalRecord.canonicalId(type, DistruClient.SYSTEM, sourceId);
    }

    private static Provenance provenance(String sourceId, String licenseNumber) {
        return new Provenance(DistruClient.SYSTEM, sourceId, licenseNumber);
    }
}
