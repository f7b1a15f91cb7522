package com.canopyhub.store;

import static com.canopyhub.store.Column.bool;
import static com.canopyhub.store.Column.date;
import static com.canopyhub.store.Column.integer;
import static com.canopyhub.store.Column.jsonb;
import static com.canopyhub.store.Column.numeric;
import static com.canopyhub.store.Column.text;
import static com.canopyhub.store.Column.timestamp;
import static com.canopyhub.store.Column.uuid;

import com.canopyhub.canonical.Batch;
import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.CollectionBatch;
import com.canopyhub.canonical.Company;
import com.canopyhub.canonical.Farm;
import com.canopyhub.canonical.Shipment;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Harvest;
import com.canopyhub.canonical.InventoryLot;
import com.canopyhub.canonical.LabResult;
import com.canopyhub.canonical.Location;
import com.canopyhub.canonical.Money;
import com.canopyhub.canonical.Order;
import com.canopyhub.canonical.OrderLine;
import com.canopyhub.canonical.Plant;
import com.canopyhub.canonical.PlantBatch;
import com.canopyhub.canonical.Product;
import com.canopyhub.canonical.Quantity;
import com.canopyhub.canonical.SalesReceipt;
import com.canopyhub.canonical.StockLevel;
import com.canopyhub.canonical.Strain;
import com.canopyhub.canonical.Transfer;
import com.canopyhub.canonical.UnitOfMeasure;
import com.canopyhub.engine.changes.Change;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** How each canonical stream maps onto its reporting table (docs/reporting-schema.md). */
final class ReportingTables {

    private static final List<String> KEY = List.of("source_system", "source_id");

    /** One order line with its order, as a row of {@code reporting.order_lines}. */
    record LineRow(Order order, OrderLine line, String contentHash) {
    }

    static final TableSpec<LineRow> ORDER_LINES = new TableSpec<>("order_lines", KEY, List.of(
            text("source_system", l -> l.order().provenance().sourceSystem()),
            text("source_id", l -> l.line().sourceId()),
            uuid("canonical_id", l -> l.line().canonicalId()),
            text("order_source_id", l -> l.order().provenance().sourceId()),
            uuid("order_canonical_id", l -> l.order().canonicalId()),
            text("content_hash", LineRow::contentHash),
            text("product_source_id", l -> l.line().productSourceId()),
            text("product_name", l -> l.line().productName()),
            text("sku", l -> l.line().sku()),
            text("batch_source_id", l -> l.line().batchSourceId()),
            text("batch_number", l -> l.line().batchNumber()),
            text("package_label", l -> l.line().packageLabel()),
            text("location_source_id", l -> l.line().locationSourceId()),
            numeric("quantity", l -> amount(l.line().quantity())),
            numeric("returned_quantity", l -> amount(l.line().returnedQuantity())),
            text("quantity_unit", l -> unit(l.line().quantity())),
            numeric("unit_price", l -> amount(l.line().unitPrice())),
            numeric("unit_price_base", l -> amount(l.line().unitPriceBase())),
            text("currency", l -> currency(l.line().unitPrice(), l.line().unitPriceBase()))));

    static final Map<EntityType, TableSpec<Change>> BY_TYPE = new EnumMap<>(EntityType.class);

