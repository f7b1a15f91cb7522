package com.canopyhub.engine.run;

import com.canopyhub.db.DatabaseErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.canopyhub.engine.changes.Change;
import com.canopyhub.engine.changes.ChangeBatch;
import com.canopyhub.engine.changes.ChangeSink;

/**
 * Delivers each batch of changed records to every {@link ChangeSink} in one database transaction: either all
 * sinks have taken the batch or none has, so a crash between pages never leaves a half-written page.
 *
 * <p>If PostgreSQL rejects the batch for its data (a value it cannot store, a constraint), the records at fault
 * are isolated by halving the batch under savepoints, still in that one transaction: every other record is
 * written, and each rejected one becomes a dead letter with its source id and the database's reason.
 */
public class ChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStream.class);

    private final DataSource dataSource;
    private final List<ChangeSink> sinks;
    private final RejectedChanges deadLetters;
    private final java.util.concurrent.Executor writer;
    private final int writeBehindPages;
    private final io.opentelemetry.api.trace.Tracer tracer;

    /**
     * Where the changes the database rejected go, inside the page's transaction (the dead-letter store). An interface
     * of the engine's, so the engine does not depend on the store that implements it.
     */
    public interface RejectedChanges {
        void storeRejectedChanges(Connection tx, ChangeBatch batch, List<RejectedChange> rejected) throws SQLException;
    }

    /**
     * @param writer           the threads pages are written on behind their runs (PageWrites)
     * @param writeBehindPages how many pages of a run may wait for their transaction (hub.sync.write-behind-pages);
     *                         0 writes each page on its run's thread
     */
    public ChangeStream(DataSource dataSource, List<ChangeSink> sinks, RejectedChanges deadLetters,
                        java.util.concurrent.Executor writer, int writeBehindPages, io.opentelemetry.api.trace.Tracer tracer) {
        this.dataSource = dataSource;
        this.sinks = List.copyOf(sinks);
        this.deadLetters = deadLetters;
        this.writer = writer;
        this.writeBehindPages = writer == null ? 0 : writeBehindPages;
        this.tracer = tracer;
    }

    /**
     * Sends a page's changes to every sink in one transaction: behind the run (the run goes on with its next page; see
     * {@link PageWrites}) or, without write-behind, now.
     */
    public void publish(@org.apache.camel.Body ChangeBatch batch, @org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        // each sink's work that needs no transaction is done now, on the run's thread
        List<ChangeSink.Write> prepared = new ArrayList<>(sinks.size());
        for (ChangeSink sink : sinks) {
            prepared.add(sink.prepare(batch));
        }
        if (writeBehindPages == 0) {
            writeTraced(batch, prepared, sync);
        } else {
            sync.writes(() -> new PageWrites(writer, writeBehindPages)).submit(sourceIds(batch), () -> writeTraced(batch, prepared, sync));
        }
    }

    /**
     * The page's transaction as a child span of the page (the page's context is current here, on either thread; the
     * events carry the page's traceparent, which deliveries link to).
     */
    private void writeTraced(ChangeBatch batch, List<ChangeSink.Write> prepared, StreamRun sync) throws SQLException {
        io.opentelemetry.api.trace.Span span = tracer.spanBuilder("database transaction").startSpan();
        try {
            writeNow(batch, prepared, sync);
        } catch (SQLException | RuntimeException e) {
            span.recordException(e);
            span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    private static List<String> sourceIds(ChangeBatch batch) {
        List<String> ids = new ArrayList<>(batch.changes().size());
        for (Change c : batch.changes()) {
            ids.add(c.record().provenance().sourceId());
        }
        return ids;
    }

    private void writeNow(ChangeBatch batch, List<ChangeSink.Write> prepared, StreamRun sync) throws SQLException {
        List<RejectedChange> rejected = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                write(c, batch, prepared, rejected);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        sync.recordWritten(batch.changes().size() - rejected.size());
        sync.recordDeadLettered(rejected.size());
    }

    private void write(Connection tx, ChangeBatch batch, List<ChangeSink.Write> prepared, List<RejectedChange> rejected)
            throws SQLException {
        try {
            for (ChangeSink.Write w : prepared) {
                w.to(tx);
            }
            return;
        } catch (SQLException e) {
            if (!DatabaseErrors.blamesData(e)) {
                throw e;
            }
            tx.rollback();
            LOG.warn("{}/{}: the database rejected a page of {} change(s): {}; isolating the records at fault",
                    batch.sourceSystem(), batch.stream(), batch.changes().size(), reason(e));
            isolate(tx, batch, e, rejected);
            if (rejected.size() == batch.changes().size() && rejected.size() > 1) {
                // every record fails on its own: the table, not the data, is at fault; fail the run instead
                throw e;
            }
        }
        deadLetters.storeRejectedChanges(tx, batch, rejected);
    }

    private void writeAll(Connection tx, ChangeBatch batch) throws SQLException {
        for (ChangeSink sink : sinks) {
            sink.accept(tx, batch);
        }
    }

    /** Writes what can be written of {@code batch}, halving it around failures; collects the single records that fail. */
    private void isolate(Connection tx, ChangeBatch batch, SQLException failure, List<RejectedChange> rejected)
            throws SQLException {
        int n = batch.changes().size();
        if (n == 1) {
            rejected.add(new RejectedChange(batch.changes().get(0), failure));
            return;
        }
        for (ChangeBatch half : List.of(batch.part(0, n / 2), batch.part(n / 2, n))) {
            Savepoint before = tx.setSavepoint();
            try {
                writeAll(tx, half);
                tx.releaseSavepoint(before);
            } catch (SQLException e) {
                tx.rollback(before);
                if (!DatabaseErrors.blamesData(e)) {
                    throw e;
                }
                isolate(tx, half, e, rejected);
            }
        }
    }

    /** The database's reason, one line, with its SQLSTATE. */
    static String reason(SQLException e) {
        return DatabaseErrors.firstLine(e) + " (SQLSTATE " + e.getSQLState() + ")";
    }

    /** One change the database would not take, and why. */
    public record RejectedChange(Change change, SQLException reason) {
        public String describe() {
            return ChangeStream.reason(reason);
        }
    }
}
