package com.canopyhub.store;

import com.canopyhub.config.SecretRedactor;
import com.canopyhub.source.UpstreamException;
import com.canopyhub.engine.changes.ChangeBatch;
import com.canopyhub.engine.changes.ChangeSink;
import com.canopyhub.engine.run.ChangeStream;
import com.canopyhub.engine.changes.ContentHasher;
import com.canopyhub.engine.run.StreamRun;
import com.canopyhub.engine.spi.StreamKey;
import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.RejectedRecord;
import com.canopyhub.engine.run.SyncStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persisted dead-letter store ({@code hub.dead_letters}). The same failure seen again (same record, or the
 * same kind of run failure) bumps {@code attempts} on its open row instead of piling up duplicates.
 */
public class DeadLetterStore implements ChangeSink, ChangeStream.RejectedChanges {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);
    private static final String UPSERT = "INSERT INTO hub.dead_letters (fingerprint, source_system, stream, partition, "
            + "source_id, route_id, reason, payload, attempts, first_failed_at, last_failed_at, sync_run_id) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, now(), now(), ?) "
            + "ON CONFLICT (fingerprint) WHERE resolved_at IS NULL DO UPDATE SET attempts = hub.dead_letters.attempts + 1, "
            + "reason = EXCLUDED.reason, payload = EXCLUDED.payload, route_id = EXCLUDED.route_id, "
            + "last_failed_at = EXCLUDED.last_failed_at, sync_run_id = EXCLUDED.sync_run_id";

    private final DataSource dataSource;
    private final SecretRedactor redactor;

    public DeadLetterStore(DataSource dataSource, SecretRedactor redactor) {
        this.dataSource = dataSource;
        this.redactor = redactor;
    }

    /** Stores the records of a page that could not be mapped; the page's other records carry on. */
    public MappedPage storeRejects(@org.apache.camel.Body MappedPage page, @org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync,
                                   @org.apache.camel.language.simple.Simple("${routeId}") String routeId) throws SQLException {
        if (page.rejects().isEmpty()) {
            return page;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (RejectedRecord r : page.rejects()) {
                String key = r.sourceId() != null ? "record|" + r.sourceId() : "payload|" + r.payload();
                bind(ps, fingerprint(r.sourceSystem(), r.stream(), sync.partition(), key), r.sourceSystem(), r.stream(),
                        sync.partition(), r.sourceId(), routeId, "unmappable record: " + r.reason(), r.payload(), sync.runId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        sync.recordDeadLettered(page.rejects().size());
        LOG.warn("{}/{} page {}: {} record(s) dead-lettered, first: {}", page.sourceSystem(), sync.label(),
                page.pageNumber(), page.rejects().size(), page.rejects().get(0).reason());
        return page;
    }

    /**
     * Stores the changes the reporting database rejected (after the rest of their page was isolated from them),
     * inside the page's transaction: the canonical record as payload, the database's reason, the source id.
     */
    @Override
    public void storeRejectedChanges(Connection tx, ChangeBatch batch, List<ChangeStream.RejectedChange> rejected)
            throws SQLException {
        if (rejected.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = tx.prepareStatement(UPSERT)) {
            for (ChangeStream.RejectedChange r : rejected) {
                String sourceId = r.change().record().provenance().sourceId();
                bind(ps, fingerprint(batch.sourceSystem(), batch.stream(), batch.partition(), "record|" + sourceId),
                        batch.sourceSystem(), batch.stream(), batch.partition(), sourceId, "canonical-changes",
                        redactor.redact("rejected by the reporting database: " + r.describe()),
                        redactor.redact(ContentHasher.json(r.change().record().withoutPersonalData())), batch.syncRunId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        LOG.warn("{}/{}: {} record(s) rejected by the reporting database and dead-lettered, first: {}", batch.sourceSystem(),
                StreamKey.label(batch.stream(), batch.partition()), rejected.size(), rejected.get(0).describe());
    }

    /**
     * Stores a failure that ended an stream's run (after retries, or a non-retryable 4xx). Never throws: it runs on
     * the failure path, where the database may be the thing that failed; the run's status is recorded regardless.
     */
    public void storeRunFailure(StreamRun sync, Throwable error, String routeId) {
        if (sync == null || error == null) {
            return;
        }
        String payload = error instanceof UpstreamException u ? u.request() : null;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            bind(ps, fingerprint(sync.sourceSystem(), sync.stream(), sync.partition(), "run|" + error.getClass().getName()),
                    sync.sourceSystem(), sync.stream(), sync.partition(), null, routeId,
                    redactor.redact(error.getClass().getSimpleName() + ": " + error.getMessage()),
                    redactor.redact(payload), sync.runId());
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("{}/{}: could not store the run's failure as a dead letter: {}", sync.sourceSystem(), sync.label(),
                    e.getMessage());
        }
    }

    /**
     * A record a sink could not deliver (a marketplace's 422, a unit it cannot take): stored under the record's own
     * source and id, stream {@code sink:<sink>}, so it is found with the record's other dead letters. Never throws
     * (the failure path must not fail); returns whether it was stored.
     */
    public boolean storeSinkRejection(String sink, String sourceSystem, String sourceId, String routeId, String reason,
                                      String payload) {
        String stream = "sink:" + sink;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            bind(ps, fingerprint(sourceSystem, stream, "", "record|" + sourceId), sourceSystem, stream, "", sourceId, routeId,
                    redactor.redact(reason), redactor.redact(payload), 0);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            LOG.warn("{}: could not store the dead letter of {}/{}: {}", sink, sourceSystem, sourceId, e.getMessage());
            return false;
        }
    }

    /** A product a sink has now delivered resolves that sink's open dead letter of it. */
    public void resolveSinkRejection(Connection c, String sink, java.util.UUID productId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.dead_letters d SET resolved_at = now() FROM reporting.products p "
                + "WHERE p.canonical_id = ? AND d.resolved_at IS NULL AND d.source_system = p.source_system "
                + "AND d.source_id = p.source_id AND d.stream = ? AND d.partition = ''")) {
            ps.setObject(1, productId);
            ps.setString(2, "sink:" + sink);
            ps.executeUpdate();
        }
    }

    @Override
    public String name() {
        return "dead-letter-resolution";
    }

    /**
     * A record that was dead-lettered and has now been mapped and written resolves its open dead letter, in the
     * same transaction as the write.
     */
    @Override
    public void accept(Connection tx, ChangeBatch batch) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE hub.dead_letters SET resolved_at = now(), "
                + "resolution = 'synced' WHERE resolved_at IS NULL AND source_system = ? AND stream = ? AND partition = ? AND source_id = ANY(?)")) {
            ps.setString(1, batch.sourceSystem());
            ps.setString(2, batch.stream());
            ps.setString(3, batch.partition());
            ps.setArray(4, tx.createArrayOf("text",
                    batch.changes().stream().map(c -> c.record().provenance().sourceId()).toArray()));
            int resolved = ps.executeUpdate();
            if (resolved > 0) {
                LOG.info("{}/{}: {} dead-lettered record(s) now synced; their dead letters are resolved",
                        batch.sourceSystem(), batch.stream(), resolved);
            }
        }
    }

    /** A run that succeeded re-read the window an earlier failed run could not: that run failure is resolved. */
    public void resolveRunFailures(@org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) throws SQLException {
        if (sync == null || sync.status() != SyncStatus.SUCCEEDED) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE hub.dead_letters "
                + "SET resolved_at = now(), resolution = 'run-succeeded' WHERE resolved_at IS NULL AND source_system = ? AND stream = ? "
                + "AND partition = ? AND source_id IS NULL")) {
            ps.setString(1, sync.sourceSystem());
            ps.setString(2, sync.stream());
            ps.setString(3, sync.partition());
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, String fingerprint, String system, String stream, String partition,
                             String sourceId, String routeId, String reason, String payload, long runId) throws SQLException {
        ps.setString(1, fingerprint);
        ps.setString(2, system);
        ps.setString(3, stream);
        ps.setString(4, partition);
        ps.setString(5, sourceId);
        ps.setString(6, routeId);
        ps.setString(7, reason);
        ps.setString(8, payload);
        if (runId > 0) {
            ps.setLong(9, runId);
        } else {
            ps.setNull(9, Types.BIGINT);
        }
    }

    /** Identifies "the same failure": for a stream without partitions, the same value as before partitions existed. */
    private static String fingerprint(String system, String stream, String partition, String key) {
        String scope = system + '|' + stream + (partition.isEmpty() ? "" : "|" + partition);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest((scope + '|' + key).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