    static {
        BY_TYPE.put(EntityType.STRAIN, spec(EntityType.STRAIN, Strain.class, Strain::sourceUpdatedAt, List.of(
                text("name", Strain::name))));
        BY_TYPE.put(EntityType.COMPANY, spec(EntityType.COMPANY, Company.class, Company::sourceUpdatedAt, List.of(
                text("name", Company::name),
                text("legal_name", Company::legalName),
                text("category", Company::category),
                text("relationship_type", Company::relationshipType),
                text("email", Company::email),
                text("phone", Company::phone),
                text("website", Company::website),
                jsonb("license_numbers", Company::licenseNumbers, "[]"),
                jsonb("custom_data", Company::customData, "{}"))));
        BY_TYPE.put(EntityType.LOCATION, spec(EntityType.LOCATION, Location.class, Location::sourceUpdatedAt, List.of(
                text("name", Location::name),
                text("address", Location::address),
                text("company_source_id", Location::companySourceId),
                text("license_source_id", Location::licenseSourceId))));
        BY_TYPE.put(EntityType.PRODUCT, spec(EntityType.PRODUCT, Product.class, Product::sourceUpdatedAt, List.of(
                text("name", Product::name),
                text("sku", Product::sku),
                text("description", Product::description),
                bool("active", Product::active),
                text("brand_name", Product::brandName),
                text("category_name", Product::categoryName),
                text("category_type", Product::categoryType),
                text("subcategory_name", Product::subcategoryName),
                text("vendor_name", Product::vendorName),
                text("strain_source_id", Product::strainSourceId),
                text("strain_name", Product::strainName),
                text("unit_of_measure", Product::unitOfMeasure),
                numeric("unit_price", p -> amount(p.unitPrice())),
                numeric("msrp", p -> amount(p.msrp())),
                text("currency", p -> currency(p.unitPrice(), p.msrp())),
                numeric("units_per_case", Product::unitsPerCase),
                jsonb("image_urls", Product::imageUrls, "[]"),
                jsonb("custom_data", Product::customData, "{}"))));
        BY_TYPE.put(EntityType.BATCH, spec(EntityType.BATCH, Batch.class, Batch::sourceUpdatedAt, List.of(
                text("name", Batch::name),
                text("batch_number", Batch::batchNumber),
                text("product_source_id", Batch::productSourceId),
                text("description", Batch::description),
                timestamp("expires_at", Batch::expiresAt),
                text("owner_source_id", Batch::ownerSourceId),
                jsonb("test_result", Batch::testResult, null),
                jsonb("custom_data", Batch::customData, "{}"))));
        BY_TYPE.put(EntityType.INVENTORY_LOT, spec(EntityType.INVENTORY_LOT, InventoryLot.class, InventoryLot::sourceUpdatedAt, List.of(
                text("label", InventoryLot::label),
                text("product_source_id", InventoryLot::productSourceId),
                text("batch_number", InventoryLot::batchNumber),
                text("location_source_id", InventoryLot::locationSourceId),
                text("location_name", InventoryLot::locationName),
                text("status", InventoryLot::status),
                numeric("quantity", l -> amount(l.quantity())),
                numeric("quantity_available", l -> amount(l.quantityAvailable())),
                numeric("quantity_assembling", l -> amount(l.quantityAssembling())),
                text("quantity_unit", l -> unit(l.quantity())),
                numeric("product_unit_quantity", l -> amount(l.productUnitQuantity())),
                text("product_unit", l -> unit(l.productUnitQuantity())),
                timestamp("expires_at", InventoryLot::expiresAt),
                bool("trade_sample", InventoryLot::tradeSample),
                jsonb("test_result", InventoryLot::testResult, null),
                jsonb("custom_data", InventoryLot::customData, "{}"))));
        BY_TYPE.put(EntityType.STOCK_LEVEL, spec(EntityType.STOCK_LEVEL, StockLevel.class, StockLevel::sourceUpdatedAt, List.of(
                text("product_source_id", StockLevel::productSourceId),
                text("location_source_id", StockLevel::locationSourceId),
                text("batch_number", StockLevel::batchNumber),
                numeric("active_quantity", s -> amount(s.active())),
                numeric("available_quantity", s -> amount(s.available())),
                text("quantity_unit", s -> unit(s.active())))));
        BY_TYPE.put(EntityType.ORDER, spec(EntityType.ORDER, Order.class, Order::sourceUpdatedAt, List.of(
                text("order_number", Order::orderNumber),
                text("status", Order::status),
                text("customer_source_id", Order::customerSourceId),
                text("customer_name", Order::customerName),
                text("billing_location_source_id", Order::billingLocationSourceId),
                text("shipping_location_source_id", Order::shippingLocationSourceId),
                timestamp("ordered_at", Order::orderedAt),
                timestamp("due_at", Order::dueAt),
                timestamp("delivery_at", Order::deliveryAt),
                timestamp("created_at", Order::createdAt),
                numeric("total", o -> amount(o.total())),
                text("currency", o -> currency(o.total(), null)),
                text("internal_notes", Order::internalNotes),
                integer("line_count", o -> o.lines().size()),
                jsonb("custom_data", Order::customData, "{}"))));
    }

