package com.canopyhub.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Delivers each batch of changed records to every {@link ChangeSink} in one database transaction: either all
 * sinks have taken the batch or none has, so a crash between pages never leaves a half-written page.
 */
public class ChangeStream {

    private final DataSource dataSource;
    private final List<ChangeSink> sinks;

    public ChangeStream(DataSource dataSource, List<ChangeSink> sinks) {
        this.dataSource = dataSource;
        this.sinks = List.copyOf(sinks);
    }

    public void publish(ChangeBatch batch, EntitySync sync) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (ChangeSink sink : sinks) {
                    sink.accept(c, batch);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        sync.recordWritten(batch.changes().size());
    }
}
