package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** On-hand stock of a product at a location (and batch, where tracked): active and available amounts. */
public record StockLevel(UUID canonicalId, Provenance provenance, String productSourceId, String locationSourceId,
                         String batchNumber, Quantity active, Quantity available, Instant sourceUpdatedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.STOCK_LEVEL;
    }
}
