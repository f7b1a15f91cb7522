package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A trading partner (customer, supplier, brand owner) with its state license numbers. */
public record Company(UUID canonicalId, Provenance provenance, String name, String legalName, String category,
                      String relationshipType, String email, String phone, String website,
                      List<String> licenseNumbers, Map<String, String> customData, Instant sourceUpdatedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.COMPANY;
    }
}
