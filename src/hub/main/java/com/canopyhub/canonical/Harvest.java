package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A harvest (a drying batch of cut plants) as Metrc tracks it. Weights are exact in the harvest's unit of weight.
 *
 * @param state active, inactive (finished) or onhold
 */
public record Harvest(UUID canonicalId, Provenance provenance, String name, String harvestType, String state,
                      String dryingLocationName, Integer plantCount, Quantity wetWeight, Quantity currentWeight,
                      Quantity wasteWeight, Integer packageCount, Instant startedAt, Instant finishedAt,
                      Instant sourceUpdatedAt,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.HARVEST;
    }
}
