package com.canopyhub.canonical;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An exact amount with its unit of measure, as the source states it (e.g. "Gram", "Each").
 * {@link #PRODUCT_UNIT} marks amounts the source expresses in the referenced product's own unit.
 */
public record Quantity(BigDecimal amount, String unit) {
    public static final String PRODUCT_UNIT = "product-unit";

    public Quantity {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(unit, "unit");
    }
}
