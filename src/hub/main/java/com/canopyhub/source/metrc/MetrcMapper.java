package com.canopyhub.source.metrc;

import static com.canopyhub.source.JsonFields.bool;
import static com.canopyhub.source.JsonFields.decimal;
import static com.canopyhub.source.JsonFields.instant;
import static com.canopyhub.source.JsonFields.requiredText;
import static com.canopyhub.source.JsonFields.text;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Harvest;
import com.canopyhub.canonical.InventoryLot;
import com.canopyhub.canonical.LabResult;
import com.canopyhub.canonical.Location;
import com.canopyhub.canonical.Plant;
import com.canopyhub.canonical.PlantBatch;
import com.canopyhub.canonical.Product;
import com.canopyhub.canonical.Provenance;
import com.canopyhub.canonical.Money;
import com.canopyhub.canonical.Quantity;
import com.canopyhub.canonical.SalesReceipt;
import com.canopyhub.canonical.Strain;
import com.canopyhub.canonical.Transfer;
import com.canopyhub.canonical.UnitOfMeasure;
import com.canopyhub.source.ExtraFields;
import com.canopyhub.source.RecordRejectedException;
import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.RejectedRecord;
import com.canopyhub.engine.spi.SourcePage;
import com.fasterxml.jackson.databind.JsonNode;
import com.canopyhub.source.UpstreamObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps Metrc v2 records (PascalCase, as in ../shared/reference/metrc-v2-examples) to the canonical model. Every
 * record carries its licence in {@code provenance.licenseNumber}. Packages become InventoryLots identified by their
 * label ({@link InventoryLot#canonicalIdFor}), so the Distru package with the same label is the same lot.
 */
public class MetrcMapper {

    private final ExtraFields extraFields;
    private final String currency;

    public MetrcMapper(ExtraFields extraFields) {
        this(extraFields, "USD");
    }

    /** @param currency ISO-4217 currency of Metrc's amounts (Metrc sends bare numbers) */
    public MetrcMapper(ExtraFields extraFields, String currency) {
        this.extraFields = extraFields;
        this.currency = currency;
    }

    public MappedPage map(SourcePage page, String licenseNumber) {
        MetrcStream stream = MetrcStream.byConfigName(page.stream());
        List<CanonicalRecord> records = new ArrayList<>(page.records().size());
        List<RejectedRecord> rejects = new ArrayList<>();
        for (JsonNode raw : page.records()) {
            try {
                if (stream.canonicalType() == EntityType.LAB_RESULT) {
                    records.addAll(labResults(licenseNumber, raw));
                    continue;
                }
                records.add(map(stream, licenseNumber, raw));
            } catch (RecordRejectedException | IllegalArgumentException e) {
                rejects.add(new RejectedRecord(MetrcClient.SYSTEM, stream.configName(),
                        raw.path("Id").isValueNode() ? raw.get("Id").asText() : null, raw.toString(), e.getMessage()));
            }
        }
        return new MappedPage(MetrcClient.SYSTEM, stream.configName(), stream.canonicalType(), page.request().number(),
                records, rejects);
    }

    /** One record: its object read once (UpstreamObject), then mapped by its stream's type. */
    CanonicalRecord map(MetrcStream stream, String licenseNumber, JsonNode raw) {
        Map<String, JsonNode> attributes = extraFields.extract(MetrcClient.SYSTEM, stream.configName(), raw);
        UpstreamObject r = UpstreamObject.of(raw);
        return switch (stream.canonicalType()) {
            case INVENTORY_LOT -> lot(stream, licenseNumber, r, attributes);
            case PRODUCT -> product(stream, licenseNumber, r, attributes);
            case STRAIN -> strain(licenseNumber, r, attributes);
            case LOCATION -> location(licenseNumber, r, attributes);
            case HARVEST -> harvest(stream, licenseNumber, r, attributes);
            case PLANT_BATCH -> plantBatch(stream, licenseNumber, r, attributes);
            case PLANT -> plant(stream, licenseNumber, r, attributes);
            case SALES_RECEIPT -> salesReceipt(stream, licenseNumber, r, attributes);
            case TRANSFER -> transfer(licenseNumber, r, attributes);
            case LAB_RESULT -> throw new IllegalStateException("lab results map per package (labResults)");
            case UNIT_OF_MEASURE -> {
                String name = requiredText(r, "Name");
                yield new UnitOfMeasure(CanonicalRecord.canonicalId(EntityType.UNIT_OF_MEASURE, MetrcClient.SYSTEM, name),
                        new Provenance(MetrcClient.SYSTEM, name, null), name, text(r, "Abbreviation"),
                        text(r, "QuantityType"), true, null, attributes);
            }
            default -> throw new IllegalStateException("no mapping for " + stream);
        };
    }

    InventoryLot lot(MetrcStream stream, String licenseNumber, UpstreamObject r, Map<String, JsonNode> attributes) {
        String id = requiredText(r, "Id");
        String label = requiredText(r, "Label");
        String unit = requiredText(r, "UnitOfMeasureName");
        BigDecimal quantity = decimal(r, "Quantity");
        Map<String, String> compliance = new LinkedHashMap<>();
        putIfPresent(compliance, "LabTestingState", text(r, "LabTestingState"));
        putIfPresent(compliance, "LabTestingStateDate", text(r, "LabTestingStateDate"));
        putIfPresent(compliance, "PackageType", text(r, "PackageType"));
        putIfPresent(compliance, "PackagedDate", text(r, "PackagedDate"));
        return new InventoryLot(InventoryLot.canonicalIdFor(label, MetrcClient.SYSTEM, id),
                new Provenance(MetrcClient.SYSTEM, id, licenseNumber), label, text(r, "Item", "Id"),
                text(r, "ProductionBatchNumber"), text(r, "LocationId"), text(r, "LocationName"), stream.state(),
                quantity == null ? null : new Quantity(quantity, unit), null, null, null, date(r, "ExpirationDate"),
                bool(r, "IsTradeSample"), null, compliance, instant(r, "LastModified"), attributes);
    }

    Product product(MetrcStream stream, String licenseNumber, UpstreamObject r, Map<String, JsonNode> attributes) {
        String id = requiredText(r, "Id");
        return new Product(CanonicalRecord.canonicalId(EntityType.PRODUCT, MetrcClient.SYSTEM, id),
                new Provenance(MetrcClient.SYSTEM, id, licenseNumber), text(r, "Name"), null, text(r, "Description"),
                "active".equals(stream.state()), text(r, "ItemBrandName"), text(r, "ProductCategoryName"),
                text(r, "ProductCategoryType"), null, null, text(r, "StrainId"), text(r, "StrainName"),
                text(r, "UnitOfMeasureName"), null, null, null, List.of(), Map.of(), instant(r, "LastModified"), attributes);
    }

    Strain strain(String licenseNumber, UpstreamObject r, Map<String, JsonNode> attributes) {
        String id = requiredText(r, "Id");
        return new Strain(CanonicalRecord.canonicalId(EntityType.STRAIN, MetrcClient.SYSTEM, id),
                new Provenance(MetrcClient.SYSTEM, id, licenseNumber), text(r, "Name"), instant(r, "LastModified"), attributes);
    }

    Location location(String licenseNumber, UpstreamObject r, Map<String, JsonNode> attributes) {
        String id = requiredText(r, "Id");
        return new Location(CanonicalRecord.canonicalId(EntityType.LOCATION, MetrcClient.SYSTEM, id),
                new Provenance(MetrcClient.SYSTEM, id, licenseNumber), text(r, "Name"), null, null, null,
                instant(r, "LastModified"), attributes);
    }

    Harvest harvest(MetrcStream stream, String licenseNumber, UpstreamObject r, Map<String, JsonNode> attributes) {
        String id = requiredText(r, "Id");
        return new Harvest(CanonicalRecord.canonicalId(EntityType.HARVEST, MetrcClient.SYSTEM, id),
                new Provenance(MetrcClient.SYSTEM, id, licenseNumber), text(r, "Name"), text(r, "HarvestType"), stream.state(),
                text(r, "DryingLocationName"), integer(r, "PlantCount"), quantity(r, "TotalWetWeight", "UnitOfWeightName"),
                quantity(r, "CurrentWeight", "UnitOfWeightName"), quantity(r, "TotalWasteWeight", "UnitOfWeightName"), integer(r, "PackageCount"),
                date(r, "HarvestStartDate"), date(r, "FinishedDate"), instant(r, "LastModified"), attributes);
    }

    PlantBatch plantBatch(MetrcStream stream, String licenseNumber, UpstreamObject r, Map<String, JsonNode> attributes) {
        String id = requiredText(r, "Id");
        return new PlantBatch(CanonicalRecord.canonicalId(EntityType.PLANT_BATCH, MetrcClient.SYSTEM, id),
                new Provenance(MetrcClient.SYSTEM, id, licenseNumber), text(r, "Name"), text(r, "PlantBatchTypeName"),
                stream.state(), text(r, "StrainId"), text(r, "StrainName"), text(r, "LocationName"),
                integer(r, "UntrackedCount"), integer(r, "TrackedCount"), integer(r, "DestroyedCount"),
                date(r, "PlantedDate"), instant(r, "LastModified"), attributes);
    }

    Plant plant(MetrcStream stream, String licenseNumber, UpstreamObject r, Map<String, JsonNode> attributes) {
        String id = requiredText(r, "Id");
        return new Plant(CanonicalRecord.canonicalId(EntityType.PLANT, MetrcClient.SYSTEM, id),
                new Provenance(MetrcClient.SYSTEM, id, licenseNumber), text(r, "Label"), text(r, "GrowthPhase"),
                stream.state(), text(r, "PlantBatchId"), text(r, "PlantBatchName"), text(r, "StrainId"), text(r, "StrainName"),
                text(r, "LocationName"), date(r, "PlantedDate"), date(r, "VegetativeDate"), date(r, "FloweringDate"),
                date(r, "HarvestedDate"), date(r, "DestroyedDate"), instant(r, "LastModified"), attributes);
    }

    SalesReceipt salesReceipt(MetrcStream stream, String licenseNumber, UpstreamObject r, Map<String, JsonNode> attributes) {
        String id = requiredText(r, "Id");
        List<SalesReceipt.Line> lines = new ArrayList<>();
        JsonNode transactions = r.get("Transactions");
        if (transactions != null && !transactions.isNull()) {
            if (!transactions.isArray()) {
                throw new RecordRejectedException("Transactions: expected an array");
            }
            for (JsonNode line : transactions) {
                UpstreamObject t = UpstreamObject.of(line);
                lines.add(new SalesReceipt.Line(text(t, "PackageId"), text(t, "PackageLabel"), text(t, "ProductName"),
                        text(t, "ProductCategoryName"), quantity(t, "QuantitySold", "UnitOfMeasureName"),
                        money(decimal(t, "TotalAmount"))));
            }
        }
        String sold = text(r, "SalesDateTime");
        LocalDateTime soldAt;
        try {
            soldAt = sold == null ? null : LocalDateTime.parse(sold);
        } catch (DateTimeParseException e) {
            throw new RecordRejectedException("SalesDateTime: '" + sold + "' is not a local date and time");
        }
        return new SalesReceipt(CanonicalRecord.canonicalId(EntityType.SALES_RECEIPT, MetrcClient.SYSTEM, id),
                new Provenance(MetrcClient.SYSTEM, id, licenseNumber), text(r, "ReceiptNumber"),
                text(r, "ExternalReceiptNumber"), soldAt, text(r, "SalesCustomerType"), stream.state(),
                bool(r, "IsFinal"), integer(r, "TotalPackages"), money(decimal(r, "TotalPrice")), List.copyOf(lines),
                instant(r, "LastModified"), attributes);
    }

    /** The tests of one package's lab results (a package record of the labresults stream with its LabResults). */
    List<LabResult> labResults(String licenseNumber, JsonNode raw) {
        List<LabResult> out = new ArrayList<>();
        UpstreamObject p = UpstreamObject.of(raw);
        for (JsonNode result : array(p, "LabResults")) {
            UpstreamObject r = UpstreamObject.of(result);
            String resultId = requiredText(r, "LabTestResultId");
            String type = requiredText(r, "TestTypeName");
            String id = resultId + "/" + type;
            out.add(new LabResult(CanonicalRecord.canonicalId(EntityType.LAB_RESULT, MetrcClient.SYSTEM, id),
                    new Provenance(MetrcClient.SYSTEM, id, licenseNumber), resultId,
                    text(r, "PackageId") != null ? text(r, "PackageId") : text(p, "PackageId"),
                    text(r, "SourcePackageLabel") != null ? text(r, "SourcePackageLabel") : text(p, "Label"),
                    text(r, "LabFacilityLicenseNumber"), text(r, "LabFacilityName"), text(r, "ProductName"), type,
                    optionalBool(r, "TestPassed"), optionalBool(r, "OverallPassed"), decimal(r, "TestResultLevel"),
                    text(r, "TestComment"), date(r, "TestPerformedDate"), instant(r, "ResultReleaseDateTime"),
                    instant(r, "ExpirationDateTime"), date(r, "RevokedDate"), null,
                    extraFields.extract(MetrcClient.SYSTEM, MetrcStream.LAB_RESULTS.configName(), result)));
        }
        return out;
    }

    private static Boolean optionalBool(UpstreamObject r, String field) {
        JsonNode n = r.get(field);
        return n == null || n.isNull() ? null : bool(r, field);
    }

    Transfer transfer(String licenseNumber, UpstreamObject r, Map<String, JsonNode> attributes) {
        String id = requiredText(r, "Id");
        List<Transfer.Delivery> deliveries = new ArrayList<>();
        for (JsonNode delivery : array(r, "Deliveries")) {
            UpstreamObject d = UpstreamObject.of(delivery);
            List<Transfer.DeliveryPackage> packages = new ArrayList<>();
            for (JsonNode deliveryPackage : array(d, "Packages")) {
                UpstreamObject p = UpstreamObject.of(deliveryPackage);
                packages.add(new Transfer.DeliveryPackage(text(p, "PackageId"), text(p, "PackageLabel"), text(p, "ItemName"),
                        text(p, "ItemCategoryName"), text(p, "ShipmentPackageState"),
                        quantity(p, "ShippedQuantity", "ShippedUnitOfMeasureName"),
                        received(p)));
            }
            deliveries.add(new Transfer.Delivery(requiredText(d, "Id"), text(d, "RecipientFacilityLicenseNumber"),
                    text(d, "RecipientFacilityName"), local(d, "EstimatedDepartureDateTime"), local(d, "EstimatedArrivalDateTime"),
                    instant(d, "ReceivedDateTime"), integer(d, "DeliveryPackageCount"), integer(d, "DeliveryReceivedPackageCount"),
                    List.copyOf(packages)));
        }
        return new Transfer(CanonicalRecord.canonicalId(EntityType.TRANSFER, MetrcClient.SYSTEM, id),
                new Provenance(MetrcClient.SYSTEM, id, licenseNumber), text(r, "ManifestNumber"),
                text(r, "ShipperFacilityLicenseNumber"), text(r, "ShipperFacilityName"),
                text(r, "TransporterFacilityLicenseNumber"), text(r, "TransporterFacilityName"), text(r, "ShipmentTypeName"),
                integer(r, "PackageCount"), integer(r, "ReceivedPackageCount"), bool(r, "IsVoided"),
                instant(r, "CreatedDateTime"), List.copyOf(deliveries), instant(r, "LastModified"), attributes);
    }

    private static Iterable<JsonNode> array(UpstreamObject node, String field) {
        JsonNode a = node.get(field);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new RecordRejectedException(field + ": expected an array");
        }
        return a;
    }

    /** An amount with its unit field; an amount without a unit is a mapping error, never a guess. */
    private static Quantity quantity(UpstreamObject r, String amountField, String unitField) {
        BigDecimal amount = decimal(r, amountField);
        if (amount == null) {
            return null;
        }
        String unit = text(r, unitField);
        if (unit == null || unit.isBlank()) {
            throw new RecordRejectedException(amountField + ": " + amount + " without " + unitField);
        }
        return new Quantity(amount, unit);
    }

    /**
     * What a delivery package's recipient received; null while it is not received: {@code ReceivedQuantity} null, or 0
     * without a unit (Metrc's placeholder before receipt). A quantity above 0 without its unit is still a broken record.
     */
    private static Quantity received(UpstreamObject p) {
        BigDecimal amount = decimal(p, "ReceivedQuantity");
        String unit = text(p, "ReceivedUnitOfMeasureName");
        if (amount == null || (amount.signum() == 0 && (unit == null || unit.isBlank()))) {
            return null;
        }
        return quantity(p, "ReceivedQuantity", "ReceivedUnitOfMeasureName");
    }

    /** A Metrc date-time without an offset (the facility's local time), kept as such. */
    private static LocalDateTime local(UpstreamObject r, String field) {
        String t = text(r, field);
        if (t == null || t.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(t.endsWith("Z") ? t.substring(0, t.length() - 1) : t);
        } catch (DateTimeParseException e) {
            throw new RecordRejectedException(field + ": '" + t + "' is not a local date and time");
        }
    }

    private Money money(BigDecimal amount) {
        return amount == null ? null : new Money(amount, currency);
    }

    private static Integer integer(UpstreamObject r, String field) {
        BigDecimal d = decimal(r, field);
        if (d == null) {
            return null;
        }
        try {
            return d.intValueExact();
        } catch (ArithmeticException e) {
            throw new RecordRejectedException(field + ": " + d + " is not a whole number");
        }
    }

    /** Metrc dates are {@code YYYY-MM-DD} or full ISO-8601; a date is its start of day, UTC. */
    static Instant date(UpstreamObject r, String field) {
        String t = text(r, field);
        if (t == null || t.isBlank()) {
            return null;
        }
        if (t.length() == 10) {
            try {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new RecordRejectedException(field + ": '" + t + "' is not a date (YYYY-MM-DD)");
            }
        }
        return instant(r, field);
    }

    private static void putIfPresent(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
