package com.canopyhub.source.distru;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.testing.HubHarness;
import org.junit.jupiter.api.Test;

/**
 * Distru has no deletion feed: a record deleted there is noticed by a {@code --full} pass, which reads every record of a
 * dated collection, and marked deleted only once Distru confirms it by a consistent read (docs/sync-engine.md,
 * "Deletions in Distru's dated collections"). Incremental passes never mark anything deleted.
 */
class DistruDeletionsTest {

    @Test
    void a_full_pass_marks_deleted_what_distru_no_longer_holds_after_confirming_it_and_an_incremental_one_never_does() throws Exception {
        // 1,500 locations: two pages of 1,000, so the full pass is offset-paged and every absence needs confirming
        DistruSandbox.Options options = DistruSandbox.Options.defaults(0)
                .withSizes(SandboxSizes.uniform(0).with(SandboxCollection.LOCATIONS, 1_500).with(SandboxCollection.PRODUCTS, 30));
        try (HubHarness h = new HubHarness(options, "hub.distru.streams", "locations,products").start()) {
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.locations")).isEqualTo(1_500);

            h.sandbox.setDeleted(SandboxCollection.LOCATIONS, 10, true);
            h.sandbox.setDeleted(SandboxCollection.PRODUCTS, 3, true);
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.locations WHERE deleted_at IS NOT NULL")).as("incremental").isZero();
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE deleted_at IS NOT NULL")).isZero();

            // while the full pass reads page 2 of the locations, another location (on page 1, already read) is deleted:
            // every later one moves up a place and location 1000 slips onto page 1, unseen by this pass
            h.sandbox.onPageServed((collection, page) -> {
                if (collection.equals("locations") && page == 1) {
                    h.sandbox.setDeleted(SandboxCollection.LOCATIONS, 20, true);
                }
            });
            int before = h.sandbox.served().size();
            SyncReport full = h.fullSync();
            assertThat(full.ok()).as(full.table()).isTrue();
            h.sandbox.onPageServed((c, p) -> { });
            String location10 = DistruSandbox.recordId(SandboxCollection.LOCATIONS, 10);
            String location20 = DistruSandbox.recordId(SandboxCollection.LOCATIONS, 20);
            // location 20 was served (page 1) before it went: this pass cannot know; the live location pushed past the
            // page boundary was not served, and is confirmed present by the consistent read
            assertThat(h.rows("SELECT source_id FROM reporting.locations WHERE deleted_at IS NOT NULL"))
                    .extracting(r -> r.get("source_id")).containsExactly(location10);
            assertThat(h.rows("SELECT source_id FROM reporting.products WHERE deleted_at IS NOT NULL"))
                    .extracting(r -> r.get("source_id")).containsExactly(DistruSandbox.recordId(SandboxCollection.PRODUCTS, 3));
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'DELETED'")).isEqualTo(2);
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'product.deleted'")).isEqualTo(1);
            assertThat(h.sandbox.served().subList(before, h.sandbox.served().size()))
                    .as("a confirming read of the locations by updated_datetime")
                    .anyMatch(s -> s.pathAndQuery().startsWith("/public/v1/locations") && s.pathAndQuery().contains("updated_datetime"));

            assertThat(h.fullSync("locations").ok()).isTrue();
            assertThat(h.rows("SELECT source_id FROM reporting.locations WHERE deleted_at IS NOT NULL"))
                    .extracting(r -> r.get("source_id")).containsExactlyInAnyOrder(location10, location20);
            assertThat(h.count("SELECT count(*) FROM reporting.locations WHERE deleted_at IS NULL")).isEqualTo(1_498);

            // deleted records come back: the next pass that serves them restores them
            h.sandbox.setDeleted(SandboxCollection.PRODUCTS, 3, false);
            assertThat(h.fullSync("products").ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE deleted_at IS NOT NULL")).isZero();
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'product.restored'")).isEqualTo(1);
        }
    }
}
