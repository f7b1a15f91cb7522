package com.canopyhub.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canopyhub.db.BinaryCopyIn.Type;
import com.canopyhub.testing.TestPostgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Binary COPY round-trips every value exactly: what PostgreSQL stores equals what its text input would have stored. */
class BinaryCopyInTest {

    private static final List<String> COLUMNS = List.of("s", "n", "b", "ts", "u", "j", "i", "l", "d", "lt");
    private static final List<Type> TYPES = List.of(Type.TEXT, Type.NUMERIC, Type.BOOL, Type.TIMESTAMPTZ, Type.UUID, Type.JSONB,
            Type.INT4, Type.INT8, Type.DATE, Type.TIMESTAMP);

    @Test
    void every_type_round_trips_and_nulls_stay_null() throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.freshDatabase(), "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (s text, n numeric, b boolean, ts timestamptz, u uuid, j jsonb, i integer, l bigint, "
                    + "d date, lt timestamp)");
            String tricky = "tab\there, line\nbreak, back\\slash, cr\r, \\N literal, ünïcødé ✓";
            UUID id = UUID.randomUUID();
            Instant when = Instant.parse("2026-05-31T23:59:58.123456Z");
            BinaryCopyIn copy = new BinaryCopyIn("t", COLUMNS, TYPES, 16);
            copy.field(tricky).field(new BigDecimal("5.000000000")).field(true).field(when).field(id)
                    .field("{\"k\": \"v\\tw\"}").field(42).field(-7_000_000_000L).field(LocalDate.parse("1999-12-31"))
                    .field(LocalDateTime.parse("2026-03-04T05:06:07.891"));
            copy.endRow();
            for (int k = 0; k < COLUMNS.size(); k++) {
                copy.field(null);
            }
            copy.endRow();
            c.setAutoCommit(false);
            assertThat(copy.execute(c)).isEqualTo(2);
            c.commit();
            try (ResultSet rs = st.executeQuery("SELECT *, j::text AS jt FROM t ORDER BY i NULLS LAST")) {
                rs.next();
                assertThat(rs.getString("s")).isEqualTo(tricky);
                assertThat(rs.getString("n")).isEqualTo("5.000000000");
                assertThat(rs.getBoolean("b")).isTrue();
                assertThat(rs.getObject("ts", java.time.OffsetDateTime.class).toInstant()).isEqualTo(when);
                assertThat(rs.getObject("u")).isEqualTo(id);
                assertThat(rs.getString("jt")).isEqualTo("{\"k\": \"v\\tw\"}");
                assertThat(rs.getInt("i")).isEqualTo(42);
                assertThat(rs.getLong("l")).isEqualTo(-7_000_000_000L);
                assertThat(rs.getObject("d", LocalDate.class)).isEqualTo(LocalDate.parse("1999-12-31"));
                assertThat(rs.getObject("lt", LocalDateTime.class)).isEqualTo(LocalDateTime.parse("2026-03-04T05:06:07.891"));
                rs.next();
                for (String col : COLUMNS) {
                    assertThat(rs.getObject(col)).as(col).isNull();
                }
            }
        }
    }

    @Test
    void numerics_are_stored_exactly_as_their_text_would_be() throws Exception {
        List<String> values = new ArrayList<>(List.of("0", "0.0", "-0.000", "1", "-1", "9999", "10000", "12345.6789", "0.0001",
                "0.00012", "-0.5", "100000000", "5.000000000", "123456789012345678901234567890.123456789012345678901",
                "-98765432109876543210", "1E+3", "1.5E-10", "7E+20", "0.10", "3.14159265358979323846264338327950288"));
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 300; i++) {
            values.add(new BigDecimal(java.math.BigInteger.valueOf(r.nextLong()), r.nextInt(-5, 25)).toString());
        }
        try (Connection c = DriverManager.getConnection(TestPostgres.freshDatabase(), "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE n (k integer, v numeric)");
            BinaryCopyIn copy = new BinaryCopyIn("n", List.of("k", "v"), List.of(Type.INT4, Type.NUMERIC), 16);
            for (int k = 0; k < values.size(); k++) {
                copy.field(k).field(new BigDecimal(values.get(k)));
                copy.endRow();
            }
            c.setAutoCommit(false);
            copy.execute(c);
            c.commit();
            for (int k = 0; k < values.size(); k++) {
                try (var ps = c.prepareStatement("SELECT v::text, ?::numeric::text FROM n WHERE k = ?")) {
                    ps.setString(1, values.get(k));
                    ps.setInt(2, k);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getString(1)).as(values.get(k)).isEqualTo(rs.getString(2));
                    }
                }
            }
        }
    }

    @Test
    void a_value_of_the_wrong_type_names_its_column_and_a_short_row_is_refused() {
        BinaryCopyIn copy = new BinaryCopyIn("t", List.of("a", "b"), List.of(Type.TEXT, Type.INT8), 16);
        copy.field("x");
        assertThatThrownBy(() -> copy.field("not a number")).hasMessageContaining("t.b (bigint)");
        BinaryCopyIn short_ = new BinaryCopyIn("t", List.of("a", "b"), List.of(Type.TEXT, Type.INT8), 16);
        short_.field("x");
        assertThatThrownBy(short_::endRow).hasMessageContaining("1 fields, not 2");
    }
}
