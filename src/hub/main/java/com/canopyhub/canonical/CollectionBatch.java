package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A collection batch of a commodity supply chain (OriginTrace): produce an agent collected from one farm, in bags.
 *
 * @param farmSourceId the farm's id in the same source (its {@link Farm}'s source id)
 * @param totalWeight  exact as sent, in {@link #WEIGHT_UNIT}: the reference gives the field no unit, its shipments'
 *                     weights are in kg ({@code total_weight_kg}), and a batch's weight adds up into a shipment's,
 *                     so the hub reads it as kilograms (docs/canonical-model.md)
 * @param status       collecting, completed, aggregated or shipped (as documented)
 */
public record CollectionBatch(UUID canonicalId, Provenance provenance, String farmSourceId, String agentId, String status,
                              Quantity totalWeight, Integer bagCount, String notes, Instant collectedAt, Instant createdAt,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {

    public static final String WEIGHT_UNIT = "kg";

    @Override
    public EntityType entityType() {
        return EntityType.COLLECTION_BATCH;
    }
}
