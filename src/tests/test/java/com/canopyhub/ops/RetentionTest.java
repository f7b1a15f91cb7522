package com.canopyhub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.testing.HubHarness;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Retention on real PostgreSQL: old rows go in small batches while a sync writes, and what readers need stays. */
class RetentionTest {

    @Test
    void old_rows_are_purged_while_a_sync_runs_and_each_records_latest_event_and_last_run_stay() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(12), "hub.distru.streams", "products,packages",
                "hub.webhooks.enabled", "false", "hub.webhooks.sandbox-receiver", "false", "hub.retention.batch-size", "10").start()) {
            assertThat(h.sync().ok()).isTrue();
            h.sandbox.touch(SandboxCollection.PRODUCTS, 3);
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            long aggregates = h.count("SELECT count(DISTINCT aggregate_id) FROM hub.outbox");
            long events = h.count("SELECT count(*) FROM hub.outbox");
            assertThat(events).isGreaterThan(aggregates); // product 3 has two events
            // everything so far is old
            h.execute("UPDATE hub.outbox SET occurred_at = now() - interval '40 days'");
            h.execute("ALTER TABLE hub.record_changes DISABLE TRIGGER record_changes_append_only; "
                    + "UPDATE hub.record_changes SET changed_at = now() - interval '100 days'; "
                    + "ALTER TABLE hub.record_changes ENABLE TRIGGER record_changes_append_only");
            h.execute("UPDATE hub.sync_runs SET started_at = now() - interval '100 days', finished_at = now() - interval '100 days'");

            h.sandbox.touch(SandboxCollection.PRODUCTS, 4);
            h.passSafetyLag();
            Retention retention = h.hub().bean("retention", Retention.class);
            CompletableFuture<Map<String, Long>> purging = CompletableFuture.supplyAsync(() -> {
                try {
                    return retention.purge();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            SyncReport during = h.sync();
            Map<String, Long> purged = purging.join();
            assertThat(during.ok()).as(during.table()).isTrue();

            assertThat(purged).containsKeys("hub.outbox", "hub.record_changes", "hub.sync_runs");
            // the sync meanwhile superseded product 4's old event, maybe after that round looked: the next round takes it
            retention.purge();
            assertThat(h.count("SELECT count(DISTINCT aggregate_id) FROM hub.outbox")).as("every record keeps its latest event")
                    .isEqualTo(aggregates);
            assertThat(h.count("SELECT count(*) FROM hub.outbox o WHERE EXISTS (SELECT 1 FROM hub.outbox n "
                    + "WHERE n.aggregate_id = o.aggregate_id AND n.seq > o.seq) AND o.occurred_at < now() - interval '30 days'"))
                    .as("no superseded old event left").isZero();
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE changed_at < now() - interval '90 days'")).isZero();
            assertThat(h.count("SELECT count(*) FROM hub.record_changes")).as("the sync's own changes stay").isPositive();
            // each stream keeps its last run and its last success
            for (String stream : new String[] {"products", "packages"}) {
                assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE stream = ? AND status = 'SUCCEEDED'", stream))
                        .isGreaterThanOrEqualTo(1);
            }
            // a second round finds nothing more to do, and outside retention the change log stays append-only
            assertThat(retention.purge()).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.execute("DELETE FROM hub.record_changes"))
                    .hasMessageContaining("append-only");
        }
    }
}
