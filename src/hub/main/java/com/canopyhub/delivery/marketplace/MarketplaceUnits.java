package com.canopyhub.delivery.marketplace;

import com.canopyhub.canonical.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * Exact conversions from canonical amounts to what the marketplaces take (docs/marketplaces.md): weights to pounds,
 * prices to integer cents. BigDecimal throughout; the rounding is stated once, here:
 * <ul>
 *   <li>pounds to 4 decimal places (0.0001 lb ≈ 45 mg), rounded toward zero: a listing never offers more than the
 *       stock holds, a signed adjustment never overshoots;</li>
 *   <li>prices to whole cents, rounded half up (commercial rounding): 12.345 USD is 1235 cents.</li>
 * </ul>
 * A unit that is no weight (Each, a volume, the product's own unit) or a currency other than USD cannot be
 * converted: {@link Unconvertible} carries the reason, and the record becomes a dead letter, never a guess.
 */
public final class MarketplaceUnits {

    /** 1 lb = 453.59237 g exactly (international avoirdupois pound). */
    private static final BigDecimal GRAMS_PER_POUND = new BigDecimal("453.59237");
    public static final int POUND_SCALE = 4;

    /**
     * Grams per unit (all exact), by the unit's normalised name (lower case, no plural s). Pounds are then one exact
     * division by 453.59237 rounded once: a reciprocal factor, itself rounded, would turn 453.59237 g into 0.9999 lb.
     */
    private static final Map<String, BigDecimal> GRAMS_PER_UNIT = Map.ofEntries(
            Map.entry("gram", BigDecimal.ONE), Map.entry("g", BigDecimal.ONE),
            Map.entry("kilogram", new BigDecimal("1000")), Map.entry("kg", new BigDecimal("1000")),
            Map.entry("milligram", new BigDecimal("0.001")), Map.entry("mg", new BigDecimal("0.001")),
            Map.entry("ounce", new BigDecimal("28.349523125")), Map.entry("oz", new BigDecimal("28.349523125")),
            Map.entry("eighth", new BigDecimal("3.543690390625")), // an eighth of an ounce
            Map.entry("pound", GRAMS_PER_POUND), Map.entry("lb", GRAMS_PER_POUND));

    private MarketplaceUnits() {
    }

    /** Why an amount or price cannot be sent: the dead letter's reason. */
    public static final class Unconvertible extends Exception {
        public Unconvertible(String message) {
            super(message);
        }
    }

    /** The amount in pounds, 4 decimal places, rounded down. */
    public static BigDecimal pounds(Quantity q) throws Unconvertible {
        String unit = normalise(q.unit());
        BigDecimal grams = GRAMS_PER_UNIT.get(unit);
        if (grams == null) {
            throw new Unconvertible("quantity " + q.amount().toPlainString() + " " + q.unit()
                    + ": not a weight, cannot be converted to pounds (weights: gram, kilogram, milligram, ounce, eighth, pound)");
        }
        // DOWN is toward zero: a stock level is never overstated, a (signed) adjustment never overshoots
        return q.amount().multiply(grams).divide(GRAMS_PER_POUND, POUND_SCALE, RoundingMode.DOWN);
    }

    /** A price in whole cents, rounded half up; USD only. */
    public static long cents(BigDecimal price, String currency) throws Unconvertible {
        if (price == null) {
            throw new Unconvertible("no price");
        }
        if (currency != null && !currency.isBlank() && !currency.equalsIgnoreCase("USD")) {
            throw new Unconvertible("price " + price.toPlainString() + " " + currency + ": the marketplace takes USD only");
        }
        if (price.signum() < 0) {
            throw new Unconvertible("price " + price.toPlainString() + ": negative");
        }
        return price.movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    static String normalise(String unit) {
        String u = unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT);
        if (u.endsWith("s") && !u.equals("lbs") && u.length() > 2) {
            u = u.substring(0, u.length() - 1);
        }
        return u.equals("lbs") ? "lb" : u;
    }
}
