package com.canopyhub.source.metrc;

import com.canopyhub.canonical.EntityType;
import com.canopyhub.engine.spi.Windowing;
import java.util.Arrays;
import java.util.List;

/**
 * The Metrc v2 list endpoints the hub reads, one stream each, per licence. All take {@code lastModifiedStart/End}
 * (both bounds, at most 24 h apart: {@link Windowing#CLOSED}) and {@code pageNumber}/{@code pageSize} (at most 20).
 * A package moving from active to inactive appears in the inactive stream with a new LastModified, so each state
 * keeps its own cursor.
 */
public enum MetrcStream {
    PACKAGES_ACTIVE("packages.active", "/packages/v2/active", EntityType.INVENTORY_LOT, "active", LicenceKind.ANY),
    PACKAGES_INACTIVE("packages.inactive", "/packages/v2/inactive", EntityType.INVENTORY_LOT, "inactive", LicenceKind.ANY),
    PACKAGES_ONHOLD("packages.onhold", "/packages/v2/onhold", EntityType.INVENTORY_LOT, "onhold", LicenceKind.ANY),
    PACKAGES_INTRANSIT("packages.intransit", "/packages/v2/intransit", EntityType.INVENTORY_LOT, "intransit", LicenceKind.ANY),
    ITEMS_ACTIVE("items.active", "/items/v2/active", EntityType.PRODUCT, "active", LicenceKind.ANY),
    ITEMS_INACTIVE("items.inactive", "/items/v2/inactive", EntityType.PRODUCT, "inactive", LicenceKind.ANY),
    /** Every licence: the items of any licence name strains (a dispensary's items too). */
    STRAINS_ACTIVE("strains.active", "/strains/v2/active", EntityType.STRAIN, "active", LicenceKind.ANY),
    LOCATIONS_ACTIVE("locations.active", "/locations/v2/active", EntityType.LOCATION, "active", LicenceKind.ANY),
    HARVESTS_ACTIVE("harvests.active", "/harvests/v2/active", EntityType.HARVEST, "active", LicenceKind.GROWER),
    HARVESTS_INACTIVE("harvests.inactive", "/harvests/v2/inactive", EntityType.HARVEST, "inactive", LicenceKind.GROWER),
    HARVESTS_ONHOLD("harvests.onhold", "/harvests/v2/onhold", EntityType.HARVEST, "onhold", LicenceKind.GROWER),
    PLANTBATCHES_ACTIVE("plantbatches.active", "/plantbatches/v2/active", EntityType.PLANT_BATCH, "active", LicenceKind.GROWER),
    PLANTBATCHES_INACTIVE("plantbatches.inactive", "/plantbatches/v2/inactive", EntityType.PLANT_BATCH, "inactive", LicenceKind.GROWER),
    PLANTS_VEGETATIVE("plants.vegetative", "/plants/v2/vegetative", EntityType.PLANT, "vegetative", LicenceKind.GROWER),
    PLANTS_FLOWERING("plants.flowering", "/plants/v2/flowering", EntityType.PLANT, "flowering", LicenceKind.GROWER),
    PLANTS_INACTIVE("plants.inactive", "/plants/v2/inactive", EntityType.PLANT, "inactive", LicenceKind.GROWER),
    SALES_RECEIPTS_ACTIVE("salesreceipts.active", "/sales/v2/receipts/active", EntityType.SALES_RECEIPT, "active", LicenceKind.SELLER),
    SALES_RECEIPTS_INACTIVE("salesreceipts.inactive", "/sales/v2/receipts/inactive", EntityType.SALES_RECEIPT, "inactive", LicenceKind.SELLER),
    TRANSFERS_INCOMING("transfers.incoming", "/transfers/v2/incoming", EntityType.TRANSFER, "incoming", LicenceKind.ANY),
    TRANSFERS_OUTGOING("transfers.outgoing", "/transfers/v2/outgoing", EntityType.TRANSFER, "outgoing", LicenceKind.ANY),
    TRANSFERS_REJECTED("transfers.rejected", "/transfers/v2/rejected", EntityType.TRANSFER, "rejected", LicenceKind.ANY),
    /**
     * Lab results of the licence's packages whose LabTestingStateDate falls in the slice (their lab state changed),
     * asked by package id (GET /labtests/v2/results?packageId=…), only for those: read after the packages streams.
     */
    LAB_RESULTS("labresults", "/labtests/v2/results", EntityType.LAB_RESULT, "changed", LicenceKind.ANY),
    /** Metrc's units of measure: a bare list without licence, filter or paging, read whole (a snapshot). */
    UNITS_OF_MEASURE("unitsofmeasure.active", "/unitsofmeasure/v2/active", EntityType.UNIT_OF_MEASURE, "active", LicenceKind.ANY);

    /**
     * Which licences have a stream, from the facility's {@code FacilityType} flags (GET /facilities/v2/), never from the
     * licence type's text ("Microbusiness" names no activity; "Retail Marijuana Cultivation Facility" reads as both):
     * plants, plant batches and harvests where {@code CanGrowPlants}; sales receipts where the facility may sell
     * ({@code CanSellToConsumers}, {@code CanSellToPatients}, {@code CanSellToCaregivers} or
     * {@code CanDeliverSalesToConsumers}); the rest for every licence. {@code IsRetail} means adult-use, not a shop,
     * and is not read.
     */
    enum LicenceKind { ANY, GROWER, SELLER }

    private final String configName;
    private final String path;
    private final EntityType canonicalType;
    private final String state;
    private final LicenceKind licences;

    MetrcStream(String configName, String path, EntityType canonicalType, String state, LicenceKind licences) {
        this.configName = configName;
        this.path = path;
        this.canonicalType = canonicalType;
        this.state = state;
        this.licences = licences;
    }

    /** The stream's name in config ({@code hub.metrc.streams}), cursors and runs, e.g. {@code packages.active}. */
    public String configName() {
        return configName;
    }

    public String path() {
        return path;
    }

    public EntityType canonicalType() {
        return canonicalType;
    }

    /** The record state this endpoint lists (active, inactive, onhold, intransit). */
    public String state() {
        return state;
    }

    /**
     * {@link Windowing#SNAPSHOT} for the endpoints without a time filter, read once per pass: units of measure, and
     * {@code /items/v2/inactive} and {@code /transfers/v2/rejected}, whose v2 examples list only licenseNumber,
     * pageNumber and pageSize (metrc-v2-examples Items/GetInactiveItems.bru, Transfers/GetRejectedTransfers.bru). The
     * others take lastModifiedStart/End: {@link Windowing#CLOSED}.
     */
    public Windowing windowing() {
        return this == UNITS_OF_MEASURE || this == ITEMS_INACTIVE || this == TRANSFERS_REJECTED
                ? Windowing.SNAPSHOT : Windowing.CLOSED;
    }

    /** Whether a facility with these {@code FacilityType} flags has the stream; null flags (unknown): every stream. */
    public boolean availableTo(MetrcClient.Facility facility) {
        if (facility == null || !facility.flagsKnown()) {
            return true;
        }
        return switch (licences) {
            case ANY -> true;
            case GROWER -> facility.canGrowPlants();
            case SELLER -> facility.canSell();
        };
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(MetrcStream::configName).toList();
    }

    public static MetrcStream byConfigName(String name) {
        return Arrays.stream(values()).filter(s -> s.configName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown Metrc stream '" + name + "'"));
    }
}
