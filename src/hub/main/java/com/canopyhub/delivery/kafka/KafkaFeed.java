package com.canopyhub.delivery.kafka;

import com.canopyhub.events.OutboxReader;

import com.canopyhub.events.EventEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox published to Kafka, called by routes/deliver-kafka.camel.yaml (which owns the flow and the sends,
 * camel-kafka). A round: {@link #claim} takes the feed's lock (a PostgreSQL session advisory lock on a connection of
 * its own: one node publishes at a time, and a dead node's lock goes with its session) and the next unpublished
 * events in outbox order; the route sends them one by one, each waiting for the broker's acknowledgement (acks=all,
 * idempotent producer), and {@link #acked} notes each; {@link #markPublished} marks the acknowledged ones and
 * releases the lock. So a record's events reach its partition in order, and an event is marked only after the
 * broker has it: a crash in between publishes it again, with the same event id (consumers dedupe on it).
 */
public final class KafkaFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaFeed.class);
    /** Exchange property: the outbox seqs the broker acknowledged in this round. */
    public static final String ACKED = "kafkaAcked";
    private static final String EVENT = "kafkaEvent";
    private static final long LOCK = 0x6b61666b61L; // "kafka"

    /** One outbox event to publish. */
    public record Event(long seq, String id, String aggregateType, UUID aggregateId, String type, String payload, Instant occurredAt,
                        String traceParent) {
    }

    private volatile com.canopyhub.observe.DeliveryTraces traces = com.canopyhub.observe.DeliveryTraces.NONE;
    private static final String SENT_AT = "kafkaSentAt";

    /** Each send becomes a span linked to the page that wrote its event (docs/operations.md, "Traces"). */
    public void traceTo(com.canopyhub.observe.DeliveryTraces traces) {
        this.traces = traces;
    }

    private final DataSource dataSource;
    private final Callable<Connection> dedicated;
    private final String topicPrefix;
    private final int batch;
    private Connection lockConnection;
    private boolean roundOpen;

    /**
     * @param dedicated opens a connection outside the pool (the lock lives as long as its session)
     */
    public KafkaFeed(DataSource dataSource, Callable<Connection> dedicated, String topicPrefix, int batch) {
        this.dataSource = dataSource;
        this.dedicated = dedicated;
        this.topicPrefix = topicPrefix;
        this.batch = batch;
    }

    /** The topic of a canonical type: {@code canopy.inventory-lot.v1} for {@code inventory_lot}. */
    public static String topic(String prefix, String aggregateType) {
        return prefix + "." + aggregateType.toLowerCase(Locale.ROOT).replace('_', '-') + ".v1";
    }

    /** The canonical types the hub publishes (its outbox's aggregate types), for topic creation and the docs. */
    public static final List<String> TYPES = List.of("product", "inventory_lot", "stock_level", "order", "transfer",
            "document", "marketplace_order", "farm", "collection_batch", "shipment", com.canopyhub.observe.Alerts.AGGREGATE_TYPE);

    /**
     * On a database where the feed never ran, the outbox's history is not published (it may be long; `feed
     * republish` sends current state instead): marks it published and remembers the first run.
     */
    public void firstRun(String bootstrap) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.kafka_feed (id, bootstrap) VALUES (1, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, bootstrap);
                if (ps.executeUpdate() == 1) {
                    // the reader starts at the outbox's current end (a reader row the upgrade made is moved there)
                    long n = OutboxReader.KAFKA.unreadCount(c);
                    try (PreparedStatement skip = c.prepareStatement("UPDATE hub.outbox_readers SET watermark = w, pending_seq = w, "
                            + "pending_xmax = '0' FROM (SELECT coalesce(max(seq), 0) AS w FROM hub.outbox) x WHERE reader = ?")) {
                        skip.setString(1, OutboxReader.KAFKA.name());
                        skip.executeUpdate();
                    }
                    OutboxReader.KAFKA.register(c, true);
                    try (PreparedStatement forget = c.prepareStatement("DELETE FROM hub.outbox_reads WHERE reader = ?")) {
                        forget.setString(1, OutboxReader.KAFKA.name());
                        forget.executeUpdate();
                    }
                    LOG.info("Kafka feed: first run on this database; {} earlier outbox event(s) are not published "
                            + "(`feed republish --type T` sends current state)", n);
                }
            }
            c.commit();
        }
    }

    /** The next unpublished events, in outbox order, with this node holding the feed's lock; empty if another node has it. */
    public synchronized List<Event> claim(Exchange exchange) throws Exception {
        exchange.setProperty(ACKED, Collections.synchronizedList(new ArrayList<Long>()));
        if (roundOpen) {
            return List.of(); // a round is under way here (the advisory lock is re-entrant within this session)
        }
        if (lockConnection == null || !lockConnection.isValid(2)) {
            closeQuietly();
            lockConnection = dedicated.call();
        }
        if (!com.canopyhub.db.AdvisoryLocks.tryForSession(lockConnection, LOCK)) {
            return List.of();
        }
        List<Event> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            OutboxReader.KAFKA.advance(c);
            try (PreparedStatement ps = c.prepareStatement(OutboxReader.KAFKA.unreadQuery(
                    "o.seq, o.id, o.aggregate_type, o.aggregate_id, o.type, o.payload, o.occurred_at, o.trace_parent", batch));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class), rs.getString(5),
                            rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getString(8)));
                }
            }
        } catch (SQLException | RuntimeException e) {
            unlock();
            throw e;
        }
        if (events.isEmpty()) {
            unlock();
        } else {
            roundOpen = true;
        }
        return events;
    }

    /** Puts one event on the message: its topic, the record's canonical id as key, the envelope, the event id header. */
    public void prepare(Exchange exchange) {
        Event e = exchange.getMessage().getBody(Event.class);
        exchange.setProperty(EVENT, e);
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic(topicPrefix, e.aggregateType()));
        m.setHeader(KafkaConstants.KEY, e.aggregateId().toString());
        m.setHeader("event_id", e.id());
        m.setHeader("event_type", e.type());
        if (e.traceParent() != null) {
            // W3C trace context for consumers: the page that wrote the event
            m.setHeader("traceparent", e.traceParent());
        }
        exchange.setProperty(SENT_AT, Instant.now());
        m.setBody(EventEnvelope.json(e.id(), e.type(), e.occurredAt(), e.payload()));
    }

    /** The broker acknowledged this event. */
    public void acked(Exchange exchange) {
        Event e = exchange.getProperty(EVENT, Event.class);
        @SuppressWarnings("unchecked")
        List<Long> acked = exchange.getProperty(ACKED, List.class);
        acked.add(e.seq());
        Instant sent = exchange.getProperty(SENT_AT, Instant.class);
        traces.delivery("kafka send", e.traceParent(), sent != null ? sent : Instant.now(), Instant.now(), true,
                java.util.Map.of("canopyhub.topic", topic(topicPrefix, e.aggregateType()), "canopyhub.event_type", e.type(),
                        "canopyhub.event_id", e.id()));
    }

    /** Marks what the broker acknowledged in this round and lets the next round (on any node) go. */
    public synchronized void markPublished(Exchange exchange) throws SQLException {
        @SuppressWarnings("unchecked")
        List<Long> acked = exchange.getProperty(ACKED, List.class);
        try {
            if (acked != null && !acked.isEmpty()) {
                try (Connection c = dataSource.getConnection()) {
                    List<Long> seqs;
                    synchronized (acked) {
                        seqs = List.copyOf(acked);
                    }
                    OutboxReader.KAFKA.markRead(c, seqs);
                }
            }
        } finally {
            roundOpen = false;
            unlock();
        }
    }

    /** Where {@link #republish} sends each event (routes/deliver-kafka.camel.yaml: prepare, then the feed's producer). */
    public static final String REPUBLISH_URI = "direct:kafka-republish";

    private static final String LAST_EVENT_OF_EACH = "SELECT DISTINCT ON (aggregate_id) seq, id, aggregate_type, aggregate_id, type, "
            + "payload, occurred_at FROM hub.outbox WHERE aggregate_type = ? AND aggregate_id > ? "
            + "AND (aggregate_type = 'document' OR type NOT IN ('inventory.low_stock', 'document.expiring')) "
            + "ORDER BY aggregate_id, seq DESC LIMIT 1000";

    /**
     * Publishes the current state of every record of a type again: the last event of each (its payload carries the
     * record as of its last change), with its own event id, in pages of 1000 by canonical id. Derived events
     * (inventory.low_stock) carry no record and are not taken; a document's events are all document.expiring, so for
     * documents the last of those is its current state.
     *
     * @param since null, or only records whose last event is at or after it
     * @return the records published
     */
    public long republish(org.apache.camel.ProducerTemplate template, String aggregateType, Instant since,
                          java.util.function.LongConsumer progress) throws SQLException {
        UUID after = new UUID(0, 0); // the smallest uuid as PostgreSQL orders them (unsigned bytes)
        long published = 0;
        long lastReport = System.nanoTime();
        while (true) {
            List<Event> page = new ArrayList<>();
            UUID last = null;
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LAST_EVENT_OF_EACH)) {
                ps.setString(1, aggregateType);
                ps.setObject(2, after);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Event e = new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                                rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(), null);
                        last = e.aggregateId();
                        if (since == null || !e.occurredAt().isBefore(since)) {
                            page.add(e);
                        }
                    }
                }
            }
            if (last == null) {
                return published;
            }
            for (Event e : page) {
                template.sendBody(REPUBLISH_URI, e); // waits for the broker's ack; a failure ends the command with it
                published++;
            }
            after = last;
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                progress.accept(published);
                lastReport = System.nanoTime();
            }
        }
    }

    private void unlock() {
        if (lockConnection == null) {
            return;
        }
        try (PreparedStatement ps = lockConnection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, LOCK);
            ps.execute();
        } catch (SQLException e) {
            LOG.debug("Kafka feed: releasing the lock failed ({}); closing its session releases it", e.getMessage());
            closeQuietly();
        }
    }

    private void closeQuietly() {
        if (lockConnection != null) {
            try {
                lockConnection.close();
            } catch (SQLException ignored) {
                // the session ends either way
            }
            lockConnection = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
