package com.canopyhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canopyhub.config.ConfigException;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The derived events' rules are the events module's own file (config/events.yaml, hub.events.file). */
class EventRulesTest {

    @TempDir
    Path dir;

    @Test
    void the_events_file_sets_low_stock_thresholds_and_expiry_days_and_a_bad_one_names_file_and_line() throws Exception {
        Path file = Files.writeString(dir.resolve("events.yaml"), "low_stock:\n  threshold: 10\n  categories:\n    Flower: 500\n"
                + "document_expiring:\n  days: [7, 30]\n");
        EventRules rules = EventRules.load(file).orElseThrow();
        assertThat(rules.lowStock().get().thresholdOf("SKU-1", "Flower")).isEqualByComparingTo(new BigDecimal("500"));
        assertThat(rules.lowStock().get().thresholdOf("SKU-1", "Edibles")).isEqualByComparingTo(BigDecimal.TEN);
        assertThat(rules.expiringDays().get()).containsExactly(30, 7);
        assertThat(EventRules.load(dir.resolve("missing.yaml"))).isEmpty();

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "low_stock:\n  treshold: 10\n");
        assertThatThrownBy(() -> EventRules.load(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(bad + " line 2: low_stock: unknown key 'treshold'");
    }

    @Test
    void a_running_hub_takes_its_low_stock_thresholds_from_the_events_file() throws Exception {
        Path file = Files.writeString(dir.resolve("events.yaml"), "low_stock:\n  threshold: 1000000000\n");
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(3), "hub.distru.streams", "products,inventory",
                "hub.events.file", file.toString()).start()) {
            assertThat(h.sync().ok()).isTrue();
            long stocked = h.count("SELECT count(DISTINCT product_source_id) FROM reporting.stock_levels s JOIN reporting.products p "
                    + "ON p.source_id = s.product_source_id");
            assertThat(stocked).isPositive();
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'inventory.low_stock'")).isEqualTo(stocked);
        }
        assertThat(List.of(Files.readString(Path.of("config/events.yaml.example")))).singleElement().asString()
                .contains("low_stock:").contains("document_expiring:");
    }
}
