package com.canopyhub.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Rows for one COPY, built field by field, encoded once (possibly before the transaction that sends them), then sent
 * into their table or another with the same columns (a staging table): {@link CopyIn} (text) or {@link BinaryCopyIn}.
 */
public interface RowCopy {

    /** Appends one field of the current row; {@link #endRow()} after the last one. */
    RowCopy field(Object value);

    void endRow();

    int rows();

    /** Encodes the rows (once; no row may be added after). */
    RowCopy encode();

    /** Sends the rows on {@code tx}, inside the caller's transaction. */
    long execute(Connection tx) throws SQLException;

    /** Sends the same rows into another table with the same columns (e.g. a staging table). */
    long execute(Connection tx, String target) throws SQLException;
}
