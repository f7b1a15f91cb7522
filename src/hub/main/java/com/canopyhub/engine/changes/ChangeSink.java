package com.canopyhub.engine.changes;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A consumer of the change stream. Every sink writes inside the same database transaction, so a batch is
 * taken by all of them or by none: the change log, the outbox, the reporting tables, low-stock events, dead letters.
 */
public interface ChangeSink {

    String name();

    void accept(Connection tx, ChangeBatch batch) throws SQLException;
}
