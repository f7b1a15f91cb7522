package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

/**
 * An outbound shipment of a commodity supply chain (OriginTrace), with the source's readiness assessment.
 *
 * @param destinationCountry     as the source writes it (e.g. {@code Netherlands})
 * @param destinationCountryCode its ISO 3166-1 alpha-2 code ({@code NL}), or null when the name is not recognised
 * @param commodity              normalised to lower case ({@code Cocoa} → {@code cocoa}), as farms write it
 * @param totalWeight            in kilograms ({@code total_weight_kg}), exact as sent
 * @param readinessScore         0–100 as sent
 * @param readinessDecision      as sent (e.g. {@code go})
 * @param status                 draft, ready, shipped or cancelled (as documented)
 */
public record Shipment(UUID canonicalId, Provenance provenance, String shipmentCode, String status,
                       String destinationCountry, String destinationCountryCode, String destinationPort, String buyerCompany,
                       String commodity, Quantity totalWeight, Integer totalItems, Integer readinessScore,
                       String readinessDecision, LocalDate estimatedShipDate, Instant createdAt,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes) implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.SHIPMENT;
    }
}
