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

    /**
     * The identity rule of a physical lot: a lot with a compliance label (the Metrc package tag) is identified by
     * that label, whichever system reports it, so a Distru package and the Metrc package with the same label are
     * one lot with one canonical id; a lot without a label is identified by its source and source id.
     */
    public static UUID canonicalIdFor(String label, String sourceSystem, String sourceId) {
        if (label != null && !label.isBlank()) {
            return UUID.nameUUIDFromBytes(("INVENTORY_LOT:label:" + label.trim()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return CanonicalRecord.canonicalId(EntityType.INVENTORY_LOT, sourceSystem, sourceId);
    }
}
