package com.canopyhub.events;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

/**
 * One reader of the outbox (webhook fan-out, marketplace marking, the Kafka feed): its progress lives in
 * {@code hub.outbox_readers} and {@code hub.outbox_reads}, never on the outbox rows, so the outbox is written once and
 * a new reader is an instance of this class, not a migration. A reader takes the rows it has not read in seq order
 * (the events of one record in the order they were written), whatever order their transactions committed in: a
 * lower seq that becomes visible after a higher one was read is still unread, and is taken on the next round.
 *
 * <p>The proof (docs/events.md, "Readers"): a reader's watermark only moves to a horizon {@code pending_seq} once every
 * transaction that could still commit a seq at or below it has ended ({@code V22__outbox_readers.sql}), and only
 * when every visible row up to it has been read; above the watermark, what was read is listed. So no row is skipped
 * and none is read twice.
 *
 * <p>Two ways to read: inside one statement ({@link #claimCte}: the taking and the work commit together, webhooks and
 * marketplaces), or take-after-acting ({@link #unreadQuery} then {@link #markRead}: the Kafka feed marks what the
 * broker acknowledged). Readers of one name run one at a time (each holds its own advisory lock); two taking the same
 * rows would still take each once ({@code ON CONFLICT DO NOTHING}).
 */
public final class OutboxReader {

    public static final OutboxReader WEBHOOKS = new OutboxReader("webhooks");
    public static final OutboxReader MARKETPLACES = new OutboxReader("marketplaces");
    public static final OutboxReader KAFKA = new OutboxReader("kafka");
    /** The hub's readers, for what reports on all of them (metrics, the console). */
    public static final java.util.List<OutboxReader> ALL = java.util.List.of(WEBHOOKS, MARKETPLACES, KAFKA);

    /** What a reader has left: rows not taken, and the age of the oldest (0 when none). */
    public record Backlog(long unread, double oldestSeconds) {
    }

    private final String name;

    public OutboxReader(String name) {
        if (!name.matches("[a-z][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("an outbox reader's name is lower-case letters, digits and dashes: " + name);
        }
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** SQL: the outbox row {@code alias} is one this reader has not taken yet. */
    public String unread(String alias) {
        return "(" + alias + ".seq > (SELECT watermark FROM hub.outbox_readers WHERE reader = '" + name + "') AND NOT EXISTS "
                + "(SELECT 1 FROM hub.outbox_reads x WHERE x.reader = '" + name + "' AND x.seq = " + alias + ".seq))";
    }

    /** SQL: the outbox row {@code alias} is one this reader has taken. */
    public String read(String alias) {
        return "NOT " + unread(alias);
    }

    /**
     * Two common table expressions for one statement: {@code batch} (up to {@code ?} unread rows, in seq order, with
     * {@code columns} of {@code hub.outbox o}) and {@code taken} (their seqs, recorded as read now; a row another
     * reader of the same name took meanwhile is left out). Join {@code batch} to {@code taken} for the rows to act on.
     */
    public String claimCte(String columns) {
        return "batch AS (SELECT " + columns + " FROM hub.outbox o WHERE " + unread("o") + " ORDER BY o.seq LIMIT ?),\n"
                + "taken AS (INSERT INTO hub.outbox_reads (reader, seq) SELECT '" + name + "', seq FROM batch "
                + "ON CONFLICT DO NOTHING RETURNING seq)";
    }

    /** A query for up to {@code limit} unread rows, in seq order, with {@code columns} of {@code hub.outbox o}. */
    public String unreadQuery(String columns, int limit) {
        return "SELECT " + columns + " FROM hub.outbox o WHERE " + unread("o") + " ORDER BY o.seq LIMIT " + limit;
    }

    /** Records rows as taken (take-after-acting readers). */
    public void markRead(Connection c, Collection<Long> seqs) throws SQLException {
        if (seqs.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.outbox_reads (reader, seq) SELECT ?, unnest(?::bigint[]) "
                + "ON CONFLICT DO NOTHING")) {
            Array array = c.createArrayOf("bigint", seqs.toArray());
            ps.setString(1, name);
            ps.setArray(2, array);
            ps.executeUpdate();
        }
    }

    /**
     * Registers the reader if it is new: from the outbox's beginning, or ({@code fromNow}) from its current end (what is
     * in the outbox now is treated as read). Returns whether it was new.
     */
    public boolean register(Connection c, boolean fromNow) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.outbox_readers (reader, watermark, pending_seq) "
                + "SELECT ?, w, w FROM (SELECT CASE WHEN ? THEN coalesce((SELECT max(seq) FROM hub.outbox), 0) ELSE 0 END AS w) x "
                + "ON CONFLICT (reader) DO NOTHING")) {
            ps.setString(1, name);
            ps.setBoolean(2, fromNow);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Moves the watermark up to the pending horizon when that horizon is final and everything visible below it was
     * read, then sets the next horizon; forgets the reads below the watermark. Call first in its transaction (before
     * the transaction writes anything) or with auto-commit on; it costs two short statements. Needs the reader
     * registered.
     *
     * <p>The horizon's transaction bound is this transaction's own id, assigned by the UPDATE after the sequence was
     * read: ids are handed out in order, and every transaction holding a seq at or below the horizon took its id
     * before that seq (hub.outbox_next_seq), so its id is below ours. A snapshot's xmax is not such a bound:
     * PostgreSQL computes it as the latest completed id + 1, so a transaction that took its id and a seq a moment
     * earlier and has not ended can sit at or above it (the webhook fan-out once skipped a page's first events so).
     */
    public void advance(Connection c) throws SQLException {
        long last;
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(pg_sequence_last_value('hub.outbox_seq_seq'), 0), "
                + "pg_current_xact_id_if_assigned() IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            last = rs.getLong(1);
            if (rs.getBoolean(2)) {
                // an id taken before the sequence was read would bound too few transactions
                throw new IllegalStateException("outbox reader '" + name + "': advance() must come before the transaction writes");
            }
        }
        Long watermark = null;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE hub.outbox_readers r
                   SET watermark = greatest(r.watermark, r.pending_seq), pending_seq = greatest(?, r.pending_seq),
                       pending_xmax = pg_current_xact_id(), advanced_at = now()
                 WHERE r.reader = ? AND pg_snapshot_xmin(pg_current_snapshot()) >= r.pending_xmax
                   AND NOT EXISTS (SELECT 1 FROM hub.outbox o WHERE o.seq > r.watermark AND o.seq <= r.pending_seq
                                     AND NOT EXISTS (SELECT 1 FROM hub.outbox_reads x WHERE x.reader = r.reader AND x.seq = o.seq))
                RETURNING watermark
                """)) {
            ps.setLong(1, last);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    watermark = rs.getLong(1);
                }
            }
        }
        if (watermark != null) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub.outbox_reads WHERE reader = ? AND seq <= ?")) {
                ps.setString(1, name);
                ps.setLong(2, watermark);
                ps.executeUpdate();
            }
        }
    }

    /** What this reader has left, in one query. */
    public Backlog backlog(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(extract(epoch FROM now() - min(o.occurred_at)), 0) "
                + "FROM hub.outbox o WHERE " + unread("o")); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Backlog(rs.getLong(1), rs.getDouble(2));
        }
    }

    /** How many outbox rows this reader has not taken. */
    public long unreadCount(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM hub.outbox o WHERE " + unread("o"));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
