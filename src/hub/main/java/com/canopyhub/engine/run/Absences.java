package com.canopyhub.engine.run;

import com.canopyhub.engine.spi.Stream;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.Provenance;
import com.canopyhub.canonical.Tombstone;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.canopyhub.engine.changes.Change;
import com.canopyhub.engine.changes.ChangeBatch;
import com.canopyhub.engine.changes.ContentHasher;
import com.canopyhub.engine.spi.GoneState;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.StoredRecords;

/**
 * Absence from a snapshot means gone (docs/sync-engine.md, "Absence from a snapshot"): after a snapshot run of a
 * stream that declares a {@link GoneState} has read every page, each record the hub holds for that stream (and
 * partition) that the run was not served takes its gone state, through the change stream like any change.
 *
 * <p>Never after a run that failed, was interrupted, or was served a record it could not identify (the route calls
 * this only after the page loop, and returns at once unless every page was read). A run of one page is a consistent
 * snapshot; a run of several is offset-paged over a set that may have shrunk while it was read, which can push a
 * record past a page boundary unseen, so there every absence is confirmed by the source's own consistent read of
 * just those records ({@link Source#confirmAbsent}) before anything is marked.
 */
public class Absences {

    private static final Logger LOG = LoggerFactory.getLogger(Absences.class);
    /** Stored records examined (and confirmed, and written) per batch. */
    static final int BATCH = 500;
    /**
     * A pass that would delete more than half of a stream's records, and at least this many, marks nothing unless it
     * is a {@code --full} pass (a person confirming it).
     */
    static final int MASS_DELETION_MIN = 20;

    private final DataSource dataSource;
    private final Map<String, Source> sources;
    private final StoredRecords stored;
    private final ChangeStream changeStream;

    public Absences(DataSource dataSource, Map<String, Source> sources, StoredRecords stored, ChangeStream changeStream) {
        this.dataSource = dataSource;
        this.sources = Map.copyOf(sources);
        this.stored = stored;
        this.changeStream = changeStream;
    }

