package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One test of a lab result for a package (a COA line), as Metrc reports it; sourceId = LabTestResultId/TestTypeName.
 *
 * @param resultLevel the measured level, exact as sent (its unit is implied by the test type)
 * @param expiresAt   when the result stops being valid (Metrc's ExpirationDateTime), if it does
 */
public record LabResult(UUID canonicalId, Provenance provenance, String labTestResultId, String packageSourceId,
                        String packageLabel, String labLicenseNumber, String labName, String productName,
                        String testTypeName, Boolean testPassed, Boolean overallPassed, BigDecimal resultLevel,
                        String comment, Instant testPerformedAt, Instant releasedAt, Instant expiresAt, Instant revokedAt,
                        Instant sourceUpdatedAt,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.LAB_RESULT;
    }
}
