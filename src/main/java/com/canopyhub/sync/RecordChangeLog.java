package com.canopyhub.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Appends one {@code hub.record_changes} row per changed record: the audit trail and the future outbox feed. */
public class RecordChangeLog implements ChangeSink {

    private static final String INSERT = "INSERT INTO hub.record_changes "
            + "(entity, source_system, source_id, canonical_id, change_type, old_hash, new_hash, sync_run_id) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    @Override
    public String name() {
        return "record-changes";
    }

    @Override
    public void accept(Connection tx, ChangeBatch batch) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(INSERT)) {
            for (Change ch : batch.changes()) {
                ps.setString(1, batch.type().table());
                ps.setString(2, batch.sourceSystem());
                ps.setString(3, ch.record().provenance().sourceId());
                ps.setObject(4, ch.record().canonicalId());
                ps.setString(5, ch.created() ? "CREATED" : "UPDATED");
                ps.setString(6, ch.oldHash());
                ps.setString(7, ch.newHash());
                ps.setLong(8, batch.syncRunId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
