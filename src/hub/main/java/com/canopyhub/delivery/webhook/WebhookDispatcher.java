package com.canopyhub.delivery.webhook;

import com.canopyhub.events.OutboxReader;

import com.canopyhub.config.SecretRedactor;
import com.canopyhub.source.RetryAfter;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import com.canopyhub.observe.Alerts;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java side of routes/deliver-webhooks.camel.yaml: fans new outbox events out into deliveries, claims due deliveries
 * (row locks, {@code FOR UPDATE SKIP LOCKED}: each attempt is claimed by one node, named as its database sessions are
 * in pg_stat_activity), turns a claimed delivery into
 * the signed request the route sends with camel-http, and records each attempt's outcome as a row, scheduling the
 * next attempt. Every state lives in PostgreSQL, so a restart between attempts loses nothing; the claims of a node
 * that died mid-attempt (its sessions are gone) or hangs (its lease expired) are taken over, and the attempt is made
 * again with the same {@code webhook-id}, its lost outcome recorded as UNKNOWN.
 */
public class WebhookDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** Exchange property holding the claimed delivery. */
    public static final String DELIVERY = "webhookDelivery";
    /** Exchange property set when the attempt is refused before sending (an internal address). */
    public static final String REFUSED = "webhookRefused";
    private static final long FAN_OUT_LOCK = 0x63616e6f70790001L; // one fan-out at a time across nodes
    private static final int FAN_OUT_BATCH = 5000;
    private static final int FAN_OUT_BATCH_DURING_SYNC = 500;

    /** A claimed delivery: what to send where, and which attempt this is. */
    public record Claimed(long id, String subscriptionId, long eventSeq, String eventId, String eventType, int attempt,
                          Instant occurredAt, String payload, Instant claimedAt, boolean afterUnknown, String traceParent) {
    }

    private final DataSource dataSource;
    private final Subscriptions subscriptions;
    private final UrlGuard guard;
    private final List<Duration> schedule;
    private final Duration leaseLength;
    private final Duration disableAfter;
    private final int claimLimit;
    private final String node;
    private final SecretRedactor redactor;
    private final Clock clock;
    /** Claimed here, not yet handed to the HTTP client: given back on a clean stop, so nothing waits for a takeover. */
    private final Map<Long, Claimed> unsent = new java.util.concurrent.ConcurrentHashMap<>();
    /** Attempts claimed on this node and not yet recorded. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile java.util.function.BooleanSupplier syncing = () -> false;
    private volatile java.util.function.BooleanSupplier stopping = () -> false;
    private volatile int inFlightDuringSync = Integer.MAX_VALUE;
    private volatile com.canopyhub.observe.DeliveryMeters metrics;
    private volatile boolean alerting;
    private volatile com.canopyhub.observe.DeliveryTraces traces = com.canopyhub.observe.DeliveryTraces.NONE;

    /** Each attempt becomes a span linked to the page that wrote its event (docs/operations.md, "Traces"). */
    public void traceTo(com.canopyhub.observe.DeliveryTraces traces) {
        this.traces = traces;
    }

    public WebhookDispatcher(DataSource dataSource, Subscriptions subscriptions, UrlGuard guard, List<Duration> schedule,
                             Duration timeout, Duration disableAfter, int claimLimit, String node, SecretRedactor redactor) {
        this.dataSource = dataSource;
        this.subscriptions = subscriptions;
        this.guard = guard;
        this.schedule = List.copyOf(schedule);
        // a claimed delivery may wait for a sender thread, then takes at most connect + response timeout; a node that
        // dies frees its claims at once anyway (its sessions leave pg_stat_activity), the lease covers a hung one
        this.leaseLength = timeout.multipliedBy(3).plusSeconds(60);
        this.disableAfter = disableAfter;
        this.claimLimit = claimLimit;
        this.node = node;
        this.redactor = redactor;
        this.clock = Clock.systemUTC();
    }

    /**
     * While a sync pass runs on this node, at most {@code limit} attempts are in flight here: on a small machine the
     * pass's pages come first, and the backlog drains at full speed once it ends (the poll timer resumes it).
     */
    public void yieldTo(java.util.function.BooleanSupplier syncing, int limit) {
        this.syncing = syncing;
        this.inFlightDuringSync = limit;
    }

    /**
     * The hub is stopping: a fan-out round ends after the batch it is in, instead of draining a bulk load's whole
     * backlog first (millions of events after a large initial load: the stop would wait for all of them).
     */
    public void stopWhen(java.util.function.BooleanSupplier stopping) {
        this.stopping = stopping;
    }

    /** Attempts are counted there; with {@code alerts}, exhausted deliveries and disabled endpoints raise alerts (docs/operations.md). */
    public void reportTo(com.canopyhub.observe.DeliveryMeters metrics, boolean alerts) {
        this.metrics = metrics;
        this.alerting = alerts;
    }

    /** Whether a finished round or send should start the next round at once (not while a sync pass runs here). */
    public boolean pressOn() {
        return !syncing.getAsBoolean();
    }

    public int maxAttempts() {
        return schedule.size() + 1;
    }

    /**
     * New outbox events become one PENDING delivery per matching enabled subscription; returns how many events were
     * fanned out. One node at a time (an advisory lock), so deliveries of one aggregate are created in event order.
     */
    public int fanOut() throws SQLException {
        // while a pass runs here, one small batch per round: its own few events go out, a bulk load's wait for its end
        boolean yielding = syncing.getAsBoolean();
        int batch = yielding ? FAN_OUT_BATCH_DURING_SYNC : FAN_OUT_BATCH;
        int total = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!fanOutLock(c)) {
                    c.rollback();
                    return 0; // another node is fanning out
                }
                OutboxReader.WEBHOOKS.advance(c);
                while (true) {
                    int marked;
                    int inserted;
                    try (PreparedStatement ps = c.prepareStatement("WITH " + OutboxReader.WEBHOOKS.claimCte("o.seq, o.id, o.type, o.aggregate_id") + ",\n" + """
                            marked AS (SELECT b.seq, b.id, b.type, b.aggregate_id FROM batch b JOIN taken t ON t.seq = b.seq),
                            matched AS (SELECT s.id AS subscription_id, m.seq, m.id, m.type, m.aggregate_id,
                                               row_number() OVER (PARTITION BY s.id, m.aggregate_id ORDER BY m.seq) AS nth
                                          FROM marked m JOIN hub.webhook_subscriptions s
                                            ON s.enabled AND s.disabled_at IS NULL AND hub.subscription_takes(m.type, s.event_like)),
                            ins AS (INSERT INTO hub.webhook_deliveries (subscription_id, event_seq, event_id, event_type, aggregate_id,
                                                                        status, next_attempt_at)
                                    SELECT x.subscription_id, x.seq, x.id, x.type, x.aggregate_id,
                                           CASE WHEN x.nth > 1 OR EXISTS (SELECT 1 FROM hub.webhook_deliveries e
                                                 WHERE e.subscription_id = x.subscription_id AND e.aggregate_id = x.aggregate_id
                                                   AND e.status IN ('PENDING', 'SENDING', 'WAITING'))
                                                THEN 'WAITING' ELSE 'PENDING' END, now()
                                      FROM matched x
                                    ON CONFLICT DO NOTHING RETURNING 1)
                            SELECT (SELECT count(*) FROM marked), (SELECT count(*) FROM ins)
                            """)) {
                        ps.setInt(1, batch);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            marked = rs.getInt(1);
                            inserted = rs.getInt(2);
                        }
                    }
                    c.commit();
                    total += marked;
                    analyzeAfterGrowth(c, inserted);
                    if (marked < batch || yielding || stopping.getAsBoolean()) {
                        break; // the rest is fanned out by the next round (or the next node to start)
                    }
                    // the advisory lock went with the commit: take it again for the next batch
                    if (!fanOutLock(c)) {
                        c.rollback();
                        break;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return total;
    }

    private final AtomicLong insertedSinceAnalyze = new AtomicLong();
    private volatile long lastAnalyze;

    /**
     * Deliveries arrive in bursts (a full sync fans out a whole table's events): planner statistics taken while the
     * table was small make PostgreSQL scan every open delivery per row in the order checks. Refresh them after
     * growth (at most every 10 s), as one would after a bulk load, rather than wait for autovacuum's next round.
     */
    private void analyzeAfterGrowth(Connection c, int inserted) throws SQLException {
        long grown = insertedSinceAnalyze.addAndGet(inserted);
        long now = System.nanoTime();
        if (grown >= 2000 && now - lastAnalyze > 10_000_000_000L) {
            insertedSinceAnalyze.set(0);
            lastAnalyze = now;
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("ANALYZE hub.webhook_deliveries");
            }
            c.commit();
        }
    }

    private void claim(Connection c, String subscription, int wanted, List<Claimed> out) throws SQLException {
        int room;
        try (PreparedStatement ps = c.prepareStatement(ROOM)) {
            ps.setString(1, subscription);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return; // disabled meanwhile, or another node is claiming for it right now
                }
                room = Math.min(wanted, rs.getInt(1));
            }
        }
        if (room <= 0) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(String.format(java.util.Locale.ROOT, CLAIM, room))) {
            ps.setString(1, subscription);
            ps.setLong(2, leaseLength.toSeconds());
            ps.setString(3, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Claimed claimed = new Claimed(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getTimestamp(7).toInstant(), rs.getString(8),
                            rs.getTimestamp(9).toInstant(), rs.getBoolean(10), rs.getString(11));
                    unsent.put(claimed.id(), claimed);
                    inFlight.incrementAndGet();
                    out.add(claimed);
                }
            }
        }
    }

    /** The fan-out's advisory lock, for this transaction; false if another node holds it. */
    private static boolean fanOutLock(Connection c) throws SQLException {
        return com.canopyhub.db.AdvisoryLocks.tryForTransaction(c, FAN_OUT_LOCK);
    }

    /**
     * Deliveries a node claimed and will never finish: it died (its sessions left pg_stat_activity) or hangs (lease
     * expired). The lost attempt is recorded UNKNOWN and the delivery is due again as that same attempt, ahead of any
     * backlog (due since the epoch: the claim takes the oldest due first), so an unknown outcome is settled first.
     */
    private static final String RECLAIM = """
            WITH gone AS (SELECT d.id FROM hub.webhook_deliveries d
                           WHERE d.subscription_id = ? AND d.status = 'SENDING'
                             AND (d.lease_until <= now()
                                  OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.application_name = d.claimed_by))
                           FOR UPDATE SKIP LOCKED),
            lost AS (INSERT INTO hub.webhook_attempts (delivery_id, attempt, node, started_at, outcome, error)
                     SELECT d.id, d.attempts, coalesce(d.claimed_by, 'unknown'), d.lease_until - ? * interval '1 second', 'UNKNOWN',
                            'the node stopped before recording the outcome; sent again with the same webhook-id'
                       FROM hub.webhook_deliveries d JOIN gone ON gone.id = d.id)
            UPDATE hub.webhook_deliveries d SET status = 'PENDING', attempts = d.attempts - 1, lease_until = NULL,
                   claimed_by = NULL, next_attempt_at = timestamptz 'epoch'
              FROM gone WHERE d.id = gone.id
            """;

    /**
     * Room for attempts of one subscription: its in-flight limit minus what every node has in flight. Its row stays
     * locked until the claim commits, so nodes claim for one subscription one at a time (SKIP LOCKED: another node
     * moves on to the next subscription instead of waiting).
     */
    private static final String ROOM = """
            SELECT s.max_in_flight - (SELECT count(*) FROM hub.webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'SENDING')
              FROM hub.webhook_subscriptions s WHERE s.id = ? AND s.enabled AND s.disabled_at IS NULL FOR UPDATE SKIP LOCKED
            """;

    /**
     * Due PENDING deliveries of one subscription, oldest first. The limit is a literal: with a computed one PostgreSQL
     * plans for a tenth of the table and sorts the whole backlog; with the number it reads the PENDING partial index
     * in order and stops, however long the backlog.
     */
    private static final String CLAIM = """
            WITH due AS (SELECT d.id FROM hub.webhook_deliveries d
                          WHERE d.subscription_id = ? AND d.status = 'PENDING' AND d.next_attempt_at <= now()
                          ORDER BY d.next_attempt_at
                          LIMIT %d
                          FOR UPDATE SKIP LOCKED)
            UPDATE hub.webhook_deliveries d
               SET attempts = d.attempts + 1, status = 'SENDING', lease_until = now() + ? * interval '1 second', claimed_by = ?,
                   first_attempt_at = coalesce(d.first_attempt_at, now())
              FROM due, hub.outbox o
             WHERE d.id = due.id AND o.seq = d.event_seq
            RETURNING d.id, d.subscription_id, d.event_seq, d.event_id, d.event_type, d.attempts, o.occurred_at, o.payload, now(),
                      (SELECT count(*) FROM hub.webhook_attempts a WHERE a.delivery_id = d.id AND a.attempt = d.attempts) > 0,
                      o.trace_parent
            """;



    /**
     * Claims the due deliveries of every enabled subscription, as many as its in-flight limit leaves room for (counted
     * across nodes), oldest first. (Per-aggregate order needs no check here: a later event of an aggregate with an
     * open delivery is WAITING until that one ends.)
     */
    public List<Claimed> claimDue() throws SQLException {
        List<Claimed> out = new ArrayList<>();
        Map<String, Subscriptions.Active> active = subscriptions.active();
        if (active.isEmpty()) {
            return out;
        }
        int room = (syncing.getAsBoolean() ? Math.min(claimLimit, inFlightDuringSync) : claimLimit) - inFlight.get();
        if (room <= 0) {
            return out;
        }
        try (Connection c = dataSource.getConnection()) {
            for (String id : active.keySet()) {
                if (out.size() >= room) {
                    break;
                }
                try (PreparedStatement ps = c.prepareStatement(RECLAIM)) {
                    ps.setString(1, id);
                    ps.setLong(2, leaseLength.toSeconds());
                    ps.executeUpdate();
                }
                c.setAutoCommit(false);
                try {
                    claim(c, id, room - out.size(), out);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
        }
        return out;
    }

    /**
     * Turns the claimed delivery into the request: the envelope {@code {"id","type","created_at","data"}} as the exact
     * bytes to send (the same for every attempt), signed; the target URL in {@code CamelHttpUri}. A URL refused by the
     * SSRF rules sets {@link #REFUSED} and sends nothing.
     */
    public void prepare(Exchange exchange) throws SQLException {
        Claimed d = exchange.getMessage().getBody(Claimed.class);
        unsent.remove(d.id());
        exchange.setProperty(DELIVERY, d);
        exchange.setProperty("webhookStarted", Instant.now());
        Subscriptions.Active sub = subscriptions.active().get(d.subscriptionId());
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        if (sub == null) {
            exchange.setProperty(REFUSED, "subscription " + d.subscriptionId() + " is no longer enabled");
            return;
        }
        String problem = refusal(sub.url());
        if (problem != null) {
            exchange.setProperty(REFUSED, problem);
            return;
        }
        if (sub.secrets().isEmpty()) {
            exchange.setProperty(REFUSED, "subscription " + d.subscriptionId() + " has no signing secret");
            return;
        }
        byte[] body = envelope(d);
        long timestamp = Instant.now().getEpochSecond();
        m.setHeader("webhook-id", d.eventId());
        m.setHeader("webhook-timestamp", Long.toString(timestamp));
        m.setHeader("webhook-signature", WebhookSignature.standard(d.eventId(), timestamp, body, sub.secrets()));
        // one slot only: keyed with the oldest secret still signing, the one receivers hold until a rotation completes
        m.setHeader("X-Signature-256", WebhookSignature.githubStyle(body, sub.secrets().get(sub.secrets().size() - 1)));
        m.setHeader("Content-Type", "application/json");
        m.setHeader("User-Agent", "Canopy-Hub-Webhooks/1");
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setHeader(Exchange.HTTP_URI, sub.url());
        m.setBody(body);
    }

    /** Scheme and address rules, checked before sending (the HTTP client's resolver checks again at connect time). */
    String refusal(String url) {
        try {
            String scheme = guard.schemeProblem(url);
            if (scheme != null) {
                return scheme;
            }
            guard.resolve(URI.create(url).getHost());
            return null;
        } catch (UrlGuard.RefusedAddressException e) {
            return e.getMessage();
        } catch (UnknownHostException e) {
            return null; // not resolvable now: the attempt fails like any connection failure, and is retried
        } catch (IllegalArgumentException e) {
            return "invalid URL";
        }
    }

    static byte[] envelope(Claimed d) {
        return com.canopyhub.events.EventEnvelope.json(d.eventId(), d.eventType(), d.occurredAt(), d.payload())
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Records the attempt's outcome (a row in hub.webhook_attempts) and what follows: DELIVERED on 2xx; on 410 the
     * subscription is disabled; otherwise the next attempt per the retry schedule (never sooner than a 429/503's
     * Retry-After), or DEAD after the last. A subscription failing continuously for hub.webhooks.disable-after is
     * disabled.
     */
    public void record(Exchange exchange) throws SQLException {
        Claimed d = exchange.getProperty(DELIVERY, Claimed.class);
        Instant started = exchange.getProperty("webhookStarted", Instant.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String refused = exchange.getProperty(REFUSED, String.class);
        if (error != null && error.getCause() instanceof UrlGuard.RefusedAddressException r) {
            refused = r.getMessage();
        } else if (error instanceof UrlGuard.RefusedAddressException r) {
            refused = r.getMessage();
        }
        String outcome;
        String detail = null;
        Duration retryAfter = null;
        if (refused != null) {
            outcome = "REFUSED";
            detail = refused;
            status = null;
        } else if (error != null) {
            outcome = "FAILED";
            detail = (error instanceof SocketTimeoutException || error.getClass().getSimpleName().contains("Timeout") ? "timeout: " : "")
                    + error.getClass().getSimpleName() + ": " + error.getMessage();
            status = null;
        } else if (status != null && status >= 200 && status < 300) {
            outcome = "DELIVERED";
        } else if (status != null && status == 410) {
            outcome = "GONE";
            detail = "410 Gone: the receiver asked to stop";
        } else {
            outcome = "FAILED";
            detail = "HTTP " + status + responseExcerpt(exchange);
            if (status != null && (status == 429 || status == 503)) {
                retryAfter = RetryAfter.parse(exchange.getMessage().getHeader("Retry-After", String.class), clock).orElse(null);
            }
        }
        long ms = started == null ? 0 : Duration.between(started, Instant.now()).toMillis();
        try {
            write(d, outcome, status, detail == null ? null : redactor.redact(detail), retryAfter, ms);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static String responseExcerpt(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            return "";
        }
        String one = body.replaceAll("\\s+", " ").trim();
        return ": " + (one.length() > 200 ? one.substring(0, 200) + "…" : one);
    }

    private void write(Claimed d, String outcome, Integer status, String detail, Duration retryAfter, long ms) throws SQLException {
        boolean disabled = false;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.webhook_attempts (delivery_id, attempt, node, started_at, "
                        + "finished_at, outcome, http_status, duration_ms, error) VALUES (?, ?, ?, ?, now(), ?, ?, ?, ?)")) {
                    ps.setLong(1, d.id());
                    ps.setInt(2, d.attempt());
                    ps.setString(3, node);
                    ps.setTimestamp(4, Timestamp.from(d.claimedAt()));
                    ps.setString(5, outcome);
                    ps.setObject(6, status);
                    ps.setInt(7, (int) Math.min(Integer.MAX_VALUE, ms));
                    ps.setString(8, detail);
                    ps.executeUpdate();
                }
                if (outcome.equals("DELIVERED")) {
                    update(c, d, "DELIVERED", null, status, null, false);
                    promoteNext(c, d);
                    try (PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_subscriptions SET failing_since = NULL, "
                            + "last_success_at = now() WHERE id = ? AND (failing_since IS NOT NULL OR last_success_at IS NULL "
                            + "OR last_success_at < now() - interval '10 seconds')")) {
                        ps.setString(1, d.subscriptionId());
                        ps.executeUpdate();
                    }
                } else if (outcome.equals("GONE")) {
                    // the delivery waits (PENDING) for the subscription to be re-enabled; this attempt does not count
                    update(c, d, "PENDING", Duration.ZERO, status, detail, true);
                    disabled = disable(c, d.subscriptionId(), "410 Gone from the receiver", alerting);
                } else {
                    if (d.attempt() >= maxAttempts()) {
                        update(c, d, "DEAD", null, status, detail, false);
                        promoteNext(c, d);
                        if (alerting && !Alerts.isAlert(d.eventType())) {
                            // an alert's own dead delivery raises none: no chain of alerts about alerts
                            Map<String, Object> facts = new java.util.LinkedHashMap<>();
                            facts.put("subscription", d.subscriptionId());
                            facts.put("delivery_id", d.id());
                            facts.put("event_id", d.eventId());
                            facts.put("event_type", d.eventType());
                            facts.put("attempts", d.attempt());
                            facts.put("last_error", detail == null ? null : redactor.redact(detail));
                            Alerts.emit(c, Alerts.WEBHOOK_EXHAUSTED, "webhook:" + d.subscriptionId(), "hub", "webhooks", "", facts);
                        }
                        LOG.warn("Webhook delivery {} ({} {} to {}) is dead after {} attempts: {} (`webhooks replay --delivery {}`)",
                                d.id(), d.eventType(), d.eventId(), d.subscriptionId(), d.attempt(), detail, d.id());
                    } else {
                        Duration delay = jittered(schedule.get(d.attempt() - 1));
                        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
                            delay = retryAfter.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1) : retryAfter;
                        }
                        update(c, d, "PENDING", delay, status, detail, false);
                    }
                    disabled = failing(c, d.subscriptionId());
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        traces.delivery("webhook attempt", d.traceParent(), d.claimedAt(), Instant.now(), outcome.equals("DELIVERED"),
                Map.of("canopyhub.subscription", d.subscriptionId(), "canopyhub.event_type", d.eventType(),
                        "canopyhub.event_id", d.eventId(), "canopyhub.attempt", Integer.toString(d.attempt()), "canopyhub.outcome", outcome));
        com.canopyhub.observe.DeliveryMeters m = metrics;
        if (m != null) {
            m.webhookAttempt(d.subscriptionId(), outcome, d.attempt(), Duration.between(d.occurredAt(), d.claimedAt()));
        }
        if (disabled) {
            subscriptions.changed(); // this node stops claiming for it at once
        }
    }

    /** @param uncount the attempt does not count towards the schedule (a 410: the subscription is disabled instead) */
    private static void update(Connection c, Claimed d, String status, Duration next, Integer httpStatus, String error,
                               boolean uncount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_deliveries SET status = ?, lease_until = NULL, "
                + "next_attempt_at = CASE WHEN ?::bigint IS NULL THEN next_attempt_at ELSE now() + ?::bigint * interval '1 millisecond' END, "
                + "attempts = CASE WHEN ? THEN attempts - 1 ELSE attempts END, "
                + "last_status = ?, last_error = ?, delivered_at = CASE WHEN ? = 'DELIVERED' THEN now() END WHERE id = ?")) {
            Long nextMs = next == null ? null : next.toMillis();
            ps.setString(1, status);
            ps.setObject(2, nextMs, java.sql.Types.BIGINT);
            ps.setObject(3, nextMs, java.sql.Types.BIGINT);
            ps.setBoolean(4, uncount);
            ps.setObject(5, httpStatus, java.sql.Types.INTEGER);
            ps.setString(6, error);
            ps.setString(7, status);
            ps.setLong(8, d.id());
            ps.executeUpdate();
        }
    }

    /** The delivery ended: the next event of its aggregate for this subscription may go. */
    private static void promoteNext(Connection c, Claimed d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE hub.webhook_deliveries SET status = 'PENDING', next_attempt_at = now()
                 WHERE id = (SELECT w.id FROM hub.webhook_deliveries w JOIN hub.webhook_deliveries me ON me.id = ?
                              WHERE w.subscription_id = me.subscription_id AND w.aggregate_id = me.aggregate_id
                                AND w.status IN ('PENDING', 'SENDING', 'WAITING')
                              ORDER BY w.event_seq LIMIT 1)
                   AND status = 'WAITING'
                """)) {
            ps.setLong(1, d.id());
            ps.executeUpdate();
        }
    }

    /** Notes the failure; true if the subscription has now failed for too long and was disabled. */
    private boolean failing(Connection c, String subscription) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_subscriptions SET failing_since = now() "
                + "WHERE id = ? AND failing_since IS NULL")) {
            ps.setString(1, subscription);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT failing_since FROM hub.webhook_subscriptions WHERE id = ? "
                + "AND failing_since < now() - ? * interval '1 second'")) {
            ps.setString(1, subscription);
            ps.setLong(2, disableAfter.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && disable(c, subscription, "failing continuously since " + rs.getTimestamp(1).toInstant()
                        + " (hub.webhooks.disable-after " + disableAfter + ")", alerting);
            }
        }
    }

    private static boolean disable(Connection c, String subscription, String reason, boolean alert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_subscriptions SET disabled_at = now(), disabled_reason = ?, "
                + "updated_at = now() WHERE id = ? AND disabled_at IS NULL")) {
            ps.setString(1, reason);
            ps.setString(2, subscription);
            if (ps.executeUpdate() == 0) {
                return false; // disabled before
            }
            LOG.warn("Webhook subscription '{}' DISABLED: {}. Its deliveries wait; `webhooks enable {}` re-enables it.",
                    subscription, reason, subscription);
            if (alert) {
                Alerts.emit(c, Alerts.WEBHOOK_ENDPOINT_DISABLED, "webhook:" + subscription, "hub", "webhooks", "",
                        Map.of("subscription", subscription, "reason", reason));
            }
            return true;
        }
    }

    /**
     * On a clean stop: the deliveries claimed here but never sent go back to PENDING as they were (the attempt they
     * were claimed for was not made), instead of waiting for another node to take them over as UNKNOWN.
     */
    @Override
    public void close() {
        if (unsent.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_deliveries SET status = 'PENDING', lease_until = NULL, "
                     + "next_attempt_at = now(), attempts = attempts - ? WHERE id = ? AND status = 'SENDING' AND claimed_by = ?")) {
            for (Claimed d : unsent.values()) {
                ps.setInt(1, d.afterUnknown() ? 0 : 1);
                ps.setLong(2, d.id());
                ps.setString(3, node);
                ps.addBatch();
            }
            ps.executeBatch();
            LOG.info("{} claimed webhook deliveries not sent before stopping: given back", unsent.size());
            unsent.clear();
        } catch (SQLException e) {
            LOG.warn("Could not give back {} unsent webhook deliveries ({}); another node takes them over", unsent.size(), e.getMessage());
        }
    }

    /** +-10 %, so many deliveries failing together do not retry in lock-step. */
    static Duration jittered(Duration d) {
        long ms = d.toMillis();
        long spread = ms / 10;
        return spread == 0 ? d : Duration.ofMillis(ms - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1));
    }

}
