package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A unit of measure Metrc allows (Grams, Ounces, Each, ...): the names Metrc quantities carry. Global, not per
 * licence (provenance has no licence); sourceId = its name.
 */
public record UnitOfMeasure(UUID canonicalId, Provenance provenance, String name, String abbreviation, String quantityType,
                            boolean active, Instant sourceUpdatedAt,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.UNIT_OF_MEASURE;
    }
}
