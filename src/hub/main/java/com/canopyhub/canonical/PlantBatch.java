package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A batch of untracked young plants (seeds, clones) as Metrc tracks it.
 *
 * @param state active or inactive
 */
public record PlantBatch(UUID canonicalId, Provenance provenance, String name, String batchType, String state,
                         String strainSourceId, String strainName, String locationName, Integer untrackedCount,
                         Integer trackedCount, Integer destroyedCount, Instant plantedAt, Instant sourceUpdatedAt,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.PLANT_BATCH;
    }
}
