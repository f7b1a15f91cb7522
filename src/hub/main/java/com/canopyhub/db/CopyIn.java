package com.canopyhub.db;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Builds rows in PostgreSQL's COPY text format and streams them in with pgjdbc's CopyManager: the bulk path
 * (one round-trip per page, no per-parameter binding). The rows can be encoded ({@link #encode}) before the
 * transaction that sends them, so the transaction's thread only sends bytes (the sync's writer, PageWrites).
 */
public final class CopyIn implements RowCopy {

    private final String table;
    private final String columns;
    private final StringBuilder buffer;
    private int rows;
    private boolean rowOpen;
    private byte[] encoded;

    /** COPY into {@code table (columns)}; table may be schema-qualified or a temp table. */
    public CopyIn(String table, List<String> columns) {
        this(table, columns, 1 << 16);
    }

    /** @param expectedChars about how long the rows will be (a page's worth: no growing and copying on the way) */
    public CopyIn(String table, List<String> columns, int expectedChars) {
        this.table = table;
        this.columns = String.join(", ", columns);
        this.buffer = new StringBuilder(Math.max(16, expectedChars));
    }

    @Override
    public CopyIn field(Object value) {
        if (encoded != null) {
            throw new IllegalStateException("rows already encoded");
        }
        if (rowOpen) {
            buffer.append('\t');
        }
        rowOpen = true;
        if (value == null) {
            buffer.append("\\N");
        } else if (value instanceof BigDecimal d) {
            // toString is cached by BigDecimal (the record's JSON already made it); numeric reads its exponent form too
            buffer.append(d.toString());
        } else if (value instanceof Boolean b) {
            buffer.append(b ? 't' : 'f');
        } else if (value instanceof Instant t) {
            buffer.append(t); // ISO-8601 in UTC (…Z): timestamptz reads it as is
        } else if (value instanceof OffsetDateTime t) {
            buffer.append(t);
        } else if (value instanceof Number || value instanceof java.util.UUID) {
            buffer.append(value);
        } else {
            escape(value.toString());
        }
        return this;
    }

    @Override
    public void endRow() {
        buffer.append('\n');
        rowOpen = false;
        rows++;
    }

    @Override
    public int rows() {
        return rows;
    }

    /** The rows as the UTF-8 bytes COPY reads; encoded once (no row may be added after). */
    @Override
    public CopyIn encode() {
        if (encoded == null) {
            encoded = buffer.toString().getBytes(StandardCharsets.UTF_8);
            buffer.setLength(0);
            buffer.trimToSize();
        }
        return this;
    }

    @Override
    public long execute(Connection tx) throws SQLException {
        return execute(tx, table);
    }

    @Override
    public long execute(Connection tx, String target) throws SQLException {
        if (rows == 0) {
            return 0;
        }
        String copySql = "COPY " + target + " (" + columns + ") FROM STDIN";
        try {
            return tx.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new ByteArrayInputStream(encode().encoded));
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + copySql, e);
        }
    }

    private static boolean special(char c) {
        return c == '\\' || c == '\t' || c == '\n' || c == '\r';
    }

    private void escape(String s) {
        if (s.length() > 32 && s.indexOf('\\') < 0 && s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            buffer.append(s); // a long text (an event's JSON) without specials: the JDK's vectorised search says so at once
            return;
        }
        int first = 0;
        while (first < s.length() && !special(s.charAt(first))) {
            first++;
        }
        if (first == s.length()) {
            buffer.append(s);
            return;
        }
        buffer.append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> buffer.append("\\\\");
                case '\t' -> buffer.append("\\t");
                case '\n' -> buffer.append("\\n");
                case '\r' -> buffer.append("\\r");
                default -> buffer.append(c);
            }
        }
    }
}
