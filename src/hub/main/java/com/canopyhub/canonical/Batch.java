package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A production batch of a product (not compliance-tagged itself; lots may reference it by batch number). */
public record Batch(UUID canonicalId, Provenance provenance, String name, String batchNumber, String productSourceId,
                    String description, Instant expiresAt, String ownerSourceId, TestResult testResult,
                    Map<String, String> customData, Instant sourceUpdatedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes) implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.BATCH;
    }
}
