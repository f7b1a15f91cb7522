package com.canopyhub.delivery.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canopyhub.canonical.Quantity;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Weights to pounds and prices to cents, exactly, with the rounding docs/marketplaces.md states. */
class MarketplaceUnitsTest {

    private static BigDecimal lbs(String amount, String unit) throws Exception {
        return MarketplaceUnits.pounds(new Quantity(new BigDecimal(amount), unit));
    }

    @Test
    void weights_become_pounds_to_four_places_rounded_toward_zero() throws Exception {
        assertThat(lbs("453.59237", "Gram")).isEqualByComparingTo("1");
        assertThat(lbs("453.59237", "Grams")).isEqualByComparingTo("1");
        assertThat(lbs("1", "Kilograms")).isEqualByComparingTo("2.2046"); // 2.20462262… down
        assertThat(lbs("16", "Ounce")).isEqualByComparingTo("1");
        assertThat(lbs("1", "Eighth")).isEqualByComparingTo("0.0078");  // 1/128 = 0.0078125 down
        assertThat(lbs("2.5", "Pound")).isEqualByComparingTo("2.5");
        assertThat(lbs("50", "lbs")).isEqualByComparingTo("50");
        assertThat(lbs("3500", "Milligrams")).isEqualByComparingTo("0.0077"); // 0.00771617… down
        assertThat(lbs("-1", "Kilogram")).as("a signed adjustment never overshoots").isEqualByComparingTo("-2.2046");
        assertThat(lbs("28", "g").scale()).isEqualTo(4);
    }

    @Test
    void what_is_no_weight_cannot_be_converted_and_says_why() {
        assertThatThrownBy(() -> lbs("12", "Each")).isInstanceOf(MarketplaceUnits.Unconvertible.class)
                .hasMessageContaining("12 Each").hasMessageContaining("not a weight");
        assertThatThrownBy(() -> lbs("500", "Milliliters")).isInstanceOf(MarketplaceUnits.Unconvertible.class);
        assertThatThrownBy(() -> lbs("3", Quantity.PRODUCT_UNIT)).isInstanceOf(MarketplaceUnits.Unconvertible.class);
    }

    @Test
    void prices_become_whole_cents_rounded_half_up_usd_only() throws Exception {
        assertThat(MarketplaceUnits.cents(new BigDecimal("85.00"), "USD")).isEqualTo(8500);
        assertThat(MarketplaceUnits.cents(new BigDecimal("12.345"), "USD")).isEqualTo(1235);
        assertThat(MarketplaceUnits.cents(new BigDecimal("12.344"), null)).isEqualTo(1234);
        assertThat(MarketplaceUnits.cents(new BigDecimal("0"), "usd")).isZero();
        assertThatThrownBy(() -> MarketplaceUnits.cents(new BigDecimal("10"), "CAD")).hasMessageContaining("USD only");
        assertThatThrownBy(() -> MarketplaceUnits.cents(new BigDecimal("-1"), "USD")).hasMessageContaining("negative");
        assertThatThrownBy(() -> MarketplaceUnits.cents(null, "USD")).hasMessageContaining("no price");
    }
}
