package com.canopyhub.events;

import java.math.BigDecimal;
import java.util.Map;

/**
 * When a product's stock counts as low (inventory.low_stock): a default threshold, per category, per SKU. An events
 * concept, configured in config/events.yaml's {@code low_stock} section (docs/events.md).
 */
public record LowStockRule(BigDecimal threshold, Map<String, BigDecimal> categories, Map<String, BigDecimal> products) {
    public static final LowStockRule NONE = new LowStockRule(null, Map.of(), Map.of());

    public boolean any() {
        return threshold != null || !categories.isEmpty() || !products.isEmpty();
    }

    public BigDecimal thresholdOf(String sku, String category) {
        if (sku != null && products.containsKey(sku)) {
            return products.get(sku);
        }
        if (category != null && categories.containsKey(category)) {
            return categories.get(category);
        }
        return threshold;
    }
}
