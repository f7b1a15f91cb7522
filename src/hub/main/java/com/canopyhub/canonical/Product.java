package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A sellable product (SKU) as the source catalogues it. */
public record Product(UUID canonicalId, Provenance provenance, String name, String sku, String description,
                      boolean active, String brandName, String categoryName, String categoryType,
                      String subcategoryName, String vendorName, String strainSourceId, String strainName,
                      String unitOfMeasure, Money unitPrice, Money msrp, BigDecimal unitsPerCase,
                      List<String> imageUrls, Map<String, String> customData, Instant sourceUpdatedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> attributes)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.PRODUCT;
    }
}
