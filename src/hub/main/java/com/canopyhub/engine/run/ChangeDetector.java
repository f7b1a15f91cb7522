package com.canopyhub.engine.run;

import com.canopyhub.canonical.CanonicalRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.RejectedRecord;
import com.canopyhub.engine.changes.Change;
import com.canopyhub.engine.changes.ChangeBatch;
import com.canopyhub.engine.changes.ContentHasher;

/**
 * Keeps only new or changed records: hashes each record (ContentHasher, no JSON) and compares it with the hash the
 * reporting table holds for it, in one query per page. The reporting table is the hub's record of what its sinks have taken.
 */
public class ChangeDetector {

    private final DataSource dataSource;

    public ChangeDetector(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public ChangeBatch detect(@org.apache.camel.Body MappedPage page, @org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) throws SQLException {
        // A record may appear twice in one page if it moved while we paged; the last copy wins.
        Map<String, CanonicalRecord> bySourceId = new LinkedHashMap<>(page.records().size() * 2);
        for (CanonicalRecord r : page.records()) {
            bySourceId.put(r.provenance().sourceId(), r);
        }
        SeenIds seen = sync.seen();
        if (seen != null) {
            // what the snapshot served, mapped or not: a record that cannot be mapped is still there upstream
            bySourceId.keySet().forEach(seen::add);
            for (RejectedRecord r : page.rejects()) {
                if (r.sourceId() == null) {
                    seen.spoil("a record without an id was served (page " + page.pageNumber() + ": " + r.reason() + ")");
                } else {
                    seen.add(r.sourceId());
                }
            }
        }
        PageWrites writes = sync.writes();
        if (writes != null && writes.holds(bySourceId.keySet())) {
            // a record of this page is on a page still being written (it moved while we paged): compare it with what
            // that page commits, not with what was stored before
            writes.drain();
        }
        Map<String, Stored> known = stored(page, bySourceId.keySet().toArray(String[]::new));
        List<Change> changes = new ArrayList<>(bySourceId.size());
        ServedVersions served = sync.served();
        for (CanonicalRecord r : bySourceId.values()) {
            String hash = ContentHasher.hash(r);
            if (served != null && served.servedAgainChanged(r.provenance().sourceId(), hash)) {
                // changed and served again: it moved in a list not kept in creation order, and may have pushed
                // another record past the read position (docs/sync-engine.md, "Lists not in creation order")
                sync.holdCursor("record " + r.provenance().sourceId() + " changed and was served again on page "
                        + page.pageNumber() + " (it moved in the list)");
            }
            Stored before = known.get(r.provenance().sourceId());
            String oldHash = before == null ? null : before.hash();
            if (!ContentHasher.unchanged(r, hash, oldHash)) {
                // a record the hub holds as deleted that is served again came back (its stored hash is its tombstone's);
                // its canonical JSON (the events' record) is made here, on the run's thread, only for what changed
                changes.add(new Change(r, oldHash, hash, r.withoutPersonalData() == r ? ContentHasher.json(r) : null,
                        before != null && before.deleted()));
            }
        }
        sync.recordChanged(changes.size());
        return new ChangeBatch(page.sourceSystem(), page.stream(), sync.partition(), page.type(), sync.runId(), changes,
                sync.initialLoad());
    }

    /** What the reporting table holds of a record: the hash it was stored under, and whether it is marked deleted. */
    private record Stored(String hash, boolean deleted) {
    }

    private Map<String, Stored> stored(MappedPage page, String[] sourceIds) throws SQLException {
        Map<String, Stored> known = new HashMap<>(sourceIds.length * 2);
        if (sourceIds.length == 0) {
            return known;
        }
        String sql = "SELECT source_id, content_hash, deleted_at IS NOT NULL FROM reporting." + page.type().table()
                + " WHERE source_system = ? AND source_id = ANY(?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, page.sourceSystem());
            ps.setArray(2, c.createArrayOf("text", sourceIds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.put(rs.getString(1), new Stored(rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        return known;
    }
}
