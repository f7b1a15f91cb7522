package com.canopyhub.engine.run;

import com.canopyhub.engine.spi.Stream;

import com.canopyhub.canonical.CanonicalRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        Source source = sources.get(sync.sourceSystem());
        Stream stream = source.stream(sync.stream());
        GoneState gone = stream.goneState();
        List<String> missing = unseen(sync, gone, seen);
        if (missing.isEmpty()) {
            return 0;
        }
        boolean consistentSnapshot = sync.pages() <= 1;
        long marked = 0;
        long unconfirmed = 0;
        for (int from = 0; from < missing.size(); from += BATCH) {
            List<String> ids = missing.subList(from, Math.min(missing.size(), from + BATCH));
            List<StoredRecords.Stored> last;
            try (Connection c = dataSource.getConnection()) {
                last = stored.load(c, gone.type(), sync.sourceSystem(), ids);
            }
            if (!consistentSnapshot) {
                Set<String> confirmed = stream.confirmAbsent(sync.partition(),
                        last.stream().map(StoredRecords.Stored::record).toList());
                int before = last.size();
                last = last.stream().filter(s -> confirmed.contains(s.record().provenance().sourceId())).toList();
                unconfirmed += before - last.size();
            }
            List<Change> changes = new ArrayList<>();
            for (StoredRecords.Stored s : last) {
                CanonicalRecord after = gone.gone().apply(s.record());
                ContentHasher.Hashed hashed = ContentHasher.hashed(after);
                if (!hashed.hash().equals(s.contentHash())) {
                    changes.add(new Change(after, s.contentHash(), hashed.hash(), hashed.json()));
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
            LOG.info("{}/{}: {} record(s) no longer in the snapshot took their gone state{}", sync.sourceSystem(), sync.label(),
                    marked, unconfirmed > 0 ? "; " + unconfirmed + " not confirmed absent by the upstream stay as they were" : "");
        }
        return marked;
    }

    /** The source ids the hub holds for the run's stream and partition that the run was not served. */
    private List<String> unseen(StreamRun sync, GoneState gone, SeenIds seen) throws SQLException {
        List<String> missing = new ArrayList<>();
        boolean partitioned = !sync.partition().isEmpty();
        String sql = "SELECT source_id FROM reporting." + gone.type().table() + " WHERE source_system = ?"
                + (partitioned ? " AND license_number = ?" : "");
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
                        String id = rs.getString(1);
                        if (!seen.contains(id)) {
                            missing.add(id);
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return missing;
    }
}
