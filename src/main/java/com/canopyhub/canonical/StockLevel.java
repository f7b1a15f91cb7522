package com.canopyhub.canonical;

import java.time.Instant;
import java.util.UUID;

/** On-hand stock of a product at a location (and batch, where tracked): active and available amounts. */
public record StockLevel(UUID canonicalId, Provenance provenance, String productSourceId, String locationSourceId,
                         String batchNumber, Quantity active, Quantity available, Instant sourceUpdatedAt)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.STOCK_LEVEL;
    }
}
