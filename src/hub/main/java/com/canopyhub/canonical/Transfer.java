package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A Metrc transfer (manifest) with its deliveries and the packages each delivery carries. It is described from
 * no licence's point of view (shipper and recipients are named), so the shipper's and each recipient's pass write
 * the same record: one row per transfer, whichever licence saw it.
 */
public record Transfer(UUID canonicalId, Provenance provenance, String manifestNumber, String shipperLicenseNumber,
                       String shipperName, String transporterLicenseNumber, String transporterName,
                       String shipmentTypeName, Integer packageCount, Integer receivedPackageCount, boolean voided,
                       Instant createdAt, List<Delivery> deliveries, Instant sourceUpdatedAt,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {

    /**
     * One delivery of a transfer to one recipient. Metrc sends the estimated times without an offset (the
     * facility's local time), so they stay local date-times; received is an instant (Metrc gives its offset).
     */
    public record Delivery(String sourceId, String recipientLicenseNumber, String recipientName,
                           LocalDateTime estimatedDepartureLocal, LocalDateTime estimatedArrivalLocal, Instant receivedAt,
                           Integer packageCount, Integer receivedPackageCount, List<DeliveryPackage> packages) {
    }

    /** A package on a delivery: what was shipped and, once received, what was accepted. */
    public record DeliveryPackage(String packageSourceId, String packageLabel, String itemName, String itemCategoryName,
                                  String shipmentPackageState, Quantity shipped, Quantity received) {
    }

    @Override
    public EntityType entityType() {
        return EntityType.TRANSFER;
    }
}
