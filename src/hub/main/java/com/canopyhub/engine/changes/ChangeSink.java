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

    /**
     * This sink's part of a page, made ready before its transaction: work that needs no database (COPY rows encoded,
     * events serialised) is done here, on the run's thread, while the writer's transaction only sends what was made
     * (engine/run/PageWrites). By default everything happens in the transaction.
     */
    default Write prepare(ChangeBatch batch) {
        return tx -> accept(tx, batch);
    }

    /** What a sink does in the page's transaction. */
    @FunctionalInterface
    interface Write {
        void to(Connection tx) throws SQLException;
    }
}
