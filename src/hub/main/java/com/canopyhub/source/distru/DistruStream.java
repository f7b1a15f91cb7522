package com.canopyhub.source.distru;

import com.canopyhub.canonical.EntityType;
import java.util.Arrays;
import java.util.List;

/**
 * The Distru collections the hub reads, with the fixed page size each endpoint documents
 * (../shared/reference/distru-api.txt) and whether it can be filtered by {@code updated_datetime}.
 */
public enum DistruStream {
    STRAINS("strains", "/public/v1/strains", 50_000, true, EntityType.STRAIN, List.of()),
    COMPANIES("companies", "/public/v1/companies", 5_000, true, EntityType.COMPANY, List.of()),
    LOCATIONS("locations", "/public/v1/locations", 1_000, true, EntityType.LOCATION, List.of()),
    PRODUCTS("products", "/public/v1/products", 5_000, true, EntityType.PRODUCT, List.of()),
    BATCHES("batches", "/public/v1/batches", 5_000, true, EntityType.BATCH, List.of()),
    PACKAGES("packages", "/public/v1/packages", 5_000, true, EntityType.INVENTORY_LOT, List.of()),
    /** No date filter upstream: every sync reads the full snapshot and change detection keeps writes to the changes. */
    INVENTORY("inventory", "/public/v1/inventory", 5_000, false, EntityType.STOCK_LEVEL,
            List.of("grouping[]=PRODUCT", "grouping[]=LOCATION", "grouping[]=BATCH_NUMBER")),
    ORDERS("orders", "/public/v1/orders", 500, true, EntityType.ORDER, List.of());

    private final String configName;
    private final String path;
    private final int pageSize;
    private final boolean incremental;
    private final EntityType canonicalType;
    private final List<String> fixedQuery;

    DistruStream(String configName, String path, int pageSize, boolean incremental, EntityType canonicalType,
                 List<String> fixedQuery) {
        this.configName = configName;
        this.path = path;
        this.pageSize = pageSize;
        this.incremental = incremental;
        this.canonicalType = canonicalType;
        this.fixedQuery = fixedQuery;
    }

    /** Name used in config ({@code hub.distru.streams}), cursors and run summaries. */
    public String configName() {
        return configName;
    }

    public String path() {
        return path;
    }

    public int pageSize() {
        return pageSize;
    }

    public boolean incremental() {
        return incremental;
    }

    public EntityType canonicalType() {
        return canonicalType;
    }

    /** Query parameters sent with every page (already URL-safe apart from the brackets). */
    public List<String> fixedQuery() {
        return fixedQuery;
    }

    public static DistruStream byConfigName(String name) {
        return Arrays.stream(values()).filter(e -> e.configName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown Distru entity '" + name + "'"));
    }
}
