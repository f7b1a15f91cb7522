package com.canopyhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canopyhub.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The outbox reader contract (docs/events.md, "Readers"): progress kept outside the outbox rows, and still every row
 * read exactly once although transactions commit out of order: a row whose transaction commits after a later row's
 * was read is read when it commits; a rolled-back seq does not hold the reader back; the watermark only passes rows
 * that are read or can never appear.
 */
class OutboxReaderTest {

    @Test
    void a_row_committed_after_a_later_one_was_read_is_still_read_once_and_the_watermark_waits_for_it() throws Exception {
        String url = migrated();
        OutboxReader reader = new OutboxReader("test-late");
        try (Connection r = DriverManager.getConnection(url, "postgres", "");
             Connection slow = DriverManager.getConnection(url, "postgres", "");
             Connection fast = DriverManager.getConnection(url, "postgres", "")) {
            reader.register(r, false);
            slow.setAutoCommit(false);
            long early = insert(slow); // its transaction stays open
            long late = insert(fast);  // committed at once, with a higher seq
            assertThat(late).isGreaterThan(early);

            assertThat(take(reader, r)).containsExactly(late);
            for (int i = 0; i < 3; i++) {
                assertThat(take(reader, r)).as("the open transaction's row is invisible, nothing else is unread").isEmpty();
            }
            assertThat(watermark(r, reader)).as("the watermark never passes a seq that may still commit").isLessThan(early);

            slow.commit();
            assertThat(take(reader, r)).as("read once it commits, although a later seq was read before").containsExactly(early);
            for (int i = 0; i < 3; i++) {
                assertThat(take(reader, r)).isEmpty();
            }
            assertThat(watermark(r, reader)).as("once both are read the watermark moves past them").isEqualTo(late);
            assertThat(count(r, "SELECT count(*) FROM hub.outbox_reads WHERE reader = '" + reader.name() + "'"))
                    .as("reads below the watermark are forgotten").isZero();
        }
    }

    /**
     * The newest transaction of all holds a seq and stays open: a snapshot's xmax (the latest completed id + 1) is then
     * its own id, so a horizon bounded by xmax would count it as ended once its id was the oldest running one, and the
     * watermark would pass its row before it commits (the webhook fan-out lost a page's first events so).
     */
    @Test
    void the_watermark_waits_for_an_open_transaction_that_took_its_id_after_every_completed_one() throws Exception {
        String url = migrated();
        OutboxReader reader = new OutboxReader("test-newest");
        try (Connection r = DriverManager.getConnection(url, "postgres", "");
             Connection slow = DriverManager.getConnection(url, "postgres", "")) {
            reader.register(r, false);
            slow.setAutoCommit(false);
            long early = insert(slow); // the newest transaction id, nothing completed after it
            for (int i = 0; i < 3; i++) {
                assertThat(take(reader, r)).isEmpty();
            }
            assertThat(watermark(r, reader)).as("the watermark never passes a seq that may still commit").isLessThan(early);
            slow.commit();
            assertThat(take(reader, r)).as("read once it commits").containsExactly(early);
            assertThatThrownBy(() -> {
                slow.setAutoCommit(false);
                insert(slow);
                reader.advance(slow);
            }).as("advancing after writing in the same transaction would bound too few transactions")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("before the transaction writes");
            slow.rollback();
        }
    }

    @Test
    void a_rolled_back_seq_does_not_hold_the_reader_back_and_one_statement_claims_take_each_row_once() throws Exception {
        String url = migrated();
        OutboxReader reader = new OutboxReader("test-rollback");
        try (Connection r = DriverManager.getConnection(url, "postgres", "");
             Connection other = DriverManager.getConnection(url, "postgres", "")) {
            other.setAutoCommit(false);
            long gone = insert(other);
            other.rollback();
            other.setAutoCommit(true);
            long kept = insert(other);
            reader.register(r, false);
            List<Long> claimed = claim(reader, r);
            assertThat(claimed).containsExactly(kept);
            assertThat(claim(reader, r)).as("taken once").isEmpty();
            for (int i = 0; i < 3; i++) {
                reader.advance(r);
            }
            assertThat(watermark(r, reader)).as("past the rolled-back " + gone).isEqualTo(kept);
            assertThat(reader.unreadCount(r)).isZero();
            OutboxReader fromNow = new OutboxReader("test-from-now");
            assertThat(fromNow.register(r, true)).isTrue();
            assertThat(fromNow.register(r, true)).as("registered once").isFalse();
            assertThat(fromNow.unreadCount(r)).as("a reader registered from now skips the history").isZero();
        }
    }

    private static String migrated() throws Exception {
        String url = TestPostgres.freshDatabase();
        Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration")
                .schemas("hub", "reporting").defaultSchema("hub").createSchemas(true).load().migrate();
        return url;
    }

    private static long insert(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.outbox (id, aggregate_type, aggregate_id, type, payload, "
                + "source_system, stream) VALUES (?, 'product', ?, 'product.updated', '{}', 'test', 'products') RETURNING seq")) {
            ps.setString(1, "evt_" + UUID.randomUUID());
            ps.setObject(2, UUID.randomUUID());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Take-after-acting: advance, list the unread rows, mark them read. */
    private static List<Long> take(OutboxReader reader, Connection c) throws SQLException {
        reader.advance(c);
        List<Long> seqs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(reader.unreadQuery("o.seq", 100)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                seqs.add(rs.getLong(1));
            }
        }
        reader.markRead(c, seqs);
        return seqs;
    }

    /** In one statement, as webhooks and marketplaces take their rows. */
    private static List<Long> claim(OutboxReader reader, Connection c) throws SQLException {
        reader.advance(c);
        List<Long> seqs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("WITH " + reader.claimCte("o.seq")
                + " SELECT b.seq FROM batch b JOIN taken t ON t.seq = b.seq ORDER BY b.seq")) {
            ps.setInt(1, 100);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
        }
        return seqs;
    }

    private static long watermark(Connection c, OutboxReader reader) throws SQLException {
        return count(c, "SELECT watermark FROM hub.outbox_readers WHERE reader = '" + reader.name() + "'");
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
