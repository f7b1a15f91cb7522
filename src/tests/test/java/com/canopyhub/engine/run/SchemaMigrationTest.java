package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A database written by the hub before streams had partitions (schema V4) is migrated in place: its cursors resume
 * where they were (no re-read from the beginning), its runs and dead letters keep their streams, and its change log
 * names streams instead of tables.
 */
class SchemaMigrationTest {

    @Test
    void cursors_runs_and_changes_of_the_old_schema_are_carried_over_and_resume() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(10), "hub.distru.streams", "products,packages")) {
            Flyway.configure().dataSource(h.jdbcUrl, "postgres", "").locations("classpath:db/migration")
                    .schemas("hub", "reporting").defaultSchema("hub").createSchemas(true).target("4").load().migrate();
            String upstream = com.canopyhub.app.HubConfiguration.upstreamIdentity(h.sandbox.baseUrl().toString());
            OffsetDateTime cursor = OffsetDateTime.parse("2026-05-31T23:00:00Z");
            h.execute("INSERT INTO hub.sync_cursors (source_system, entity, window_end, upstream) VALUES "
                    + "('distru', 'products', '" + cursor + "', '" + upstream + "')");
            h.execute("INSERT INTO hub.sync_runs (pass_id, source_system, entity, trigger, started_at, finished_at, status) "
                    + "VALUES (gen_random_uuid(), 'distru', 'products', 'schedule', now(), now(), 'SUCCEEDED')");
            h.execute("INSERT INTO hub.dead_letters (fingerprint, source_system, entity, reason, first_failed_at, last_failed_at) "
                    + "VALUES ('f1', 'distru', 'packages', 'old failure', now(), now())");
            h.execute("INSERT INTO hub.record_changes (entity, source_system, source_id, canonical_id, change_type, new_hash) "
                    + "VALUES ('inventory_lots', 'distru', 'p1', gen_random_uuid(), 'CREATED', 'h'), "
                    + "('products', 'distru', 'x1', gen_random_uuid(), 'CREATED', 'h')");

            h.start();
            h.sync("products");

            List<Map<String, Object>> runs = h.rows("SELECT stream, partition, window_start FROM hub.sync_runs ORDER BY id");
            assertThat(runs).hasSize(2);
            assertThat(runs.get(0)).containsEntry("stream", "products").containsEntry("partition", "");
            assertThat(((OffsetDateTime) runs.get(1).get("window_start")).toInstant())
                    .as("resumes from the migrated cursor minus the overlap, not from the beginning")
                    .isEqualTo(cursor.toInstant().minus(Duration.ofMinutes(5)));
            assertThat(h.rows("SELECT stream, partition FROM hub.dead_letters").get(0))
                    .containsEntry("stream", "packages").containsEntry("partition", "");
            assertThat(h.rows("SELECT stream FROM hub.record_changes WHERE source_id IN ('p1', 'x1') ORDER BY source_id"))
                    .extracting(r -> r.get("stream")).containsExactly("packages", "products");
        }
    }
}
