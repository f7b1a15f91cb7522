package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A physical place (warehouse, store, shipping address), licensed where {@code provenance.licenseNumber} is set. */
public record Location(UUID canonicalId, Provenance provenance, String name, String address, String companySourceId,
                       String licenseSourceId, Instant sourceUpdatedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes) implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.LOCATION;
    }
}
