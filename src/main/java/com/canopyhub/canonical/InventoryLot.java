package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A physical, compliance-tracked unit of inventory: a Distru package, a Metrc package.
 * {@code label} is the compliance tag (e.g. the Metrc package label) that links systems.
 */
public record InventoryLot(UUID canonicalId, Provenance provenance, String label, String productSourceId,
                           String batchNumber, String locationSourceId, String locationName, String status,
                           Quantity quantity, Quantity quantityAvailable, Quantity quantityAssembling,
                           Quantity productUnitQuantity, Instant expiresAt, boolean tradeSample,
                           TestResult testResult, Map<String, String> customData, Instant sourceUpdatedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.INVENTORY_LOT;
    }
}
