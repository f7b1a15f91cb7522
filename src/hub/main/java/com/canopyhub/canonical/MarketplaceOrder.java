package com.canopyhub.canonical;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order placed on a marketplace (TerraVault), as its signed webhooks report it: schema version 1 of
 * {@code marketplace_order} (docs/events.md). Amounts are integer cents and decimal pounds, as the marketplace sends
 * them; {@code status} is the last event's (created, confirmed, shipped, delivered, disputed).
 */
public record MarketplaceOrder(UUID canonicalId, String marketplace, String orderId, String status, String buyerId,
                               String sellerId, Long totalCents, String currency, List<Item> items, Instant statusAt,
                               String lastEventId) {

    public static final int SCHEMA_VERSION = 1;

    /** One line: the marketplace's listing id, its name, pounds and the unit price in cents. */
    public record Item(String productId, String name, BigDecimal quantityLbs, Long unitPriceCents) {
    }

    /** One marketplace order is one canonical order, however many events describe it. */
    public static UUID canonicalIdFor(String marketplace, String orderId) {
        return UUID.nameUUIDFromBytes(("MARKETPLACE_ORDER:" + marketplace + ":" + orderId)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
