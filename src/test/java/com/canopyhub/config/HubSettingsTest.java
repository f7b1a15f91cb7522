package com.canopyhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canopyhub.CanopyHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Settings validation, secret handling, and the documentation generated from the declarations. */
class HubSettingsTest {

    private static HubSettings resolve(Map<String, String> values) {
        return HubSettings.resolve(k -> Optional.ofNullable(values.get(k)), values.keySet());
    }

    @Test
    void defaults_are_valid_and_keys_map_to_environment_variables() {
        HubSettings s = resolve(Map.of());
        assertThat(s.getDouble("hub.distru.requests-per-second")).isEqualTo(2.0);
        assertThat(s.getList("hub.distru.entities")).hasSize(8);
        assertThat(HubSettings.find("hub.distru.base-url").orElseThrow().environmentVariable()).isEqualTo("HUB_DISTRU_BASE_URL");
    }

    @Test
    void bad_values_name_their_keys() {
        assertThatThrownBy(() -> resolve(Map.of("hub.distru.schedule", "every minute", "hub.distru.entities", "products,plants",
                "hub.reporting.jdbc-url", "jdbc:mysql://x", "hub.distru.currency", "dollars")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hub.distru.schedule").hasMessageContaining("hub.distru.entities: unknown entity [plants]")
                .hasMessageContaining("hub.reporting.jdbc-url").hasMessageContaining("hub.distru.currency");
    }

    @Test
    void secrets_are_masked_in_printouts_and_redacted_from_text() {
        HubSettings s = resolve(Map.of("hub.distru.base-url", "https://app.distru.com", "hub.distru.api-key", "s3cr3t-key-value",
                "hub.reporting.password", "pw-123456"));
        assertThat(s.printable()).containsEntry("hub.distru.api-key", "****").containsEntry("hub.reporting.password", "****");
        SecretRedactor r = SecretRedactor.of(s);
        assertThat(r.redact("auth failed for s3cr3t-key-value with pw-123456; header Bearer abc.def"))
                .isEqualTo("auth failed for **** with ****; header Bearer ****");
    }

    @Test
    void the_readme_configuration_reference_matches_the_declared_settings() throws Exception {
        assertThat(Files.readString(Path.of("README.md"))).contains(CanopyHub.markdownReference());
        String props = Files.readString(Path.of("config/application.properties"));
        for (Setting s : HubSettings.ALL) {
            assertThat(props).as("config/application.properties documents " + s.key()).contains(s.key() + " =");
        }
    }

    @Test
    void retry_after_reads_seconds_and_http_dates() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertThat(com.canopyhub.source.RetryAfter.parse("3", clock)).contains(Duration.ofSeconds(3));
        assertThat(com.canopyhub.source.RetryAfter.parse("Thu, 01 Jan 2026 00:00:30 GMT", clock)).contains(Duration.ofSeconds(30));
        assertThat(com.canopyhub.source.RetryAfter.parse("soon", clock)).isEmpty();
    }

    @Test
    void unknown_hub_keys_are_reported() {
        assertThatThrownBy(() -> HubSettings.resolve(k -> Optional.empty(), Set.of("hub.distru.baseurl")))
                .hasMessageContaining("hub.distru.baseurl: unknown key");
    }
}