    static {
        BY_TYPE.put(EntityType.HARVEST, spec(EntityType.HARVEST, Harvest.class, Harvest::sourceUpdatedAt, List.of(
                text("name", Harvest::name),
                text("harvest_type", Harvest::harvestType),
                text("state", Harvest::state),
                text("drying_location_name", Harvest::dryingLocationName),
                integer("plant_count", Harvest::plantCount),
                numeric("wet_weight", h -> amount(h.wetWeight())),
                numeric("current_weight", h -> amount(h.currentWeight())),
                numeric("waste_weight", h -> amount(h.wasteWeight())),
                text("weight_unit", h -> unit(h.wetWeight() != null ? h.wetWeight() : h.currentWeight())),
                integer("package_count", Harvest::packageCount),
                timestamp("started_at", Harvest::startedAt),
                timestamp("finished_at", Harvest::finishedAt))));
        BY_TYPE.put(EntityType.PLANT_BATCH, spec(EntityType.PLANT_BATCH, PlantBatch.class, PlantBatch::sourceUpdatedAt, List.of(
                text("name", PlantBatch::name),
                text("batch_type", PlantBatch::batchType),
                text("state", PlantBatch::state),
                text("strain_source_id", PlantBatch::strainSourceId),
                text("strain_name", PlantBatch::strainName),
                text("location_name", PlantBatch::locationName),
                integer("untracked_count", PlantBatch::untrackedCount),
                integer("tracked_count", PlantBatch::trackedCount),
                integer("destroyed_count", PlantBatch::destroyedCount),
                timestamp("planted_at", PlantBatch::plantedAt))));
        BY_TYPE.put(EntityType.PLANT, spec(EntityType.PLANT, Plant.class, Plant::sourceUpdatedAt, List.of(
                text("label", Plant::label),
                text("growth_phase", Plant::growthPhase),
                text("state", Plant::state),
                text("plant_batch_source_id", Plant::plantBatchSourceId),
                text("plant_batch_name", Plant::plantBatchName),
                text("strain_source_id", Plant::strainSourceId),
                text("strain_name", Plant::strainName),
                text("location_name", Plant::locationName),
                timestamp("planted_at", Plant::plantedAt),
                timestamp("vegetative_at", Plant::vegetativeAt),
                timestamp("flowering_at", Plant::floweringAt),
                timestamp("harvested_at", Plant::harvestedAt),
                timestamp("destroyed_at", Plant::destroyedAt))));
    }

    static {
        BY_TYPE.put(EntityType.SALES_RECEIPT, spec(EntityType.SALES_RECEIPT, SalesReceipt.class, SalesReceipt::sourceUpdatedAt, List.of(
                text("receipt_number", SalesReceipt::receiptNumber),
                text("external_receipt_number", SalesReceipt::externalReceiptNumber),
                Column.localTimestamp("sold_at_local", SalesReceipt::soldAtLocal),
                text("customer_type", SalesReceipt::customerType),
                text("state", SalesReceipt::state),
                bool("is_final", SalesReceipt::isFinal),
                integer("total_packages", SalesReceipt::totalPackages),
                numeric("total_price", r -> amount(r.totalPrice())),
                text("currency", r -> currency(r.totalPrice(), null)),
                integer("line_count", r -> r.lines().size()),
                jsonb("lines", SalesReceipt::lines, "[]"))));
    }

    static {
        BY_TYPE.put(EntityType.TRANSFER, spec(EntityType.TRANSFER, Transfer.class, Transfer::sourceUpdatedAt, List.of(
                text("manifest_number", Transfer::manifestNumber),
                text("shipper_license_number", Transfer::shipperLicenseNumber),
                text("shipper_name", Transfer::shipperName),
                text("transporter_license_number", Transfer::transporterLicenseNumber),
                text("transporter_name", Transfer::transporterName),
                text("shipment_type_name", Transfer::shipmentTypeName),
                integer("package_count", Transfer::packageCount),
                integer("received_package_count", Transfer::receivedPackageCount),
                bool("voided", Transfer::voided),
                timestamp("created_at", Transfer::createdAt),
                integer("delivery_count", t -> t.deliveries().size()),
                jsonb("deliveries", Transfer::deliveries, "[]"))));
    }

    static {
        BY_TYPE.put(EntityType.LAB_RESULT, spec(EntityType.LAB_RESULT, LabResult.class, LabResult::sourceUpdatedAt, List.of(
                text("lab_test_result_id", LabResult::labTestResultId),
                text("package_source_id", LabResult::packageSourceId),
                text("package_label", LabResult::packageLabel),
                text("lab_license_number", LabResult::labLicenseNumber),
                text("lab_name", LabResult::labName),
                text("product_name", LabResult::productName),
                text("test_type_name", LabResult::testTypeName),
                bool("test_passed", LabResult::testPassed),
                bool("overall_passed", LabResult::overallPassed),
                numeric("result_level", LabResult::resultLevel),
                text("comment", LabResult::comment),
                timestamp("test_performed_at", LabResult::testPerformedAt),
                timestamp("released_at", LabResult::releasedAt),
                timestamp("expires_at", LabResult::expiresAt),
                timestamp("revoked_at", LabResult::revokedAt))));
    }

