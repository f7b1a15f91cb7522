package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A tagged plant as Metrc tracks it; {@code label} is its plant tag.
 *
 * @param growthPhase Vegetative, Flowering, ... as Metrc states it
 * @param state       vegetative, flowering or inactive: the endpoint it was read from
 */
public record Plant(UUID canonicalId, Provenance provenance, String label, String growthPhase, String state,
                    String plantBatchSourceId, String plantBatchName, String strainSourceId, String strainName,
                    String locationName, Instant plantedAt, Instant vegetativeAt, Instant floweringAt, Instant harvestedAt,
                    Instant destroyedAt, Instant sourceUpdatedAt,
                    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.PLANT;
    }
}
