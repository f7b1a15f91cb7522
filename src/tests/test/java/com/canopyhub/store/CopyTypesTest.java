package com.canopyhub.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.db.BinaryCopyIn;
import com.canopyhub.engine.changes.RecordChangeLog;
import com.canopyhub.events.OutboxSink;
import com.canopyhub.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Binary COPY needs each column's exact type: every type the writer declares (reporting tables, change log, outbox)
 * is the migrated schema's, so a migration that changes a column fails here, not in a sync.
 */
class CopyTypesTest {

    @Test
    void every_column_the_sync_copies_is_declared_with_its_database_type() throws Exception {
        String url = TestPostgres.freshDatabase();
        Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration")
                .schemas("hub", "reporting").defaultSchema("hub").createSchemas(true).load().migrate();
        Map<String, Map<String, BinaryCopyIn.Type>> declared = new LinkedHashMap<>();
        List<TableSpec<?>> specs = new ArrayList<>(ReportingTables.BY_TYPE.values());
        specs.add(ReportingTables.ORDER_LINES);
        for (TableSpec<?> spec : specs) {
            declared.put("reporting." + spec.table(), spec.columnTypes());
        }
        declared.put("hub.record_changes", zip(RecordChangeLog.COLUMNS, RecordChangeLog.TYPES));
        declared.put("hub.outbox", zip(OutboxSink.COLUMNS, OutboxSink.TYPES));
        assertThat(declared).hasSizeGreaterThan(15);
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            for (Map.Entry<String, Map<String, BinaryCopyIn.Type>> table : declared.entrySet()) {
                String[] name = table.getKey().split("\\.");
                Map<String, String> actual = new LinkedHashMap<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM information_schema.columns "
                        + "WHERE table_schema = ? AND table_name = ?")) {
                    ps.setString(1, name[0]);
                    ps.setString(2, name[1]);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            actual.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
                table.getValue().forEach((column, type) -> assertThat(actual.get(column))
                        .as(table.getKey() + "." + column).isEqualTo(type.sqlName()));
            }
        }
    }

    private static Map<String, BinaryCopyIn.Type> zip(List<String> columns, List<BinaryCopyIn.Type> types) {
        Map<String, BinaryCopyIn.Type> out = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            out.put(columns.get(i), types.get(i));
        }
        return out;
    }
}
