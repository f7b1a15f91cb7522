package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.testing.HubHarness;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Incremental sync: only what changed upstream is written, and the cursors move. */
class IncrementalSyncTest {

    @Test
    void changing_7_products_and_2_packages_writes_exactly_those_9_rows_and_moves_the_cursors() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(800)).start()) {
            assertThat(h.sync().ok()).isTrue();
            Map<String, OffsetDateTime> cursorsBefore = cursors(h);
            List<String> before = h.reportingSnapshot();
            long changesBefore = h.count("SELECT count(*) FROM hub.record_changes");

            int[] products = {3, 77, 150, 151, 400, 640, 799};
            int[] packages = {12, 555};
            IntStream.of(products).forEach(i -> h.sandbox.touch(SandboxCollection.PRODUCTS, i));
            IntStream.of(packages).forEach(i -> h.sandbox.touch(SandboxCollection.PACKAGES, i));
            h.passSafetyLag();
            SyncReport report = h.sync();

            assertThat(report.ok()).as(report.table()).isTrue();
            Map<String, Long> written = report.results().stream()
                    .collect(Collectors.toMap(StreamResult::stream, StreamResult::written));
            assertThat(written).containsEntry("products", 7L).containsEntry("packages", 2L);
            assertThat(report.total(StreamResult::written)).isEqualTo(9);

            List<String> after = h.reportingSnapshot();
            assertThat(after.stream().filter(r -> !before.contains(r)).count()).as("rows that differ").isEqualTo(9);

            assertThat(h.count("SELECT count(*) FROM hub.record_changes")).isEqualTo(changesBefore + 9);
            Set<String> changedIds = h.rows("SELECT source_id FROM hub.record_changes WHERE change_type = 'UPDATED' "
                    + "AND old_hash <> new_hash").stream().map(r -> (String) r.get("source_id")).collect(Collectors.toSet());
            Set<String> expected = IntStream.of(products).mapToObj(i -> DistruSandbox.recordId(SandboxCollection.PRODUCTS, i))
                    .collect(Collectors.toSet());
            IntStream.of(packages).forEach(i -> expected.add(DistruSandbox.recordId(SandboxCollection.PACKAGES, i)));
            assertThat(changedIds).isEqualTo(expected);

            Map<String, OffsetDateTime> cursorsAfter = cursors(h);
            for (String stream : List.of("strains", "companies", "locations", "products", "batches", "packages", "orders")) {
                assertThat(cursorsAfter.get(stream)).as(stream).isAfter(cursorsBefore.get(stream));
            }
        }
    }

    @Test
    void the_window_overlaps_the_previous_one_and_ends_behind_now() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(50), "hub.distru.overlap-ms", "60000").start()) {
            h.sync("products");
            h.passSafetyLag();
            h.sync("products");
            List<Map<String, Object>> runs = h.rows("SELECT window_start, window_end FROM hub.sync_runs "
                    + "WHERE stream = 'products' ORDER BY id");
            OffsetDateTime firstEnd = (OffsetDateTime) runs.get(0).get("window_end");
            assertThat(runs.get(0).get("window_start")).as("first sync reads from the beginning").isNull();
            assertThat(firstEnd.toInstant()).isEqualTo(HubHarness.T0.minusSeconds(2));
            assertThat(((OffsetDateTime) runs.get(1).get("window_start")).toInstant())
                    .isEqualTo(firstEnd.toInstant().minusSeconds(60));
            // the request carried the window
            assertThat(h.sandbox.served().get(h.sandbox.served().size() - 1).pathAndQuery()).contains("updated_datetime=");
        }
    }

    private static Map<String, OffsetDateTime> cursors(HubHarness h) throws Exception {
        Map<String, OffsetDateTime> out = new HashMap<>();
        for (Map<String, Object> r : h.rows("SELECT stream, window_end FROM hub.sync_cursors")) {
            out.put((String) r.get("stream"), (OffsetDateTime) r.get("window_end"));
        }
        return out;
    }
}
