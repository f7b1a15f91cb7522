package com.canopyhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canopyhub.app.CanopyHub;
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
        assertThat(s.getList("hub.distru.streams")).hasSize(8);
        assertThat(HubSettings.find("hub.distru.base-url").orElseThrow().environmentVariable()).isEqualTo("HUB_DISTRU_BASE_URL");
    }

    @Test
    void a_renamed_key_is_still_read_for_one_release_with_a_warning_naming_the_new_one() {
        HubSettings old = resolve(Map.of("hub.distru.entities", "products,orders"));
        assertThat(old.getList("hub.distru.streams")).containsExactly("products", "orders");
        assertThat(old.warnings()).singleElement().asString().contains("hub.distru.entities (env HUB_DISTRU_ENTITIES) is deprecated")
                .contains("hub.distru.streams (env HUB_DISTRU_STREAMS)");
        HubSettings both = resolve(Map.of("hub.distru.entities", "products", "hub.distru.streams", "orders"));
        assertThat(both.getList("hub.distru.streams")).as("the new key wins").containsExactly("orders");
        assertThat(both.warnings()).singleElement().asString().contains("ignored");
        assertThat(HubSettings.resolve(k -> Optional.empty(), Set.of(), Map.of("HUB_DISTRU_ENTITIES", "products")).warnings())
                .as("its environment variable is not an unknown one").isEmpty();
        assertThat(resolve(Map.of()).warnings()).isEmpty();
        // an old environment variable beats the new key of a shipped properties file (the usual upgrade)
        Map<String, String> layered = Map.of("hub.distru.entities", "orders", "hub.distru.streams", "products");
        HubSettings upgraded = HubSettings.resolve(k -> Optional.ofNullable(layered.get(k)), Set.of("hub.distru.streams"),
                Map.of("HUB_DISTRU_ENTITIES", "orders"), Set.of());
        assertThat(upgraded.getList("hub.distru.streams")).containsExactly("orders");
        assertThat(upgraded.warnings()).singleElement().asString().contains("is deprecated: rename it hub.distru.streams");
    }

    @Test
    void bad_values_name_their_keys() {
        assertThatThrownBy(() -> resolve(Map.of("hub.distru.schedule", "every minute", "hub.distru.streams", "products,plants",
                "hub.reporting.jdbc-url", "jdbc:mysql://x", "hub.distru.currency", "dollars")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hub.distru.schedule").hasMessageContaining("hub.distru.streams: unknown stream [plants]")
                .hasMessageContaining("hub.reporting.jdbc-url").hasMessageContaining("hub.distru.currency");
    }

    @Test
    void secrets_are_masked_in_printouts_and_redacted_from_text() {
        HubSettings s = resolve(Map.of("hub.distru.base-url", "https://app.distru.com", "hub.distru.api-key", "s3cr3t-key-value",
                "hub.reporting.jdbc-url", "jdbc:postgresql://db/hub", "hub.reporting.password", "pw-123456",
                "hub.sync.sources", "distru"));
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

    @Test
    void a_misspelt_environment_variable_fails_and_names_the_setting_it_resembles() {
        assertThatThrownBy(() -> HubSettings.resolve(k -> Optional.empty(), Set.of(),
                Map.of("HUB_DISTRU_BASEURL", "https://app.distru.com", "PATH", "/bin", "HUB_DISTRU_API_KEY", "k")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HUB_DISTRU_BASEURL: unknown environment variable")
                .hasMessageContaining("did you mean HUB_DISTRU_BASE_URL (hub.distru.base-url)?")
                .hasMessageNotContaining("HUB_DISTRU_API_KEY: unknown");
        assertThatThrownBy(() -> HubSettings.resolve(k -> Optional.empty(), Set.of("hub.reporting.jdbcurl")))
                .hasMessageContaining("hub.reporting.jdbcurl: unknown key; did you mean hub.reporting.jdbc-url?");
        assertThat(HubSettings.suggestion("hub.completely.different")).isEmpty();
    }

    @Test
    void credentials_without_their_url_fail_naming_both_keys() {
        assertThatThrownBy(() -> resolve(Map.of("hub.distru.api-key", "k-123456")))
                .hasMessageContaining("hub.distru.api-key: set, but hub.distru.base-url is empty");
        assertThatThrownBy(() -> resolve(Map.of("hub.reporting.username", "canopy", "hub.reporting.password", "pw-123456")))
                .hasMessageContaining("hub.reporting.username: set, but hub.reporting.jdbc-url is empty")
                .hasMessageContaining("hub.reporting.password: set, but hub.reporting.jdbc-url is empty")
                .hasMessageNotContaining("pw-123456");
    }

    @Test
    void passwords_inside_urls_are_masked_in_printouts_errors_and_redacted_text() {
        HubSettings s = resolve(Map.of("hub.reporting.jdbc-url", "jdbc:postgresql://db:5432/hub?user=canopy&password=hunter2x&ssl=true",
                "hub.distru.sandbox", "true", "hub.metrc.sandbox", "true", "hub.origintrace.sandbox", "true"));
        assertThat(s.printable().get("hub.reporting.jdbc-url"))
                .isEqualTo("jdbc:postgresql://db:5432/hub?user=canopy&password=****&ssl=true");
        assertThatThrownBy(() -> resolve(Map.of("hub.reporting.jdbc-url", "postgres://canopy:hunter2x@db/hub")))
                .hasMessageContaining("'postgres://canopy:****@db/hub' is not a PostgreSQL JDBC URL")
                .hasMessageNotContaining("hunter2x");
        SecretRedactor r = SecretRedactor.of(s);
        assertThat(r.redact("connect to https://user:pa55word@distru.example/x?api_key=abc&page=2 failed"))
                .isEqualTo("connect to https://user:****@distru.example/x?api_key=****&page=2 failed");
    }
}
