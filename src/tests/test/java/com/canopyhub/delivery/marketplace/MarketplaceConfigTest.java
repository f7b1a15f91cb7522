package com.canopyhub.delivery.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.config.ConfigException;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Marketplace settings and mapping files are checked at startup, naming the key (or file and key) at fault. */
class MarketplaceConfigTest {

    @Test
    void a_terravault_url_without_a_key_fails_startup_naming_the_key() throws Exception {
        assertThat(startupError("hub.terravault.enabled", "true", "hub.terravault.base-url", "https://terravault.app"))
                .contains("hub.terravault.api-key").contains("required").doesNotContain("tv_live");
    }

    @Test
    void a_real_marketplace_fed_by_sandbox_sources_fails_startup_unless_allowed() throws Exception {
        assertThat(startupError("hub.distru.base-url", "", "hub.distru.api-key", "", "hub.distru.sandbox", "true", "hub.terravault.base-url",
                "https://terravault.app", "hub.terravault.api-key", "tv_live_real_key_123"))
                .contains("hub.terravault.base-url").contains("hub.marketplaces.allow-sandbox-data").doesNotContain("tv_live_real_key_123");
    }

    @Test
    void a_shop_platform_url_without_token_and_org_fails_startup_naming_both_keys() throws Exception {
        assertThat(startupError("hub.shop-platform.enabled", "true", "hub.shop-platform.base-url", "https://shops.example.com"))
                .contains("hub.shop-platform.token").contains("hub.shop-platform.org-id");
    }

    @Test
    void a_bad_mapping_file_fails_startup_naming_the_file_and_the_keys() throws Exception {
        Path file = Files.createTempDirectory("mapping").resolve("terravault.yaml");
        Files.writeString(file, Files.readString(Path.of("config/marketplaces/terravault.yaml"))
                .replace("name: ${body[name]}", "name: ${body[name]")
                .replace("  quantity-unit: ${body[unit_of_measure]}\n", "")
                .replace("decrease: adjustment", "decrease: shrinkage"));
        assertThat(startupError("hub.terravault.enabled", "true", "hub.terravault.base-url", "https://terravault.app",
                "hub.terravault.api-key", "tv_live_k", "hub.terravault.mapping-file", file.toString()))
                .contains(file + ": fields.name: not a valid Simple expression")
                .contains("fields.quantity-unit: required")
                .contains("options.decrease: 'shrinkage' is not one of");
    }

    private static String startupError(String... overrides) throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(1), overrides)) {
            h.set("hub.webhooks.sandbox-receiver", "false");
            try {
                h.start();
            } catch (Exception e) {
                for (Throwable c = e; c != null; c = c.getCause()) {
                    if (c instanceof ConfigException ce) {
                        return ce.getMessage();
                    }
                }
                throw new AssertionError("no ConfigException in " + e, e);
            }
            throw new AssertionError("the hub started");
        }
    }
}
