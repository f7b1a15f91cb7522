package com.canopyhub.engine.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Provenance;
import com.canopyhub.canonical.Quantity;
import com.canopyhub.canonical.StockLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentHasherTest {

    private static StockLevel level(String active) {
        return level(active, Map.of());
    }

    private static StockLevel level(String active, Map<String, JsonNode> attributes) {
        return new StockLevel(CanonicalRecord.canonicalId(EntityType.STOCK_LEVEL, "distru", "p|l|b"),
                new Provenance("distru", "p|l|b", null), "p", "l", "b",
                new Quantity(new BigDecimal(active), Quantity.PRODUCT_UNIT), new Quantity(new BigDecimal("1"), Quantity.PRODUCT_UNIT),
                Instant.parse("2026-01-01T00:00:00Z"), attributes);
    }

    @Test
    void equal_content_hashes_equal_and_any_change_changes_the_hash() {
        assertThat(ContentHasher.hash(level("5.0"))).isEqualTo(ContentHasher.hash(level("5.0"))).startsWith("v2:").hasSize(67);
        assertThat(ContentHasher.hash(level("5.0"))).isNotEqualTo(ContentHasher.hash(level("5.1")));
    }

    @Test
    void empty_attributes_are_left_out_so_hashes_stay_as_they_were_before_attributes_existed() {
        assertThat(ContentHasher.json(level("5.0"))).doesNotContain("attributes");
        StockLevel withAttribute = level("5.0", Map.of("bin", TextNode.valueOf("A-12")));
        assertThat(ContentHasher.json(withAttribute)).contains("\"attributes\":{\"bin\":\"A-12\"}");
        assertThat(ContentHasher.hash(withAttribute)).isNotEqualTo(ContentHasher.hash(level("5.0")));
    }
}
