package com.canopyhub.canonical;

import java.util.UUID;

/** One line of an {@link Order}: what was sold, from which lot or batch, how much and at what unit price. */
public record OrderLine(UUID canonicalId, String sourceId, String productSourceId, String productName, String sku,
                        String batchSourceId, String batchNumber, String packageLabel, String locationSourceId,
                        Quantity quantity, Quantity returnedQuantity, Money unitPrice, Money unitPriceBase) {
}
