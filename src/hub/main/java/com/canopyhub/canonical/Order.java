package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A sales order with its lines. The order is the unit of change: any line change changes the order. */
public record Order(UUID canonicalId, Provenance provenance, String orderNumber, String status,
                    String customerSourceId, String customerName, String billingLocationSourceId,
                    String shippingLocationSourceId, Instant orderedAt, Instant dueAt, Instant deliveryAt,
                    Instant createdAt, Money total, String internalNotes, List<OrderLine> lines,
                    Map<String, String> customData, Instant sourceUpdatedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes) implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.ORDER;
    }
}
