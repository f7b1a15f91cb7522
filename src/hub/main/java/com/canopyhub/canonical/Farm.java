package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A farm registered in a supply-chain traceability system (OriginTrace): who farms it, where, how large, what it
 * grows, and whether it is approved for sourcing.
 *
 * @param farmerPhone     the farmer's phone number: personal data, present only when the source is configured to
 *                        store it ({@code hub.origintrace.store-personal-data}); otherwise null and left out of the
 *                        record's JSON, its hash and every event
 * @param areaHectares    the farm's area in hectares, exact as sent
 * @param commodity       as the source writes it (e.g. {@code cocoa})
 * @param complianceStatus pending, approved or rejected (lower case, as the source documents them)
 */
public record Farm(UUID canonicalId, Provenance provenance, String farmerName, String farmerId,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String farmerPhone, String community,
                   BigDecimal areaHectares, String commodity, String complianceStatus, Instant createdAt,
                   @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes) implements CanonicalRecord {
    @Override
    public CanonicalRecord withoutPersonalData() {
        return farmerPhone == null ? this : new Farm(canonicalId, provenance, farmerName, farmerId, null, community,
                areaHectares, commodity, complianceStatus, createdAt, attributes);
    }

    @Override
    public EntityType entityType() {
        return EntityType.FARM;
    }
}
