package com.canopyhub.store;

import com.canopyhub.canonical.EntityType;
import com.canopyhub.db.BinaryCopyIn;
import com.canopyhub.canonical.Order;
import com.canopyhub.canonical.OrderLine;
import com.canopyhub.engine.changes.Change;
import com.canopyhub.engine.changes.ChangeBatch;
import com.canopyhub.engine.changes.ChangeSink;
import com.canopyhub.engine.changes.ContentHasher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes changed canonical records into the reporting tables, never a round-trip per record: new records by one
 * COPY per page, changed ones by one COPY into a staging table and one merging upsert. Order lines follow their order.
 */
public class ReportingSink implements ChangeSink {

    @Override
    public String name() {
        return "reporting";
    }

    @Override
    public void accept(Connection tx, ChangeBatch batch) throws SQLException {
        prepare(batch).to(tx);
    }

    /** New and changed rows encoded before the transaction; the transaction sends them, marks deletions, writes order lines. */
    @Override
    public Write prepare(ChangeBatch batch) {
        TableSpec<Change> spec = ReportingTables.BY_TYPE.get(batch.type());
        if (spec == null) {
            throw new IllegalStateException("No reporting table for " + batch.type());
        }
        List<Change> created = new ArrayList<>();
        List<Change> updated = new ArrayList<>();
        List<Change> deleted = new ArrayList<>();
        for (Change c : batch.changes()) {
            (c.deleted() ? deleted : c.created() ? created : updated).add(c);
        }
        BinaryCopyIn newRows = spec.encode(created);
        BinaryCopyIn changedRows = spec.encode(updated);
        return tx -> {
            spec.insertNew(tx, newRows);
            spec.upsert(tx, changedRows);
            markDeleted(tx, batch, deleted);
            if (batch.type() == EntityType.ORDER) {
                writeOrderLines(tx, batch);
            }
        };
    }

    /**
     * A deleted record keeps its last content (what it was is still worth reporting) and gets {@code deleted_at};
     * its content hash becomes the tombstone's, so the record coming back is a change (a restore, which the merge
     * writes with {@code deleted_at} cleared).
     */
    private static void markDeleted(Connection tx, ChangeBatch batch, List<Change> deleted) throws SQLException {
        if (deleted.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = tx.prepareStatement("UPDATE reporting." + batch.type().table() + " t SET deleted_at = now(), "
                + "updated_at = now(), content_hash = d.hash FROM unnest(?::text[], ?::text[]) AS d(id, hash) "
                + "WHERE t.source_system = ? AND t.source_id = d.id")) {
            ps.setArray(1, tx.createArrayOf("text", deleted.stream().map(c -> c.record().provenance().sourceId()).toArray()));
            ps.setArray(2, tx.createArrayOf("text", deleted.stream().map(Change::newHash).toArray()));
            ps.setString(3, batch.sourceSystem());
            ps.executeUpdate();
        }
    }

    /** Upserts the lines of each changed order and deletes lines that are no longer on it. */
    private static void writeOrderLines(Connection tx, ChangeBatch batch) throws SQLException {
        List<ReportingTables.LineRow> lines = new ArrayList<>();
        List<String> orderIds = new ArrayList<>();
        for (Change c : batch.changes()) {
            if (!(c.record() instanceof Order order)) {
                continue; // a deleted order keeps its lines as last seen
            }
            orderIds.add(order.provenance().sourceId());
            for (OrderLine line : order.lines()) {
                lines.add(new ReportingTables.LineRow(order, line, ContentHasher.hash(line)));
            }
        }
        try (PreparedStatement ps = tx.prepareStatement("DELETE FROM reporting.order_lines WHERE source_system = ? "
                + "AND order_source_id = ANY(?) AND NOT (source_id = ANY(?))")) {
            ps.setString(1, batch.sourceSystem());
            ps.setArray(2, tx.createArrayOf("text", orderIds.toArray()));
            ps.setArray(3, tx.createArrayOf("text", lines.stream().map(l -> l.line().sourceId()).toArray()));
            ps.executeUpdate();
        }
        ReportingTables.ORDER_LINES.upsert(tx, lines);
    }
}
