package com.canopyhub.sink.reporting;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A reporting table and its columns. Builds one multi-row upsert keyed on {@code (source_system, source_id)}
 * that only touches rows whose content hash differs, and keeps {@code first_seen_at} from the first insert.
 */
final class TableSpec<T> {

    private final String table;
    private final List<Column<T>> columns;
    private final String upsertSql;

    TableSpec(String table, List<String> conflictKey, List<Column<T>> columns) {
        this.table = table;
        this.columns = List.copyOf(columns);
        String names = columns.stream().map(Column::name).collect(Collectors.joining(", "));
        String values = columns.stream().map(Column::placeholder).collect(Collectors.joining(", "));
        String updates = columns.stream().map(Column::name).filter(n -> !conflictKey.contains(n))
                .map(n -> n + " = EXCLUDED." + n).collect(Collectors.joining(", "));
        this.upsertSql = "INSERT INTO reporting." + table + " (" + names + ") VALUES (" + values + ") "
                + "ON CONFLICT (" + String.join(", ", conflictKey) + ") DO UPDATE SET " + updates + ", updated_at = now() "
                + "WHERE reporting." + table + ".content_hash IS DISTINCT FROM EXCLUDED.content_hash";
    }

    String table() {
        return table;
    }

    String upsertSql() {
        return upsertSql;
    }

    List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    void bind(PreparedStatement ps, T row) throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            columns.get(i).bind(ps, i + 1, row);
        }
    }
}