    static {
        BY_TYPE.put(EntityType.UNIT_OF_MEASURE, spec(EntityType.UNIT_OF_MEASURE, UnitOfMeasure.class,
                UnitOfMeasure::sourceUpdatedAt, List.of(
                        text("name", UnitOfMeasure::name),
                        text("abbreviation", UnitOfMeasure::abbreviation),
                        text("quantity_type", UnitOfMeasure::quantityType),
                        bool("active", UnitOfMeasure::active))));
    }

    static {
        BY_TYPE.put(EntityType.FARM, spec(EntityType.FARM, Farm.class, f -> null, List.of(
                text("farmer_name", Farm::farmerName),
                text("farmer_id", Farm::farmerId),
                text("farmer_phone", Farm::farmerPhone),
                text("community", Farm::community),
                numeric("area_hectares", Farm::areaHectares),
                text("commodity", Farm::commodity),
                text("compliance_status", Farm::complianceStatus),
                timestamp("created_at", Farm::createdAt))));
        BY_TYPE.put(EntityType.COLLECTION_BATCH, spec(EntityType.COLLECTION_BATCH, CollectionBatch.class, b -> null, List.of(
                text("farm_source_id", CollectionBatch::farmSourceId),
                text("agent_id", CollectionBatch::agentId),
                text("status", CollectionBatch::status),
                numeric("total_weight", b -> amount(b.totalWeight())),
                text("weight_unit", b -> unit(b.totalWeight())),
                integer("bag_count", CollectionBatch::bagCount),
                text("notes", CollectionBatch::notes),
                timestamp("collected_at", CollectionBatch::collectedAt),
                timestamp("created_at", CollectionBatch::createdAt))));
        BY_TYPE.put(EntityType.SHIPMENT, spec(EntityType.SHIPMENT, Shipment.class, s -> null, List.of(
                text("shipment_code", Shipment::shipmentCode),
                text("status", Shipment::status),
                text("destination_country", Shipment::destinationCountry),
                text("destination_country_code", Shipment::destinationCountryCode),
                text("destination_port", Shipment::destinationPort),
                text("buyer_company", Shipment::buyerCompany),
                text("commodity", Shipment::commodity),
                numeric("total_weight_kg", s -> amount(s.totalWeight())),
                integer("total_items", Shipment::totalItems),
                integer("readiness_score", Shipment::readinessScore),
                text("readiness_decision", Shipment::readinessDecision),
                date("estimated_ship_date", Shipment::estimatedShipDate),
                timestamp("created_at", Shipment::createdAt))));
    }

    private ReportingTables() {
    }

    /** The common columns every reporting table has, then the stream's own. */
    private static <R extends CanonicalRecord> TableSpec<Change> spec(EntityType type, Class<R> recordType,
                                                                      Function<R, Instant> sourceUpdatedAt,
                                                                      List<Column<R>> own) {
        List<Column<Change>> cols = new ArrayList<>(List.of(
                text("source_system", c -> c.record().provenance().sourceSystem()),
                text("source_id", c -> c.record().provenance().sourceId()),
                uuid("canonical_id", c -> c.record().canonicalId()),
                text("license_number", c -> c.record().provenance().licenseNumber()),
                text("content_hash", Change::newHash),
                timestamp("source_updated_at", c -> sourceUpdatedAt.apply(recordType.cast(c.record()))),
                jsonb("attributes", c -> c.record().attributes(), "{}"),
                // a record that is written is there upstream: a deleted one that came back is restored
                timestamp("deleted_at", c -> null)));
        for (Column<R> col : own) {
            cols.add(col.from(c -> recordType.cast(c.record())));
        }
        return new TableSpec<>(type.table(), KEY, cols);
    }

    private static BigDecimal amount(Quantity q) {
        return q == null ? null : q.amount();
    }

    private static BigDecimal amount(Money m) {
        return m == null ? null : m.amount();
    }

    private static String unit(Quantity q) {
        return q == null ? null : q.unit();
    }

    private static String currency(Money a, Money b) {
        return a != null ? a.currency() : b != null ? b.currency() : null;
    }
}
