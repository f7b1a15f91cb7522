package com.canopyhub.db;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * Rows in PostgreSQL's binary COPY format, typed by column, built field by field and encoded before the transaction
 * that sends them (the sync's writer only sends bytes): the reporting rows, the change log and the outbox. The bulk
 * path: one round-trip per page, no per-parameter binding. PostgreSQL takes binary rows without parsing numbers, instants and
 * escaped text (measured: docs/benchmarks.md, "Throughput"), and the encoder needs no escaping either. Each column's
 * type must be its table's: a mismatch fails the COPY loudly, and CopyTypesTest holds every declared type against the
 * database's catalogue.
 *
 * <p>The format: a signature and two 32-bit words, then per row a 16-bit field count and per field a 32-bit length
 * (-1: NULL) and the value's binary send format; a 16-bit -1 ends the data.
 */
public final class BinaryCopyIn {

    /** The column types the encoder writes, by their PostgreSQL names. */
    public enum Type {
        TEXT("text"), JSONB("jsonb"), NUMERIC("numeric"), BOOL("boolean"), INT4("integer"), INT8("bigint"),
        TIMESTAMPTZ("timestamp with time zone"), TIMESTAMP("timestamp without time zone"), DATE("date"), UUID("uuid");

        private final String sqlName;

        Type(String sqlName) {
            this.sqlName = sqlName;
        }

        /** As information_schema.columns.data_type names it. */
        public String sqlName() {
            return sqlName;
        }
    }

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in seconds since 1970 and in days since 1970. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    private static final long PG_EPOCH_DAYS = 10_957L;
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

    private final String table;
    private final String columns;
    private final List<String> names;
    private final Type[] types;
    private final BigEndianBytes out;
    private int rows;
    private int column;
    private boolean encoded;

    /** COPY into {@code table (columns)}, each column of the given type; {@code expectedBytes}: about a page's worth. */
    public BinaryCopyIn(String table, List<String> columns, List<Type> types, int expectedBytes) {
        if (columns.size() != types.size()) {
            throw new IllegalArgumentException(table + ": " + columns.size() + " columns, " + types.size() + " types");
        }
        this.table = table;
        this.names = List.copyOf(columns);
        this.columns = String.join(", ", columns);
        this.types = types.toArray(Type[]::new);
        this.out = new BigEndianBytes(expectedBytes);
        out.bytes(SIGNATURE);
        out.int32(0); // flags: no OIDs
        out.int32(0); // header extension length
    }

    /** Appends one field of the current row; {@link #endRow()} after the last one. */
    public BinaryCopyIn field(Object value) {
        if (encoded) {
            throw new IllegalStateException("rows already encoded");
        }
        if (column == 0) {
            out.int16(types.length);
        }
        if (column >= types.length) {
            throw new IllegalStateException(table + ": more fields than its " + types.length + " columns");
        }
        Type type = types[column];
        try {
            if (value == null) {
                out.int32(-1);
            } else {
                write(type, value);
            }
        } catch (ClassCastException e) {
            throw new IllegalStateException(table + "." + names.get(column) + " (" + type.sqlName() + ") cannot take a "
                    + value.getClass().getSimpleName(), e);
        }
        column++;
        return this;
    }

    public void endRow() {
        if (column != types.length) {
            throw new IllegalStateException(table + ": a row of " + column + " fields, not " + types.length);
        }
        column = 0;
        rows++;
    }

    public int rows() {
        return rows;
    }

    /** Ends the data (once; no row may be added after): the rows can then be sent, before or in a transaction. */
    public BinaryCopyIn encode() {
        if (!encoded) {
            out.int16(-1);
            encoded = true;
        }
        return this;
    }

    /** Sends the rows on {@code tx}, inside the caller's transaction. */
    public long execute(Connection tx) throws SQLException {
        return execute(tx, table);
    }

    /** Sends the same rows into another table with the same columns (e.g. a staging table). */
    public long execute(Connection tx, String target) throws SQLException {
        if (rows == 0) {
            return 0;
        }
        encode();
        String copySql = "COPY " + target + " (" + columns + ") FROM STDIN (FORMAT binary)";
        try {
            return tx.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new ByteArrayInputStream(out.array(), 0, out.length()));
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + copySql, e);
        }
    }

    private void write(Type type, Object value) {
        switch (type) {
            case TEXT -> bytes(((String) value).getBytes(StandardCharsets.UTF_8), false);
            case JSONB -> bytes(((String) value).getBytes(StandardCharsets.UTF_8), true);
            case NUMERIC -> numeric((BigDecimal) value);
            case BOOL -> {
                out.int32(1);
                out.int8((Boolean) value ? 1 : 0);
            }
            case INT4 -> {
                out.int32(4);
                out.int32(((Number) value).intValue());
            }
            case INT8 -> {
                out.int32(8);
                out.int64(((Number) value).longValue());
            }
            case TIMESTAMPTZ -> {
                Instant t = value instanceof OffsetDateTime o ? o.toInstant() : (Instant) value;
                out.int32(8);
                out.int64(micros(t.getEpochSecond(), t.getNano()));
            }
            case TIMESTAMP -> {
                LocalDateTime t = (LocalDateTime) value;
                out.int32(8);
                out.int64(micros(t.toEpochSecond(ZoneOffset.UTC), t.getNano()));
            }
            case DATE -> {
                out.int32(4);
                out.int32((int) (((LocalDate) value).toEpochDay() - PG_EPOCH_DAYS));
            }
            case UUID -> {
                UUID u = (UUID) value;
                out.int32(16);
                out.int64(u.getMostSignificantBits());
                out.int64(u.getLeastSignificantBits());
            }
        }
    }

    /** Microseconds since PostgreSQL's epoch, rounded to the nearest as PostgreSQL rounds a text instant. */
    private static long micros(long epochSecond, int nano) {
        return Math.addExact(Math.multiplyExact(epochSecond - PG_EPOCH_SECONDS, 1_000_000L), (nano + 500) / 1000);
    }

    /**
     * numeric's send format: the number in base-10000 digits (most significant first, the decimal point on a digit
     * boundary), the weight of the first digit, the sign and the display scale.
     */
    private void numeric(BigDecimal d) {
        String text = d.toString(); // kept by BigDecimal, made already for the record's hash and JSON
        if (text.indexOf('E') < 0) {
            numeric(text, d.signum() < 0, Math.max(d.scale(), 0));
            return;
        }
        int scale = d.scale();
        BigInteger unscaled = d.unscaledValue().abs();
        if (scale < 0) {
            unscaled = unscaled.multiply(BigInteger.TEN.pow(-scale));
            scale = 0;
        }
        // pad the fraction to whole base-10000 digits
        int pad = (4 - scale % 4) % 4;
        if (pad > 0) {
            unscaled = unscaled.multiply(BigInteger.TEN.pow(pad));
        }
        int fractionDigits = (scale + pad) / 4;
        short[] digits = base10000(unscaled);
        numeric(digits, digits.length - 1 - fractionDigits, d.signum() < 0, scale);
    }

    /** numeric's send format from a plain decimal text ("-12345.6789"): digits grouped by four from the point. */
    private void numeric(String text, boolean negative, int scale) {
        int start = negative ? 1 : 0;
        int point = text.indexOf('.');
        int intEnd = point < 0 ? text.length() : point;
        int intLen = intEnd - start;
        int fracLen = point < 0 ? 0 : text.length() - point - 1;
        int intGroups = (intLen + 3) / 4;
        int fracGroups = (fracLen + 3) / 4;
        short[] digits = new short[intGroups + fracGroups];
        // integer part: groups right-aligned at the point
        for (int k = 0, pos = intEnd - intGroups * 4; k < intGroups; k++, pos += 4) {
            int g = 0;
            for (int j = pos; j < pos + 4; j++) {
                g = g * 10 + (j < start ? 0 : text.charAt(j) - '0');
            }
            digits[k] = (short) g;
        }
        // fraction: groups left-aligned at the point
        for (int k = 0, pos = intEnd + 1; k < fracGroups; k++, pos += 4) {
            int g = 0;
            for (int j = pos; j < pos + 4; j++) {
                g = g * 10 + (j < text.length() ? text.charAt(j) - '0' : 0);
            }
            digits[intGroups + k] = (short) g;
        }
        numeric(digits, intGroups - 1, negative, scale);
    }

    /**
     * Writes base-10000 digits (most significant first; {@code weight}: the power of 10000 of the first) without their
     * leading and trailing zeros, which numeric does not store (0.0001: the integer part's zero digit goes).
     */
    private void numeric(short[] digits, int weight, boolean negative, int scale) {
        int first = 0;
        while (first < digits.length && digits[first] == 0) {
            first++;
            weight--;
        }
        int last = digits.length;
        while (last > first && digits[last - 1] == 0) {
            last--;
        }
        int ndigits = last - first;
        if (ndigits == 0) {
            weight = 0;
        }
        out.int32(8 + 2 * ndigits);
        out.int16(ndigits);
        out.int16(weight);
        out.int16(negative ? 0x4000 : 0x0000);
        out.int16(scale);
        for (int i = first; i < last; i++) {
            out.int16(digits[i]);
        }
    }

    /** The base-10000 digits of a non-negative integer, most significant first (a long's without BigInteger division). */
    private static short[] base10000(BigInteger v) {
        if (v.bitLength() < 63) {
            long x = v.longValue();
            short[] out = new short[5];
            int i = out.length;
            do {
                out[--i] = (short) (x % 10_000);
                x /= 10_000;
            } while (x != 0);
            return Arrays.copyOfRange(out, i, out.length);
        }
        short[] out = new short[v.toString().length() / 4 + 2];
        int i = out.length;
        while (v.signum() != 0) {
            BigInteger[] qr = v.divideAndRemainder(TEN_THOUSAND);
            out[--i] = qr[1].shortValue();
            v = qr[0];
        }
        return Arrays.copyOfRange(out, i, out.length);
    }

    private void bytes(byte[] b, boolean jsonb) {
        out.int32(b.length + (jsonb ? 1 : 0));
        if (jsonb) {
            out.int8(1); // jsonb's binary format version
        }
        out.bytes(b);
    }
}
