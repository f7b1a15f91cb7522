package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A retail sale recorded in Metrc, with its lines (Metrc's transactions).
 *
 * @param soldAtLocal Metrc's {@code SalesDateTime}: the facility's local time, without an offset (Metrc sends none),
 *                    so it stays a local date-time rather than a guessed instant
 * @param state       active or inactive (archived), the endpoint it was read from
 */
public record SalesReceipt(UUID canonicalId, Provenance provenance, String receiptNumber, String externalReceiptNumber,
                           LocalDateTime soldAtLocal, String customerType, String state, boolean isFinal,
                           Integer totalPackages, Money totalPrice, List<Line> lines, Instant sourceUpdatedAt,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {

    /** One line of a receipt: a quantity sold from a package. */
    public record Line(String packageSourceId, String packageLabel, String productName, String productCategoryName,
                       Quantity quantitySold, Money totalAmount) {
    }

    @Override
    public EntityType entityType() {
        return EntityType.SALES_RECEIPT;
    }
}
