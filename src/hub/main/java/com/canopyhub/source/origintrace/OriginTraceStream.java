package com.canopyhub.source.origintrace;

import com.canopyhub.canonical.EntityType;
import java.util.Arrays;
import java.util.List;

/**
 * OriginTrace's collections as ../shared/reference/origintrace-api.txt documents them: path, the status filter
 * parameter and its documented values, and the canonical type. No collection has a modification filter or a documented
 * order, so each is a snapshot read whole every pass.
 */
public enum OriginTraceStream {
    FARMS("farms", "/api/v1/farms", "compliance_status", List.of("pending", "approved", "rejected"), EntityType.FARM),
    BATCHES("batches", "/api/v1/batches", "status", List.of("collecting", "completed", "aggregated", "shipped"), EntityType.COLLECTION_BATCH),
    SHIPMENTS("shipments", "/api/v1/shipments", "status", List.of("draft", "ready", "shipped", "cancelled"), EntityType.SHIPMENT);

    /** The reference's maximum {@code limit} ("default: 100, max: 500"): the fewest requests per pass. */
    public static final int PAGE_SIZE = 500;

    private final String configName;
    private final String path;
    private final String statusParameter;
    private final List<String> statuses;
    private final EntityType canonicalType;

    OriginTraceStream(String configName, String path, String statusParameter, List<String> statuses, EntityType canonicalType) {
        this.configName = configName;
        this.path = path;
        this.statusParameter = statusParameter;
        this.statuses = statuses;
        this.canonicalType = canonicalType;
    }

    public String configName() {
        return configName;
    }

    public String path() {
        return path;
    }

    public String statusParameter() {
        return statusParameter;
    }

    public List<String> statuses() {
        return statuses;
    }

    public EntityType canonicalType() {
        return canonicalType;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(OriginTraceStream::configName).toList();
    }

    public static OriginTraceStream of(String name) {
        return Arrays.stream(values()).filter(s -> s.configName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown OriginTrace stream '" + name + "' (known: " + names() + ")"));
    }
}
