package com.canopyhub.delivery.webhook;

import com.canopyhub.events.OutboxReader;
import com.canopyhub.events.OutboxSink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Webhook operations: list subscriptions and deliveries, replay, test, rotate a secret, re-enable. The command line
 * (`webhooks ...`) uses it, and an admin HTTP API can use it as it is. Every change wakes the dispatchers of every
 * node (NOTIFY), so a replay is sent at once wherever a hub runs.
 */
public class WebhookService {

    /** Where a wake-up goes (routes/deliver-webhooks.camel.yaml's dispatcher queue). */
    public static final String WAKE_URI = "seda:webhook-dispatch?size=1&discardWhenFull=true";

    private final DataSource dataSource;
    private final Subscriptions subscriptions;

    public WebhookService(DataSource dataSource, Subscriptions subscriptions) {
        this.dataSource = dataSource;
        this.subscriptions = subscriptions;
    }

    /** One row per subscription, as `webhooks list` prints it. */
    public List<Map<String, Object>> list() throws SQLException {
        return rows("""
                SELECT s.id, s.url, array_to_string(s.event_patterns, ',') AS events,
                       CASE WHEN NOT s.enabled THEN 'disabled (config)'
                            WHEN s.disabled_at IS NOT NULL THEN 'DISABLED since ' || to_char(s.disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || 'Z: ' || s.disabled_reason
                            WHEN s.failing_since IS NOT NULL THEN 'failing since ' || to_char(s.failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || 'Z'
                            ELSE 'ok' END AS state,
                       (SELECT count(*) FROM hub.webhook_secrets k WHERE k.subscription_id = s.id AND (k.expires_at IS NULL OR k.expires_at > now())) AS secrets,
                       (SELECT count(*) FROM hub.webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'DELIVERED') AS delivered,
                       (SELECT count(*) FROM hub.webhook_deliveries d WHERE d.subscription_id = s.id AND d.status IN ('PENDING', 'SENDING')) AS pending,
                       (SELECT count(*) FROM hub.webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'DEAD') AS dead,
                       s.origin, coalesce(s.description, '') AS description
                  FROM hub.webhook_subscriptions s ORDER BY s.id
                """);
    }

    /** Deliveries, newest first, optionally of one subscription and/or one status. */
    public List<Map<String, Object>> deliveries(String subscription, String status, int limit) throws SQLException {
        return rows("""
                SELECT d.id, d.subscription_id AS subscription, d.event_type AS type, d.event_id, d.status, d.attempts,
                       d.last_status AS http, to_char(d.next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || 'Z' AS next_attempt,
                       coalesce(d.last_error, '') AS last_error
                  FROM hub.webhook_deliveries d
                 WHERE (?::text IS NULL OR d.subscription_id = ?) AND (?::text IS NULL OR d.status = upper(?))
                 ORDER BY d.id DESC LIMIT ?
                """, subscription, subscription, status, status, limit);
    }

    /** The attempts of one delivery, in order. */
    public List<Map<String, Object>> attempts(long delivery) throws SQLException {
        return rows("SELECT attempt, outcome, http_status AS http, duration_ms, node, to_char(started_at AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD HH24:MI:SS.MS') || 'Z' AS started, coalesce(error, '') AS error FROM hub.webhook_attempts "
                + "WHERE delivery_id = ? ORDER BY id", delivery);
    }

