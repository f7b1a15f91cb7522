package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.testing.HubHarness;
import org.junit.jupiter.api.Test;

/**
 * Rows written before content hash version 2 hold version 1 (SHA-256 of the record's canonical JSON): the next pass
 * reads every record again and writes nothing for those whose content did not change, and a record that did change
 * is written under version 2.
 */
class HashVersionTest {

    @Test
    void rows_hashed_under_version_1_write_nothing_until_their_record_changes() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(40)).start()) {
            assertThat(h.sync("products").ok()).isTrue();
            // what the previous version stored: SHA-256 of the canonical JSON, which each product's created event
            // carries byte for byte as its "record"
            h.execute("UPDATE reporting.products p SET content_hash = encode(sha256(convert_to(substring(o.payload "
                    + "from '\"record\":(.*),\"schema_version\"'), 'UTF8')), 'hex') FROM hub.outbox o "
                    + "WHERE o.aggregate_id = p.canonical_id AND o.type = 'product.created'");
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE content_hash ~ '^[0-9a-f]{64}$'")).isEqualTo(40);
            long changes = h.count("SELECT count(*) FROM hub.record_changes");
            long events = h.count("SELECT count(*) FROM hub.outbox");
            h.execute("DELETE FROM hub.sync_cursors"); // the next pass reads every product again

            SyncReport again = h.sync("products");

            assertThat(again.ok()).as(again.table()).isTrue();
            assertThat(again.total(StreamResult::fetched)).isEqualTo(40);
            assertThat(again.total(StreamResult::changed)).as("only the hash's version differs").isZero();
            assertThat(again.total(StreamResult::written)).isZero();
            assertThat(h.count("SELECT count(*) FROM hub.record_changes")).isEqualTo(changes);
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).isEqualTo(events);
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE content_hash ~ '^[0-9a-f]{64}$'"))
                    .as("nothing rewritten").isEqualTo(40);

            h.sandbox.touch(SandboxCollection.PRODUCTS, 7);
            h.passSafetyLag();
            SyncReport changed = h.sync("products");

            assertThat(changed.total(StreamResult::written)).isEqualTo(1);
            String id = DistruSandbox.recordId(SandboxCollection.PRODUCTS, 7);
            assertThat(h.rows("SELECT old_hash, new_hash FROM hub.record_changes WHERE source_id = ? AND change_type = 'UPDATED'", id))
                    .singleElement().satisfies(r -> {
                        assertThat((String) r.get("old_hash")).hasSize(64);
                        assertThat((String) r.get("new_hash")).startsWith("v2:");
                    });
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE content_hash LIKE 'v2:%'")).isEqualTo(1);
        }
    }
}
