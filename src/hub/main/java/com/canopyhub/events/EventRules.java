package com.canopyhub.events;

import java.util.List;
import java.util.function.Supplier;

/**
 * The rules of the derived events: when stock counts as low, and how many days before a document expires it is
 * announced. Operators write them in config/webhooks.yaml today (low_stock, document_expiring); the webhook module
 * reads that file and provides them.
 */
public record EventRules(Supplier<LowStockRule> lowStock, Supplier<List<Integer>> expiringDays) {
}
