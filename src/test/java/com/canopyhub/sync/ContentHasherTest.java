package com.canopyhub.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Provenance;
import com.canopyhub.canonical.Quantity;
import com.canopyhub.canonical.StockLevel;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContentHasherTest {

    private static StockLevel level(String active) {
        return new StockLevel(CanonicalRecord.canonicalId(EntityType.STOCK_LEVEL, "distru", "p|l|b"),
                new Provenance("distru", "p|l|b", null), "p", "l", "b",
                new Quantity(new BigDecimal(active), Quantity.PRODUCT_UNIT), new Quantity(new BigDecimal("1"), Quantity.PRODUCT_UNIT),
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void equal_content_hashes_equal_and_any_change_changes_the_hash() {
        assertThat(ContentHasher.hash(level("5.0"))).isEqualTo(ContentHasher.hash(level("5.0"))).hasSize(64);
        assertThat(ContentHasher.hash(level("5.0"))).isNotEqualTo(ContentHasher.hash(level("5.1")));
    }
}
