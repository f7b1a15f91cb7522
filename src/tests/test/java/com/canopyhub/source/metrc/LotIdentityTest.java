package com.canopyhub.source.metrc;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.metrc.MetrcSandbox;
import com.canopyhub.testing.HubHarness;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One physical lot, one canonical id: the Distru package and the Metrc package with the same compliance label
 * carry the same canonical id, and reporting.v_inventory_reconciliation compares their quantities in one unit.
 */
class LotIdentityTest {

    @Test
    void the_same_label_in_distru_and_metrc_is_one_lot_and_the_reconciliation_view_reports_the_seeded_differences()
            throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(20), "hub.distru.streams", "packages",
                "hub.metrc.streams", "packages.active")) {
            List<MetrcSandbox.SharedLot> shared = com.canopyhub.sandbox.builtin.BuiltInSandboxes.sharedLotsOf(h.sandbox);
            assertThat(shared).hasSize(20);
            h.withMetrc(MetrcSandbox.Options.defaults(1, 20).withHistory(Duration.ofHours(20)).withSharedLots(shared));
            h.clock.advance(Duration.ofMinutes(1));
            h.start();
            assertThat(h.syncSource("distru").ok()).isTrue();
            assertThat(h.syncSource("metrc").ok()).isTrue();

            List<Map<String, Object>> pairs = h.rows("SELECT d.label, d.canonical_id AS distru_id, m.canonical_id AS metrc_id "
                    + "FROM reporting.inventory_lots d JOIN reporting.inventory_lots m ON m.label = d.label "
                    + "WHERE d.source_system = 'distru' AND m.source_system = 'metrc'");
            assertThat(pairs).hasSize(20).allMatch(p -> p.get("distru_id").equals(p.get("metrc_id")));
            assertThat(h.count("SELECT count(DISTINCT canonical_id) FROM reporting.inventory_lots")).isEqualTo(20);

            List<Map<String, Object>> differing = h.rows("SELECT label, difference FROM reporting.v_inventory_reconciliation "
                    + "WHERE status = 'quantity differs' ORDER BY label");
            assertThat(differing).extracting(r -> r.get("label"))
                    .containsExactly(shared.get(4).label(), shared.get(9).label(), shared.get(14).label(), shared.get(19).label());
            assertThat(differing).allMatch(r -> ((BigDecimal) r.get("difference")).compareTo(BigDecimal.ONE) == 0);
            assertThat(h.count("SELECT count(*) FROM reporting.v_inventory_reconciliation WHERE status = 'match'")).isEqualTo(16);
            assertThat(h.count("SELECT count(*) FROM reporting.v_inventory_reconciliation WHERE status LIKE 'only in %'")).isZero();
        }
    }
}
