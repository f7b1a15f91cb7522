package com.canopyhub.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.testing.TestPostgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** COPY text encoding round-trips every value exactly, including the characters COPY treats specially. */
class CopyInTest {

    @Test
    void values_with_tabs_newlines_backslashes_nulls_and_exact_decimals_round_trip() throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.freshDatabase(), "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (s text, n numeric, b boolean, ts timestamptz, u uuid, j jsonb, i bigint)");
            String tricky = "tab\there, line\nbreak, back\\slash, cr\r, \\N literal";
            UUID id = UUID.randomUUID();
            OffsetDateTime when = OffsetDateTime.parse("2026-05-31T23:59:58.123456Z");
            CopyIn copy = new CopyIn("t", List.of("s", "n", "b", "ts", "u", "j", "i"));
            copy.field(tricky).field(new BigDecimal("5.000000000")).field(true).field(when).field(id)
                    .field("{\"k\": \"v\\tw\"}").field(42L);
            copy.endRow();
            copy.field(null).field(null).field(null).field(null).field(null).field(null).field(null);
            copy.endRow();
            c.setAutoCommit(false);
            assertThat(copy.execute(c)).isEqualTo(2);
            c.commit();
            try (ResultSet rs = st.executeQuery("SELECT * FROM t ORDER BY i NULLS LAST")) {
                rs.next();
                assertThat(rs.getString("s")).isEqualTo(tricky);
                assertThat(rs.getBigDecimal("n")).isEqualTo(new BigDecimal("5.000000000"));
                assertThat(rs.getBoolean("b")).isTrue();
                assertThat(rs.getObject("ts", OffsetDateTime.class).toInstant()).isEqualTo(when.toInstant());
                assertThat(rs.getObject("u")).isEqualTo(id);
                assertThat(rs.getString("j")).isEqualTo("{\"k\": \"v\\tw\"}");
                rs.next();
                assertThat(rs.getString("s")).isNull();
                assertThat(rs.getObject("n")).isNull();
            }
        }
    }
}
