package com.canopyhub.ops;

import com.canopyhub.events.OutboxReader;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges what the hub no longer needs, oldest first, in batches of a few hundred rows, each its own short
 * transaction (a sync writing meanwhile waits for none of them): finished webhook deliveries with their attempts,
 * outbox events every reader has taken, finished marketplace requests, the change log, and old runs. What someone may
 * still need stays (docs/deployment.md, "Retention"):
 * <ul>
 *   <li>an outbox event stays while a reader that is on has not taken it (webhook fan-out, marketplace marking, the
 *       Kafka feed), while a webhook delivery refers to it (a dead one can be replayed), and always when it is the
 *       latest event of its record (`feed republish` sends those);</li>
 *   <li>a webhook delivery stays while it is open (pending, sending, waiting);</li>
 *   <li>a run stays while no later run of its stream succeeded (the last success says a stream's initial load is
 *       done; `status` shows the last run).</li>
 * </ul>
 */
public class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** Batches per table per round at most: a backlog is worked off over several rounds, never in one long lock. */
    private static final int MAX_BATCHES = 200;

    /** How long each kind of row is kept. */
    public record Ages(Duration outbox, Duration webhookDeliveries, Duration marketplaceRequests, Duration recordChanges,
                       Duration syncRuns) {
    }

    private final DataSource dataSource;
    private final Ages ages;
    private final int batch;
    private final BooleanSupplier webhooksOn;
    private final BooleanSupplier marketplacesOn;
    private final BooleanSupplier feedOn;

    public Retention(DataSource dataSource, Ages ages, int batch, BooleanSupplier webhooksOn, BooleanSupplier marketplacesOn,
                     BooleanSupplier feedOn) {
        this.dataSource = dataSource;
        this.ages = ages;
        this.batch = batch;
        this.webhooksOn = webhooksOn;
        this.marketplacesOn = marketplacesOn;
        this.feedOn = feedOn;
    }

    /** One round over every table; returns the rows purged per table (only those with any). */
    public Map<String, Long> purge() throws SQLException {
        long started = System.nanoTime();
        Map<String, Long> purged = new LinkedHashMap<>();
        // deliveries before the outbox: an event stays while a delivery refers to it
        purged.put("hub.webhook_deliveries", batches("""
                DELETE FROM hub.webhook_deliveries WHERE id IN (SELECT id FROM hub.webhook_deliveries
                 WHERE status IN ('DELIVERED', 'DEAD') AND created_at < now() - ? * interval '1 second' LIMIT ?)
                """, ages.webhookDeliveries()));
        purged.put("hub.outbox", batches("""
                DELETE FROM hub.outbox WHERE seq IN (SELECT o.seq FROM hub.outbox o
                 WHERE o.occurred_at < now() - ? * interval '1 second'
                   AND (NOT %s OR %s) AND (NOT %s OR %s) AND (NOT %s OR %s)
                   AND EXISTS (SELECT 1 FROM hub.outbox newer WHERE newer.aggregate_id = o.aggregate_id AND newer.seq > o.seq)
                   AND NOT EXISTS (SELECT 1 FROM hub.webhook_deliveries d WHERE d.event_seq = o.seq)
                 ORDER BY o.occurred_at LIMIT ?)
                """.formatted(webhooksOn.getAsBoolean(), OutboxReader.WEBHOOKS.read("o"), marketplacesOn.getAsBoolean(),
                OutboxReader.MARKETPLACES.read("o"), feedOn.getAsBoolean(), OutboxReader.KAFKA.read("o")), ages.outbox()));
        purged.put("hub.marketplace_requests", batches("""
                DELETE FROM hub.marketplace_requests WHERE id IN (SELECT id FROM hub.marketplace_requests
                 WHERE finished_at < now() - ? * interval '1 second' LIMIT ?)
                """, ages.marketplaceRequests()));
        purged.put("hub.record_changes", batches("""
                DELETE FROM hub.record_changes WHERE id IN (SELECT id FROM hub.record_changes
                 WHERE changed_at < now() - ? * interval '1 second' LIMIT ?)
                """, ages.recordChanges()));
        purged.put("hub.sync_runs", batches("""
                DELETE FROM hub.sync_runs WHERE id IN (SELECT r.id FROM hub.sync_runs r
                 WHERE r.finished_at < now() - ? * interval '1 second' AND r.status <> 'RUNNING'
                   AND EXISTS (SELECT 1 FROM hub.sync_runs n WHERE n.source_system = r.source_system AND n.stream = r.stream
                                 AND n.partition = r.partition AND n.status = 'SUCCEEDED' AND n.id > r.id)
                 LIMIT ?)
                """, ages.syncRuns()));
        purged.values().removeIf(n -> n == 0);
        if (!purged.isEmpty()) {
            LOG.info("Retention: purged {} in {} ms", purged, (System.nanoTime() - started) / 1_000_000);
        }
        return purged;
    }

    /** Runs one DELETE batch after another, each its own transaction, until a batch comes back short. */
    private long batches(String sql, Duration age) throws SQLException {
        long total = 0;
        for (int i = 0; i < MAX_BATCHES; i++) {
            int n;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement allow = c.prepareStatement("SET LOCAL hub.retention_purge = 'on'");
                     PreparedStatement ps = c.prepareStatement(sql)) {
                    allow.execute(); // the change log is append-only but for this (V21)
                    ps.setLong(1, age.toSeconds());
                    ps.setInt(2, batch);
                    n = ps.executeUpdate();
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            total += n;
            if (n < batch) {
                break;
            }
        }
        return total;
    }
}
