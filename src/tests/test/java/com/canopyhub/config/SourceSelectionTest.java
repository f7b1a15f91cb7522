package com.canopyhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.testing.HubHarness;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which sources a hub syncs when hub.sync.sources is left empty: those with a base URL, or every sandbox when none
 * has one; a source the hub does not sync is neither checked nor scheduled.
 */
class SourceSelectionTest {

    private static HubSettings resolve(Map<String, String> values) {
        return HubSettings.resolve(k -> Optional.ofNullable(values.get(k)), Set.of());
    }

    @Test
    void by_default_the_sources_with_a_base_url_sync_and_with_none_every_sandbox() {
        Map<String, String> distruOnly = Map.of("hub.distru.base-url", "https://app.distru.com", "hub.distru.api-key", "k",
                "hub.reporting.jdbc-url", "jdbc:postgresql://db.example.internal:5432/canopy", "hub.reporting.username", "canopy",
                "hub.reporting.password", "pw");
        // the README's five variables: no word about Metrc, and no Metrc check fails
        assertThat(resolve(distruOnly).getList("hub.sync.sources")).containsExactly("distru");
        assertThat(resolve(Map.of()).getList("hub.sync.sources")).containsExactly("distru", "metrc", "origintrace");
        assertThat(resolve(Map.of("hub.metrc.base-url", "https://api-ca.metrc.com", "hub.metrc.integrator-key", "i",
                "hub.metrc.user-key", "u")).getList("hub.sync.sources")).containsExactly("metrc");

        // listing a source on purpose still checks it, and the message says how to leave it out
        Map<String, String> both = new HashMap<>(distruOnly);
        both.put("hub.sync.sources", "distru,metrc");
        assertThatThrownBy(() -> resolve(both)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hub.metrc.base-url: empty").hasMessageContaining("hub.sync.sources");
    }

    @Test
    void a_distru_only_external_setup_starts_syncs_and_schedules_no_metrc() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(5), "hub.sync.sources", "",
                "hub.schedule.enabled", "true").start()) {
            SyncReport report = h.sync();
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(report.results()).allSatisfy(r -> assertThat(r.sourceSystem()).isEqualTo("distru"));
            assertThat(h.hub().context().getRoute("distru-schedule")).isNotNull();
            assertThat(h.hub().context().getRoute("metrc-schedule")).as("no schedule for a source the hub does not sync").isNull();
            assertThat(h.hub().bean("hubSettings", HubSettings.class).getList("hub.sync.sources")).isEqualTo(List.of("distru"));
        }
    }
}
