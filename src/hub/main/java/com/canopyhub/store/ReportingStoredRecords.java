package com.canopyhub.store;

import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Provenance;
import com.canopyhub.canonical.Quantity;
import com.canopyhub.canonical.StockLevel;
import com.canopyhub.engine.spi.StoredRecords;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The reporting tables read back as canonical records: what the hub last saw of a record, for the engine to turn
 * into its gone state. Only the types whose streams declare one are readable (stock levels today).
 */
public final class ReportingStoredRecords implements StoredRecords {

    private static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();

    @Override
    public List<Stored> load(Connection c, EntityType type, String sourceSystem, Collection<String> sourceIds) throws SQLException {
        if (type != EntityType.STOCK_LEVEL) {
            throw new UnsupportedOperationException("reporting." + type.table() + " is not read back (no stream declares a gone state for it)");
        }
        List<Stored> out = new ArrayList<>(sourceIds.size());
        try (PreparedStatement ps = c.prepareStatement("SELECT source_id, canonical_id, license_number, content_hash, "
                + "source_updated_at, product_source_id, location_source_id, batch_number, active_quantity, available_quantity, "
                + "quantity_unit, attributes::text FROM reporting.stock_levels WHERE source_system = ? AND source_id = ANY(?)")) {
            ps.setString(1, sourceSystem);
            ps.setArray(2, c.createArrayOf("text", sourceIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String unit = rs.getString("quantity_unit");
                    Timestamp updated = rs.getTimestamp("source_updated_at");
                    StockLevel s = new StockLevel(rs.getObject("canonical_id", UUID.class),
                            new Provenance(sourceSystem, rs.getString("source_id"), rs.getString("license_number")),
                            rs.getString("product_source_id"), rs.getString("location_source_id"), rs.getString("batch_number"),
                            new Quantity(rs.getBigDecimal("active_quantity"), unit),
                            new Quantity(rs.getBigDecimal("available_quantity"), unit),
                            updated == null ? null : updated.toInstant(), attributes(rs.getString(12)));
                    out.add(new Stored(s, rs.getString("content_hash")));
                }
            }
        }
        return out;
    }

    private static Map<String, JsonNode> attributes(String json) throws SQLException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try {
            JSON.readTree(json == null ? "{}" : json).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        } catch (IOException e) {
            throw new SQLException("reporting.stock_levels.attributes is not JSON: " + e.getMessage(), e);
        }
        return out;
    }
}
