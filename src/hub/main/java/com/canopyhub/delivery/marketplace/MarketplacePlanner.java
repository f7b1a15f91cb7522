package com.canopyhub.delivery.marketplace;

import com.canopyhub.events.OutboxReader;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the outbox's events into dirty listings for every enabled marketplace sink: a product is dirty when it, one
 * of its stock levels or lots, or a lab result of one of its lots changed. Only changes reach marketplaces: a sync
 * that changed nothing wrote no events, so nothing becomes dirty and nothing is sent.
 * <p>
 * One reader for all marketplace sinks, one node at a time (an advisory lock): it flags the events it has read
 * (its progress as an outbox reader, {@link OutboxReader}) rather than a plain sequence cursor, so an event whose transaction commits
 * after a later one's is never skipped. A sink's first round ever marks every product (a marketplace enabled on a
 * database that already holds products still gets all of them), and so does a sink whose mapping file was edited.
 */
public final class MarketplacePlanner {

    private static final Logger LOG = LoggerFactory.getLogger(MarketplacePlanner.class);
    private static final long LOCK = 0x6d61726b6574L; // "market"
    private static final int BATCH = 5000;

    private static final String MARK = "WITH " + OutboxReader.MARKETPLACES.claimCte("o.seq, o.aggregate_type, o.aggregate_id") + ",\n" + """
            ev AS (SELECT b.aggregate_type, b.aggregate_id FROM batch b JOIN taken t ON t.seq = b.seq),
            changed AS (
                SELECT aggregate_id AS product FROM ev WHERE aggregate_type = 'product'
                UNION
                SELECT p.canonical_id FROM ev
                  JOIN reporting.stock_levels s ON ev.aggregate_type = 'stock_level' AND s.canonical_id = ev.aggregate_id
                  JOIN reporting.products p ON p.source_system = s.source_system AND p.source_id = s.product_source_id
                UNION
                SELECT p.canonical_id FROM ev
                  JOIN reporting.inventory_lots il ON ev.aggregate_type = 'inventory_lot' AND il.canonical_id = ev.aggregate_id
                  JOIN reporting.products p ON p.source_system = il.source_system AND p.source_id = il.product_source_id
                UNION
                SELECT p.canonical_id FROM ev
                  JOIN reporting.lab_results r ON ev.aggregate_type = 'lab_result' AND r.canonical_id = ev.aggregate_id
                  JOIN reporting.inventory_lots il ON il.label = r.package_label
                  JOIN reporting.products p ON p.source_system = il.source_system AND p.source_id = il.product_source_id),
            ins AS (INSERT INTO hub.marketplace_listings (sink, canonical_id, dirty, dirty_since, next_attempt_at)
                    SELECT s.sink, c.product, true, now(), now() FROM changed c CROSS JOIN unnest(?::text[]) AS s(sink)
                    ON CONFLICT (sink, canonical_id) DO UPDATE SET changes = hub.marketplace_listings.changes + 1,
                        dirty = true, dirty_since = coalesce(hub.marketplace_listings.dirty_since, now()),
                        next_attempt_at = CASE WHEN hub.marketplace_listings.dirty THEN hub.marketplace_listings.next_attempt_at
                                               ELSE now() END
                    RETURNING 1)
            SELECT (SELECT count(*) FROM batch), (SELECT count(*) FROM ins)
            """;

    private final DataSource dataSource;
    private final List<String> sinks;
    private final java.util.Map<String, String> mappingHashes;
    private volatile boolean mappingsChecked;

    /** @param mappingHashes each sink's mapping file hash: a file edited since the last run re-pushes every listing */
    private volatile java.util.function.BooleanSupplier stopping = () -> false;

    /** The hub is stopping: a round ends after the batch it is in, not after the whole backlog of a bulk load. */
    public void stopWhen(java.util.function.BooleanSupplier stopping) {
        this.stopping = stopping;
    }

    public MarketplacePlanner(DataSource dataSource, java.util.Map<String, String> mappingHashes) {
        this.dataSource = dataSource;
        this.sinks = List.copyOf(mappingHashes.keySet());
        this.mappingHashes = java.util.Map.copyOf(mappingHashes);
    }

    /** Whether this start's first round (new sinks, edited mapping files) is done. */
    public boolean lookedAtMappings() {
        return mappingsChecked;
    }

    /** Marks what changed since the last round; returns how many listings became (or stayed) dirty. */
    public int mark() throws SQLException {
        if (sinks.isEmpty()) {
            return 0;
        }
        int marked = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!lock(c)) {
                    c.rollback();
                    return 0; // another node is marking
                }
                OutboxReader.MARKETPLACES.advance(c); // before anything is written in this transaction
                if (!mappingsChecked) {
                    marked += firstRounds(c);
                }
                while (true) {
                    int events;
                    try (PreparedStatement ps = c.prepareStatement(MARK)) {
                        ps.setInt(1, BATCH);
                        ps.setArray(2, c.createArrayOf("text", sinks.toArray()));
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            events = rs.getInt(1);
                            marked += rs.getInt(2);
                        }
                    }
                    c.commit();
                    mappingsChecked = true;
                    if (events < BATCH || stopping.getAsBoolean() || !lock(c)) {
                        break; // stopping: the rest is marked by the next round (or node), not before the hub may stop
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return marked;
    }

    /**
     * Once per start: a sink that has never run here, or whose mapping file changed since it last ran, gets every
     * product marked (what is listed, and how, may differ for any of them).
     */
    private int firstRounds(Connection c) throws SQLException {
        int marked = 0;
        for (String sink : sinks) {
            String why = null;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.marketplace_sinks (sink, mapping_hash) VALUES (?, ?) "
                    + "ON CONFLICT DO NOTHING")) {
                ps.setString(1, sink);
                ps.setString(2, mappingHashes.get(sink));
                if (ps.executeUpdate() == 1) {
                    why = "first run on this database";
                }
            }
            if (why == null) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE hub.marketplace_sinks SET mapping_hash = ? "
                        + "WHERE sink = ? AND mapping_hash IS DISTINCT FROM ?")) {
                    ps.setString(1, mappingHashes.get(sink));
                    ps.setString(2, sink);
                    ps.setString(3, mappingHashes.get(sink));
                    if (ps.executeUpdate() == 1) {
                        why = "its mapping file changed";
                    }
                }
            }
            if (why == null) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO hub.marketplace_listings (sink, canonical_id, dirty, dirty_since, next_attempt_at)
                    SELECT ?, canonical_id, true, now(), now() FROM reporting.products
                    ON CONFLICT (sink, canonical_id) DO UPDATE SET dirty = true, changes = hub.marketplace_listings.changes + 1,
                        dirty_since = coalesce(hub.marketplace_listings.dirty_since, now()), next_attempt_at = now()
                    """)) {
                ps.setString(1, sink);
                int n = ps.executeUpdate();
                marked += n;
                LOG.info("Marketplace {}: {}, {} product(s) to look at", sink, why, n);
            }
        }
        return marked;
    }

    private static boolean lock(Connection c) throws SQLException {
        return com.canopyhub.db.AdvisoryLocks.tryForTransaction(c, LOCK);
    }
}