    /** Marks gone what a complete snapshot run no longer held; returns how many records changed to their gone state. */
    public long markGone(@org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) throws SQLException {
        SeenIds seen = sync.seen();
        if (seen == null || sync.status() != SyncStatus.RUNNING || !sync.allSlicesRead()) {
            return 0;
        }
        if (seen.spoiled() != null) {
            LOG.warn("{}/{}: nothing marked gone this pass: {}", sync.sourceSystem(), sync.label(), seen.spoiled());
            return 0;
        }
        if (sync.plan().unproven() != null) {
            return 0; // an INCOMPLETE run: ReadPlan said why
        }
        Source source = sources.get(sync.sourceSystem());
        Stream stream = source.stream(sync.stream());
        GoneState gone = stream.goneState();
        sync.drainWrites(); // what is absent is read from the stored records: every page of the run committed first
        Unseen unseen = unseen(sync, gone, seen);
        List<Candidate> missing = unseen.missing();
        if (missing.isEmpty()) {
            return 0;
        }
        if (gone.deletes() && missing.size() >= MASS_DELETION_MIN && missing.size() * 2 > unseen.held()
                && !sync.pass().request().full()) {
            // more than half of what the hub holds gone at once is more often a wrong key, organisation or filter
            // upstream than a real clear-out: hold, and let a person confirm it
            LOG.error("{}/{}: this pass would mark {} of {} records deleted; nothing was marked. If they really are gone, "
                    + "confirm with: sync --once --source {} --stream {} --full", sync.sourceSystem(), sync.label(),
                    missing.size(), unseen.held(), sync.sourceSystem(), sync.stream());
            return 0;
        }
        boolean consistentSnapshot = sync.plan().consistent() || sync.pages() <= 1;
        long unconfirmed = 0;
        if (!consistentSnapshot && gone.deletes()) {
            // deletions are confirmed once, for every candidate together: a source confirming by a consistent read of
            // a range (Distru's dated collections) would otherwise read the same range again for each batch
            Set<String> confirmed = stream.confirmAbsent(sync.partition(),
                    missing.stream().map(m -> (CanonicalRecord) tombstone(sync, gone, m)).toList());
            int before = missing.size();
            missing = missing.stream().filter(m -> confirmed.contains(m.sourceId())).toList();
            unconfirmed = before - missing.size();
        }
        long marked = 0;
        for (int from = 0; from < missing.size(); from += BATCH) {
            List<Candidate> part = missing.subList(from, Math.min(missing.size(), from + BATCH));
            List<StoredRecords.Stored> last;
            if (gone.deletes()) {
                // a deletion needs only the record's identity: no read-back of its columns
                last = part.stream().map(m -> new StoredRecords.Stored(tombstone(sync, gone, m), m.contentHash())).toList();
            } else {
                try (Connection c = dataSource.getConnection()) {
                    last = stored.load(c, gone.type(), sync.sourceSystem(), part.stream().map(Candidate::sourceId).toList());
                }
                if (!consistentSnapshot) {
                    // other gone states are confirmed batch by batch, from the stored records they are made of
                    Set<String> confirmed = stream.confirmAbsent(sync.partition(),
                            last.stream().map(StoredRecords.Stored::record).toList());
                    int before = last.size();
                    last = last.stream().filter(s -> confirmed.contains(s.record().provenance().sourceId())).toList();
                    unconfirmed += before - last.size();
                }
            }
            List<Change> changes = new ArrayList<>();
            for (StoredRecords.Stored s : last) {
                CanonicalRecord after = gone.gone().apply(s.record());
                String hash = ContentHasher.hash(after);
                if (!ContentHasher.unchanged(after, hash, s.contentHash())) {
                    changes.add(new Change(after, s.contentHash(), hash, ContentHasher.json(after)));
                }
            }
            if (!changes.isEmpty()) {
                sync.recordChanged(changes.size());
                changeStream.publish(new ChangeBatch(sync.sourceSystem(), sync.stream(), sync.partition(), gone.type(),
                        sync.runId(), changes, sync.initialLoad()), sync);
                marked += changes.size();
            }
        }
        if (marked > 0 || unconfirmed > 0) {
            LOG.info("{}/{}: {} record(s) no longer in the snapshot {}{}", sync.sourceSystem(), sync.label(),
                    marked, gone.deletes() ? "marked deleted" : "took their gone state",
                    unconfirmed > 0 ? "; " + unconfirmed + " not confirmed absent by the upstream stay as they were" : "");
        }
        return marked;
    }

    /** A stored record the run was not served. */
    private record Candidate(String sourceId, UUID canonicalId, String licenseNumber, String contentHash, Instant sourceUpdatedAt) {
    }

    /** The stored records (not deleted) of the run's stream and partition it was not served, and how many it holds. */
    private record Unseen(List<Candidate> missing, long held) {
    }

    private static Tombstone tombstone(StreamRun sync, GoneState gone, Candidate m) {
        return new Tombstone(m.canonicalId(), new Provenance(sync.sourceSystem(), m.sourceId(), m.licenseNumber()), gone.type(),
                m.sourceUpdatedAt());
    }

    private Unseen unseen(StreamRun sync, GoneState gone, SeenIds seen) throws SQLException {
        List<Candidate> missing = new ArrayList<>();
        long held = 0;
        boolean partitioned = !sync.partition().isEmpty();
        String sql = "SELECT source_id, canonical_id, license_number, content_hash, source_updated_at FROM reporting." + gone.type().table()
                + " WHERE source_system = ? AND deleted_at IS NULL" + (partitioned ? " AND license_number = ?" : "");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // lets pgjdbc stream the ids with a cursor instead of loading them all
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(10_000);
                ps.setString(1, sync.sourceSystem());
                if (partitioned) {
                    ps.setString(2, sync.partition());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        held++;
                        String id = rs.getString(1);
                        if (!seen.contains(id)) {
                            Timestamp updated = rs.getTimestamp(5);
                            missing.add(new Candidate(id, rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                                    updated == null ? null : updated.toInstant()));
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return new Unseen(missing, held);
    }
}
