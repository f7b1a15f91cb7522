package com.canopyhub.events;

import com.canopyhub.canonical.CanonicalModel;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.InventoryLot;
import com.canopyhub.canonical.StockLevel;
import com.canopyhub.engine.changes.Change;
import com.canopyhub.engine.changes.ChangeBatch;
import com.canopyhub.engine.changes.ChangeSink;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code inventory.low_stock}: after a page of stock levels or lots reached the reporting tables (same transaction),
 * the stock of every product the page touched is compared with its threshold (config/events.yaml
 * {@code low_stock}: by SKU, then category, then the global one, in the product's own stock unit). The event fires
 * when the stock crosses below the threshold, once: {@code hub.low_stock_state} remembers the side, so the next
 * sync while still low emits nothing, and a restock above the threshold re-arms it.
 *
 * <p>A product's stock is the sum of its stock levels' available quantity, or, for a product without stock
 * levels, of its lots' available quantity.
 */
public class LowStockSink implements ChangeSink {

    private static final String STOCK = """
            SELECT p.canonical_id, p.source_id, p.sku, p.name, p.category_name, p.license_number, s.available, s.unit, st.low
              FROM reporting.products p
             CROSS JOIN LATERAL (
                   SELECT coalesce(sl.available, lot.available) AS available, coalesce(sl.unit, lot.unit) AS unit
                     FROM (SELECT sum(available_quantity) AS available, min(quantity_unit) AS unit FROM reporting.stock_levels
                            WHERE source_system = p.source_system AND product_source_id = p.source_id) sl,
                          (SELECT sum(quantity_available) AS available, min(quantity_unit) AS unit FROM reporting.inventory_lots
                            WHERE source_system = p.source_system AND product_source_id = p.source_id) lot) s
              LEFT JOIN hub.low_stock_state st ON st.product_id = p.canonical_id
             WHERE p.source_system = ? AND p.source_id = ANY(?)
            """;

    private final Supplier<LowStockRule> rule;
    private final boolean skipInitialLoad;

    public LowStockSink(Supplier<LowStockRule> rule, boolean skipInitialLoad) {
        this.rule = rule;
        this.skipInitialLoad = skipInitialLoad;
    }

    @Override
    public String name() {
        return "low-stock";
    }

    @Override
    public void accept(Connection tx, ChangeBatch batch) throws SQLException {
        LowStockRule thresholds = rule.get();
        if (!thresholds.any() || (batch.type() != EntityType.STOCK_LEVEL && batch.type() != EntityType.INVENTORY_LOT)) {
            return;
        }
        Set<String> products = new LinkedHashSet<>();
        for (Change c : batch.changes()) {
            String id = c.record() instanceof StockLevel s ? s.productSourceId()
                    : c.record() instanceof InventoryLot l ? l.productSourceId() : null;
            if (id != null) {
                products.add(id);
            }
        }
        if (products.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = tx.prepareStatement(STOCK)) {
            ps.setString(1, batch.sourceSystem());
            ps.setArray(2, tx.createArrayOf("text", products.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BigDecimal available = rs.getBigDecimal("available");
                    BigDecimal threshold = thresholds.thresholdOf(rs.getString("sku"), rs.getString("category_name"));
                    if (available == null || threshold == null) {
                        continue;
                    }
                    boolean low = available.compareTo(threshold) < 0;
                    Boolean wasLow = (Boolean) rs.getObject("low");
                    UUID product = (UUID) rs.getObject("canonical_id");
                    if (wasLow != null && wasLow == low) {
                        continue;
                    }
                    remember(tx, product, low, available, threshold);
                    if (low && !(skipInitialLoad && batch.initialLoad())) {
                        DerivedEvents.write(tx, "product", product, "inventory.low_stock", payload(rs, batch, available, threshold),
                                batch.sourceSystem(), batch.stream(), batch.partition(), batch.syncRunId());
                    }
                }
            }
        }
    }

    private static String payload(ResultSet rs, ChangeBatch batch, BigDecimal available, BigDecimal threshold) throws SQLException {
        String unit = rs.getString("unit");
        return DerivedEvents.json(
                "available", new DerivedEvents.RawJson(DerivedEvents.json("amount", available, "unit", unit)),
                "canonical_id", rs.getString("canonical_id"),
                "category", rs.getString("category_name"),
                "entity", "products",
                "license_number", rs.getString("license_number"),
                "name", rs.getString("name"),
                "schema_version", CanonicalModel.VERSION,
                "sku", rs.getString("sku"),
                "source_id", rs.getString("source_id"),
                "source_system", batch.sourceSystem(),
                "threshold", new DerivedEvents.RawJson(DerivedEvents.json("amount", threshold, "unit", unit)));
    }

    private static void remember(Connection tx, UUID product, boolean low, BigDecimal available, BigDecimal threshold) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO hub.low_stock_state (product_id, low, available, threshold, changed_at) "
                + "VALUES (?, ?, ?, ?, now()) ON CONFLICT (product_id) DO UPDATE SET low = excluded.low, available = excluded.available, "
                + "threshold = excluded.threshold, changed_at = now()")) {
            ps.setObject(1, product);
            ps.setBoolean(2, low);
            ps.setBigDecimal(3, available);
            ps.setBigDecimal(4, threshold);
            ps.executeUpdate();
        }
    }
}