    /** Sends a delivery again (dead or delivered): a new series of attempts, same event id. */
    public int replayDelivery(long id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_deliveries SET status = 'PENDING', attempts = 0, "
                    + "next_attempt_at = now(), lease_until = NULL, delivered_at = NULL WHERE id = ? AND status IN ('DEAD', 'DELIVERED')")) {
                ps.setLong(1, id);
                n = ps.executeUpdate();
            }
            OutboxSink.notifyCommit(c);
            c.commit();
            return n;
        }
    }

    /**
     * Sends a subscription every matching event since {@code since} it has not received: dead and delivered ones
     * again, and events it never had a delivery for (e.g. while it was disabled). Returns how many will be sent.
     */
    public int replaySince(String subscription, Instant since) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (!Subscriptions.exists(c, subscription)) {
                throw new IllegalArgumentException("no webhook subscription '" + subscription + "'");
            }
            int n;
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE hub.webhook_deliveries d SET status = 'PENDING', attempts = 0, next_attempt_at = now(), lease_until = NULL,
                           delivered_at = NULL
                      FROM hub.outbox o
                     WHERE o.seq = d.event_seq AND d.subscription_id = ? AND d.status IN ('DEAD', 'DELIVERED') AND o.occurred_at >= ?
                    """)) {
                ps.setString(1, subscription);
                ps.setTimestamp(2, Timestamp.from(since));
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO hub.webhook_deliveries (subscription_id, event_seq, event_id, event_type, aggregate_id, next_attempt_at)
                    SELECT s.id, o.seq, o.id, o.type, o.aggregate_id, now()
                      FROM hub.outbox o JOIN hub.webhook_subscriptions s ON s.id = ? AND hub.subscription_takes(o.type, s.event_like)
                     WHERE o.occurred_at >= ?
                    """ + "   AND " + OutboxReader.WEBHOOKS.read("o") + """

                    ON CONFLICT (subscription_id, event_seq) DO NOTHING
                    """)) {
                ps.setString(1, subscription);
                ps.setTimestamp(2, Timestamp.from(since));
                n += ps.executeUpdate();
            }
            OutboxSink.notifyCommit(c);
            c.commit();
            return n;
        }
    }

    /**
     * A {@code webhook.test} event for one subscription only (written as already taken by the webhook fan-out, so no
     * one else gets it), delivered like any other. Returns the delivery's id.
     */
    public long test(String subscription) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (!Subscriptions.exists(c, subscription)) {
                throw new IllegalArgumentException("no webhook subscription '" + subscription + "'");
            }
            String eventId = OutboxSink.eventId();
            UUID aggregate = UUID.randomUUID();
            long seq;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.outbox (id, aggregate_type, aggregate_id, type, payload, "
                    + "source_system, stream) VALUES (?, 'webhook', ?, 'webhook.test', ?, 'hub', 'webhooks') RETURNING seq")) {
                ps.setString(1, eventId);
                ps.setObject(2, aggregate);
                ps.setString(3, "{\"message\":\"a test event from Canopy Hub\",\"subscription\":\"" + subscription + "\"}");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
            }
            OutboxReader.WEBHOOKS.markRead(c, java.util.List.of(seq));
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.webhook_deliveries (subscription_id, event_seq, event_id, "
                    + "event_type, aggregate_id, next_attempt_at) VALUES (?, ?, ?, 'webhook.test', ?, now()) RETURNING id")) {
                ps.setString(1, subscription);
                ps.setLong(2, seq);
                ps.setString(3, eventId);
                ps.setObject(4, aggregate);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            OutboxSink.notifyCommit(c);
            c.commit();
            return id;
        }
    }

    /** A delivery's status (PENDING, SENDING, DELIVERED, DEAD). */
    public String status(long delivery) throws SQLException {
        List<Map<String, Object>> r = rows("SELECT status FROM hub.webhook_deliveries WHERE id = ?", delivery);
        return r.isEmpty() ? null : (String) r.get(0).get("status");
    }

    /** A new secret for the subscription (shown once by the caller); the old ones sign on for the overlap. */
    public String rotateSecret(String subscription, Duration overlap) throws SQLException {
        return subscriptions.rotate(subscription, overlap);
    }

    /** Re-enables a subscription the hub disabled (410, failing for days); its waiting deliveries go out at once. */
    public boolean enable(String subscription) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_subscriptions SET disabled_at = NULL, disabled_reason = NULL, "
                    + "failing_since = NULL, updated_at = now() WHERE id = ?")) {
                ps.setString(1, subscription);
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_deliveries SET next_attempt_at = now() "
                    + "WHERE subscription_id = ? AND status = 'PENDING'")) {
                ps.setString(1, subscription);
                ps.executeUpdate();
            }
            OutboxSink.notifyCommit(c);
            c.commit();
            subscriptions.changed();
            return n > 0;
        }
    }

    /** Per enabled subscription: deliveries delivered since {@code since}, pending, dead. */
    public List<Map<String, Object>> summary(Instant since) throws SQLException {
        return rows("""
                SELECT s.id, s.url,
                       (SELECT count(*) FROM hub.webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'DELIVERED'
                           AND d.delivered_at >= ?) AS delivered,
                       (SELECT count(*) FROM hub.webhook_deliveries d WHERE d.subscription_id = s.id AND d.status IN ('PENDING', 'SENDING')) AS pending,
                       (SELECT count(*) FROM hub.webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'DEAD') AS dead
                  FROM hub.webhook_subscriptions s WHERE s.enabled AND s.disabled_at IS NULL ORDER BY s.id
                """, Timestamp.from(since));
    }

    /**
     * Waits until nothing is left to do now: no event waiting to be fanned out, no delivery in flight or due (later
     * retries do not count). False if {@code max} passed first.
     */
    public boolean awaitSettled(Duration max) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> r = rows("""
                    SELECT (SELECT count(*) FROM hub.outbox o WHERE """ + OutboxReader.WEBHOOKS.unread("o") + """
                    )
                         + (SELECT count(*) FROM hub.webhook_deliveries d JOIN hub.webhook_subscriptions s ON s.id = d.subscription_id
                             WHERE s.enabled AND s.disabled_at IS NULL
                               AND (d.status = 'SENDING' OR (d.status = 'PENDING' AND d.next_attempt_at <= now()))) AS open
                    """);
            if (((Number) r.get(0).get("open")).longValue() == 0) {
                return true;
            }
            Thread.sleep(200); // a polling wait for the operator's summary, not a test
        }
        return false;
    }

    private List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= n; i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }
}
