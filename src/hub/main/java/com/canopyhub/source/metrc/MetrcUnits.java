package com.canopyhub.source.metrc;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Metrc's units of measure for amounts another system states in its own: weights in grams (exact factors: an
 * ounce is 28.349523125 g, a pound 453.59237 g, an eighth 3.543690390625 g), volumes in millilitres, counts as
 * each. Used by the sandbox seeding and documented next to reporting.to_base_quantity (Flyway V6), which applies
 * the same factors.
 */
public final class MetrcUnits {

    /** An amount in a Metrc unit. */
    public record Converted(BigDecimal quantity, String unit) {
    }

    private MetrcUnits() {
    }

    /** Distru's unit names ("Gram", "Ounce", "Eighth", "Pound", "Each", "Milliliter") to Metrc's; null if unknown. */
    public static Converted fromDistru(BigDecimal quantity, String distruUnit) {
        if (distruUnit == null) {
            return null;
        }
        return switch (distruUnit.toLowerCase(Locale.ROOT)) {
            case "gram" -> new Converted(quantity, "Grams");
            case "ounce" -> new Converted(quantity.multiply(new BigDecimal("28.349523125")), "Grams");
            case "eighth" -> new Converted(quantity.multiply(new BigDecimal("3.543690390625")), "Grams");
            case "pound" -> new Converted(quantity.multiply(new BigDecimal("453.59237")), "Grams");
            case "each" -> new Converted(quantity, "Each");
            case "milliliter" -> new Converted(quantity, "Milliliters");
            default -> null;
        };
    }
}
