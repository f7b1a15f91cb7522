package com.canopyhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in sandboxes come from the sandbox module; without it an empty base URL is an error naming the setting. */
class SandboxesTest {

    @Test
    void without_the_sandbox_module_an_empty_base_url_fails_naming_the_setting_and_its_variable() {
        Sandboxes none = Sandboxes.of(List.of());
        assertThat(none.has("distru")).isFalse();
        assertThatThrownBy(() -> none.require("distru", "hub.distru.base-url")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hub.distru.base-url: needs the built-in distru sandbox, which this build does not have")
                .hasMessageContaining("HUB_DISTRU_BASE_URL");
        assertThatThrownBy(() -> none.start("metrc", "hub.metrc.base-url", null, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hub.metrc.base-url");
    }

    @Test
    void with_the_sandbox_module_every_upstream_has_its_sandbox() {
        Sandboxes installed = Sandboxes.installed();
        for (String upstream : List.of("distru", "metrc", "terravault", "shop-platform", "webhook-receiver")) {
            assertThat(installed.has(upstream)).as(upstream).isTrue();
        }
        installed.require("distru", "hub.distru.base-url"); // no error
    }
}
