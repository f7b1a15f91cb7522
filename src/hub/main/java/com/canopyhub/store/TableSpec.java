package com.canopyhub.store;

import com.canopyhub.db.BinaryCopyIn;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A reporting table and its columns. A page of rows is COPYed into a temporary staging table and merged with
 * one {@code INSERT ... SELECT ... ON CONFLICT (source_system, source_id) DO UPDATE} that only touches rows whose
 * content hash differs and keeps {@code first_seen_at} from the first insert.
 */
final class TableSpec<T> {

    private final String table;
    private final List<Column<T>> columns;
    private final List<String> names;
    private final List<BinaryCopyIn.Type> types;
    private final String createStaging;
    private final String merge;

    TableSpec(String table, List<String> conflictKey, List<Column<T>> columns) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.names = columns.stream().map(Column::name).toList();
        this.types = columns.stream().map(Column::type).toList();
        String list = String.join(", ", names);
        String updates = names.stream().filter(n -> !conflictKey.contains(n))
                .map(n -> n + " = EXCLUDED." + n).collect(Collectors.joining(", "));
        // per connection, emptied at commit: pooled connections reuse it
        this.createStaging = "CREATE TEMP TABLE IF NOT EXISTS " + staging() + " (LIKE reporting." + table
                + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS";
        this.merge = "INSERT INTO reporting." + table + " (" + list + ") SELECT " + list + " FROM " + staging()
                + " ON CONFLICT (" + String.join(", ", conflictKey) + ") DO UPDATE SET " + updates + ", updated_at = now() "
                + "WHERE reporting." + table + ".content_hash IS DISTINCT FROM EXCLUDED.content_hash";
    }

    private String staging() {
        return "staging_" + table;
    }

    /** Writes {@code rows} inside the caller's transaction: staged, then merged. */
    void upsert(Connection tx, List<T> rows) throws SQLException {
        upsert(tx, encode(rows));
    }

    /** Writes encoded rows ({@link #encode}) inside the caller's transaction: staged, then merged. */
    void upsert(Connection tx, BinaryCopyIn rows) throws SQLException {
        if (rows.rows() == 0) {
            return;
        }
        try (Statement st = tx.createStatement()) {
            st.execute(createStaging);
            rows.execute(tx, staging());
            st.executeUpdate(merge);
        }
    }

    /**
     * Writes rows the change detector found absent straight into the table (a full sync costs about one COPY).
     * Should one have appeared meanwhile, the unique key rejects the COPY and the rows are merged instead.
     */
    void insertNew(Connection tx, List<T> rows) throws SQLException {
        insertNew(tx, encode(rows));
    }

    void insertNew(Connection tx, BinaryCopyIn rows) throws SQLException {
        if (rows.rows() == 0) {
            return;
        }
        Savepoint before = tx.setSavepoint();
        try {
            rows.execute(tx, "reporting." + table);
            tx.releaseSavepoint(before);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            tx.rollback(before);
            upsert(tx, rows);
        }
    }

    /**
     * The rows in binary COPY's encoding (each column as its type), made before the transaction that sends them (into
     * the table or its staging table).
     */
    BinaryCopyIn encode(List<T> rows) {
        // about 48 bytes a column: a page's rows without growing the buffer on the way
        BinaryCopyIn copy = new BinaryCopyIn("reporting." + table, names, types, rows.size() * columns.size() * 48);
        for (T row : rows) {
            for (Column<T> c : columns) {
                copy.field(c.value().apply(row));
            }
            copy.endRow();
        }
        return copy.encode();
    }

    /** The table's columns and their PostgreSQL types (CopyTypesTest holds them against the catalogue). */
    java.util.Map<String, BinaryCopyIn.Type> columnTypes() {
        java.util.Map<String, BinaryCopyIn.Type> out = new java.util.LinkedHashMap<>();
        columns.forEach(c -> out.put(c.name(), c.type()));
        return out;
    }

    String table() {
        return table;
    }
}
