package com.canopyhub.delivery.marketplace;

import com.canopyhub.config.SecretRedactor;
import com.canopyhub.store.DeadLetterStore;
import com.canopyhub.source.RetryAfter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import com.canopyhub.db.DatabaseErrors;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One marketplace sink's state and decisions, called by routes/template-marketplace-delivery.camel.yaml (which owns the flow and
 * the HTTP calls, camel-http). The marketplace's API shapes live in its {@link MarketplaceAdapter}; this class is
 * the same for every marketplace:
 * <ul>
 *   <li>{@link #claimDue()}: dirty listings (the planner marked them from the outbox), claimed with
 *       {@code FOR UPDATE SKIP LOCKED} and a lease, so several nodes share them and each is pushed by one; a dead
 *       node's claims are free at once (its sessions left {@code pg_stat_activity}), a hung one's when the lease ends;</li>
 *   <li>{@link #next(Exchange)}: the listing's next request (the adapter compares what it should be with what the
 *       marketplace holds); written as {@code pending} before it is sent;</li>
 *   <li>{@link #await(Exchange)}: the key's shared rate limit;</li>
 *   <li>{@link #record(Exchange)}: the answer: accepted (state saved, next request), 401/403 (this sink stops,
 *       the others carry on), 422/400 and other 4xx (a dead letter with the body, not retried), 429 (wait for
 *       Retry-After), 5xx, timeouts, unreadable bodies (retried with backoff; the outcome is unknown, so the next
 *       try starts with a lookup).</li>
 * </ul>
 */
public final class MarketplaceDelivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MarketplaceDelivery.class);
    /** Exchange property: the claimed listing. */
    public static final String CLAIM = "marketplaceClaim";
    private static final String SENT = "marketplaceSent";
    private static final String STOP = "marketplaceStop";
    private static final String STARTED = "marketplaceStartedNanos";
    /** A listing never needs more than a few requests; more in one claim means something loops: let others go first. */
    private static final int MAX_REQUESTS_PER_CLAIM = 8;
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    private static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** A claimed listing: its product, and the change count it was claimed at. */
    public record Claim(UUID productId, long changes, int[] requests) {
    }

    private record Sent(MarketplaceAdapter.Request request, long requestId, long startedNanos) {
    }

    private final MarketplaceAdapter adapter;
    private final ListingMapping mapping;
    private final DataSource dataSource;
    private final String baseUrl;
    private final Supplier<String> authorization;
    private final SharedRateLimit limiter;
    private final DeadLetterStore deadLetters;
    private final SecretRedactor redactor;
    private final String node;
    private final int capacity;
    private final Duration lease;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    /** Failures of one listing's own (an answer that cannot be used, a value the database refuses) before it is a dead letter. */
    private final int listingAttempts;
    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile String stoppedReason;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();

    /**
     * @param authorization the Authorization header's value (read when sent, never stored or logged)
     * @param capacity      listings this node works on at once (claimed ahead of the senders, so the pipe stays full)
     */
    public MarketplaceDelivery(MarketplaceAdapter adapter, ListingMapping mapping, DataSource dataSource, String baseUrl,
                           Supplier<String> authorization, SharedRateLimit limiter, DeadLetterStore deadLetters,
                           SecretRedactor redactor, String node, int capacity, Duration lease, Duration firstBackoff,
                           Duration maxBackoff, int listingAttempts, Clock clock) throws SQLException {
        this.listingAttempts = listingAttempts;
        this.adapter = adapter;
        this.mapping = mapping;
        this.dataSource = dataSource;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = authorization;
        this.limiter = limiter;
        this.deadLetters = deadLetters;
        this.redactor = redactor;
        this.node = node;
        this.capacity = capacity;
        this.lease = lease;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
        // a new start may carry a fixed key: a stop recorded by an earlier run no longer holds
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hub.marketplace_sinks SET stopped_at = NULL, stopped_reason = NULL WHERE sink = ? AND stopped_at IS NOT NULL")) {
            ps.setString(1, adapter.sink());
            ps.executeUpdate();
        }
        // requests whose outcome a stopped process never learnt (a create that may have made a listing) are resolved
        // first, ahead of any backlog: the marketplace may hold listings the hub does not know about until then
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hub.marketplace_listings SET next_attempt_at = timestamptz 'epoch' WHERE sink = ? AND pending IS NOT NULL "
                        + "AND (claimed_by IS NULL OR claimed_by NOT IN (SELECT application_name FROM pg_stat_activity "
                        + "WHERE application_name IS NOT NULL))")) {
            ps.setString(1, adapter.sink());
            int n = ps.executeUpdate();
            if (n > 0) {
                LOG.info("{}: {} listing(s) with a request of unknown outcome are looked at first", adapter.sink(), n);
            }
        }
    }

    public String sink() {
        return adapter.sink();
    }

    /** Why this sink stopped (401/403), or null while it runs. */
    public String stoppedReason() {
        return stoppedReason;
    }

    /** Requests accepted and listings dead-lettered since start (for the summary and tests). */
    public long accepted() {
        return accepted.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    /** Dirty listings due now, claimed for this node (as many as it has room for). */
    public List<Claim> claimDue() throws SQLException {
        List<Claim> out = new ArrayList<>();
        int room = capacity - inFlight.get();
        if (stoppedReason != null || room <= 0) {
            return out;
        }
        // RETURNING gives rows in no particular order: the outer SELECT hands them on oldest due first, so what is most
        // overdue (a request of unknown outcome, due since the epoch after a restart) is sent first
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH claimed AS (
                UPDATE hub.marketplace_listings l SET claimed_by = ?, lease_until = now() + ? * interval '1 millisecond'
                  FROM (SELECT canonical_id FROM hub.marketplace_listings
                         WHERE sink = ? AND dirty AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now()
                                  OR claimed_by NOT IN (SELECT application_name FROM pg_stat_activity))
                         ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) due
                 WHERE l.sink = ? AND l.canonical_id = due.canonical_id
                RETURNING l.canonical_id, l.changes, l.next_attempt_at)
                SELECT canonical_id, changes FROM claimed ORDER BY next_attempt_at
                """)) {
            ps.setString(1, node);
            ps.setLong(2, lease.toMillis());
            ps.setString(3, sink());
            ps.setInt(4, room);
            ps.setString(5, sink());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Claim(rs.getObject(1, UUID.class), rs.getLong(2), new int[1]));
                }
            }
        }
        inFlight.addAndGet(out.size());
        return out;
    }

    /**
     * Prepares the claimed listing's next request on the exchange (method, URI, headers, body) and returns true; or
     * returns false when there is nothing (more) to send: the listing is in line with the marketplace, or it was
     * dead-lettered, or the last answer ended this claim.
     */
    public boolean next(Exchange exchange) throws SQLException {
        Claim claim = exchange.getProperty(CLAIM, Claim.class);
        if (claim == null) {
            claim = exchange.getMessage().getBody(Claim.class);
            exchange.setProperty(CLAIM, claim);
        }
        if (exchange.getProperty(STOP) != null) {
            return false;
        }
        if (stoppedReason != null || claim.requests()[0] >= MAX_REQUESTS_PER_CLAIM || exchange.getContext().isStopping()) {
            // this sink stopped, the hub is stopping (the listing goes back now, no waiting for slots on the way out),
            // or this claim has had its share of requests: the listing stays dirty, due at once
            try (Connection c = dataSource.getConnection()) {
                release(c, claim, Duration.ZERO, false, null, null);
            }
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ListingState state = load(c, claim.productId());
                if (state == null) {
                    c.rollback();
                    return false; // our lease ran out and another node has it
                }
                Map<String, Object> facts = ListingFacts.of(c, claim.productId());
                MarketplaceAdapter.Request request;
                try {
                    request = adapter.next(new MarketplaceAdapter.Listing(facts, mapping, state));
                } catch (MarketplaceUnits.Unconvertible | RuntimeException e) {
                    // a value the marketplace cannot take, or a mapping expression that fails on this product
                    String reason = (e instanceof MarketplaceUnits.Unconvertible ? "" : "mapping " + mapping.file() + ": ")
                            + e.getMessage();
                    deadLetter(facts, claim, reason, null);
                    clean(c, claim);
                    c.commit();
                    return false;
                }
                if (request == null) {
                    clean(c, claim);
                    c.commit();
                    return false;
                }
                long requestId = begin(c, claim, state, request);
                c.commit();
                claim.requests()[0]++;
                // the loop's predicate sees a copy of the message: the request travels as a property, prepare() sets it
                exchange.setProperty(SENT, new Sent(request, requestId, System.nanoTime()));
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Waits for this request's slot in the key's shared budget, then puts the request on the message. */
    public void await(Exchange exchange) throws SQLException, InterruptedException {
        limiter.acquire();
        exchange.setProperty(STARTED, System.nanoTime());
        prepare(exchange.getMessage(), exchange.getProperty(SENT, Sent.class).request());
    }

    /** Records the answer (or its absence) and decides what follows; see the class comment. */
    public void record(Exchange exchange) throws SQLException {
        Claim claim = exchange.getProperty(CLAIM, Claim.class);
        Sent sent = exchange.getProperty(SENT, Sent.class);
        exchange.removeProperty(SENT);
        MarketplaceAdapter.Request request = sent.request();
        long ms = (System.nanoTime() - exchange.getProperty(STARTED, sent.startedNanos(), Long.class)) / 1_000_000;
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        Integer status = error == null ? exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class) : null;
        String text = error == null ? exchange.getMessage().getBody(String.class) : null;
        JsonNode body = parse(text);
        boolean read = request.method().equals("GET"); // a read neither creates nor settles an unknown outcome
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ListingState state = load(c, claim.productId());
                if (state == null) {
                    finish(c, sent, "UNKNOWN", status, "the claim was lost (lease ran out) before the answer was recorded", ms);
                    c.commit();
                    exchange.setProperty(STOP, true);
                    return;
                }
                ListingState after;
                Savepoint beforeAnswer = c.setSavepoint();
                try {
                    after = status == null ? null : adapter.answered(request, status, body, state);
                    if (after != null) {
                        save(c, claim, after, status, !read);
                    }
                } catch (SQLException | RuntimeException e) {
                    if (e instanceof SQLException sql && !DatabaseErrors.blamesData(sql)) {
                        throw sql;
                    }
                    // this listing's own trouble (an answer that contradicts what we hold, a value the database
                    // refuses): it backs off and, after its attempts, is a dead letter; the others go on
                    c.rollback(beforeAnswer);
                    exchange.setProperty(STOP, true);
                    listingFailed(c, claim, sent, request, status, ms, e.getClass().getSimpleName() + ": " + e.getMessage());
                    c.commit();
                    return;
                }
                if (after != null) {
                    finish(c, sent, "ACCEPTED", status, null, ms);
                    if (!read) {
                        deadLetters.resolveSinkRejection(c, sink(), claim.productId());
                    }
                    c.commit();
                    accepted.incrementAndGet();
                    return;
                }
                exchange.setProperty(STOP, true);
                String detail = status == null ? describe(error) : "HTTP " + status + (text == null || text.isBlank() ? "" : ": " + excerpt(text));
                if (status != null && status / 100 == 2) {
                    // accepted, but the answer says nothing usable: whether it happened is unknown (pending stays, a
                    // lookup follows); counted against this listing's attempts
                    listingFailed(c, claim, sent, request, status, ms, "an answer the hub cannot read: " + detail);
                    c.commit();
                } else if (status != null && (status == 401 || status == 403)) {
                    finish(c, sent, "UNAUTHORIZED", status, detail, ms);
                    if (!read) {
                        savePending(c, claim, null); // refused: nothing happened
                    }
                    release(c, claim, Duration.ZERO, false, status, detail);
                    c.commit();
                    stop(request, status, text);
                } else if (status != null && status == 429) {
                    Duration wait = RetryAfter.parse(exchange.getMessage().getHeader("Retry-After", String.class), clock)
                            .map(d -> d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d).orElse(firstBackoff);
                    finish(c, sent, "RATE_LIMITED", status, detail, ms);
                    if (!read) {
                        savePending(c, claim, null);
                    }
                    release(c, claim, wait, false, status, detail);
                    c.commit();
                    limiter.pause(wait); // every sender of this key waits, not only this one
                    LOG.warn("{}: 429 from {} {}; every request of this key waits {} s (Retry-After)", sink(), request.method(),
                            request.path(), wait.toSeconds());
                } else if (status != null && status >= 400 && status < 500 && status != 408) {
                    finish(c, sent, "REJECTED", status, detail, ms);
                    if (!read) {
                        savePending(c, claim, null);
                    }
                    clean(c, claim);
                    c.commit();
                    deadLetter(ListingFacts.of(c, claim.productId()), claim, request.action() + " " + request.method() + " "
                            + request.path() + " rejected with HTTP " + status + ": " + (text == null ? "" : text), json(request.body()));
                } else {
                    // 5xx, 408, a timeout, a broken connection or an unreadable 2xx: it may or may not have happened
                    int attempts = attempts(c, claim) + 1;
                    finish(c, sent, "FAILED", status, detail, ms);
                    release(c, claim, backoff(attempts), true, status, detail);
                    c.commit();
                    if (attempts % 5 == 0) {
                        LOG.warn("{}: listing {} failed {} times in a row, last: {}", sink(), claim.productId(), attempts, detail);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * A failure of this listing's own: recorded on the request, the listing backs off like a failed request, and
     * once it has failed {@code listingAttempts} times in a row it is a dead letter with the reason (resolved by a
     * later success) and left alone until the product changes again.
     */
    private void listingFailed(Connection c, Claim claim, Sent sent, MarketplaceAdapter.Request request, Integer status, long ms,
                               String reason) throws SQLException {
        int attempts = attempts(c, claim) + 1;
        String detail = request.action() + " " + request.method() + " " + request.path() + ": " + reason;
        finish(c, sent, "FAILED", status, detail, ms);
        if (attempts < listingAttempts) {
            release(c, claim, backoff(attempts), true, status, detail);
            LOG.warn("{}: listing {} failed ({} of {} attempts), backing off: {}", sink(), claim.productId(), attempts,
                    listingAttempts, redactor.redact(detail));
            return;
        }
        savePending(c, claim, null);
        clean(c, claim);
        deadLetter(ListingFacts.of(c, claim.productId()), claim, detail + " (after " + attempts + " attempts)", json(request.body()));
    }

    /** The end of a claim's exchange, however it ended (the route's doFinally): room for the next claim. */
    public void finish(Exchange exchange) {
        inFlight.decrementAndGet();
    }

    /** One line for `sync --once`: what was pushed since {@code since}, and what the marketplace now holds. */
    public String summary(Instant since) throws SQLException {
        StringBuilder accepted = new StringBuilder();
        long total = 0;
        long live;
        long waiting;
        long dead;
        long orders;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM reporting.marketplace_orders WHERE marketplace = ?")) {
                ps.setString(1, sink());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    orders = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT action, count(*) FROM hub.marketplace_requests WHERE sink = ? "
                    + "AND started_at >= ? AND outcome = 'ACCEPTED' GROUP BY action ORDER BY count(*) DESC")) {
                ps.setString(1, sink());
                ps.setTimestamp(2, Timestamp.from(since));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        total += rs.getLong(2);
                        accepted.append(accepted.length() == 0 ? "" : ", ").append(rs.getLong(2)).append(' ').append(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE remote_id IS NOT NULL), count(*) FILTER (WHERE dirty), "
                    + "(SELECT count(*) FROM hub.dead_letters WHERE stream = 'sink:' || ? AND resolved_at IS NULL) "
                    + "FROM hub.marketplace_listings WHERE sink = ?")) {
                ps.setString(1, sink());
                ps.setString(2, sink());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    live = rs.getLong(1);
                    waiting = rs.getLong(2);
                    dead = rs.getLong(3);
                }
            }
        }
        return "Marketplace " + sink() + ": " + total + " requests accepted" + (total == 0 ? "" : " (" + accepted + ")") + ", "
                + live + " listings on the marketplace, " + dead + " products dead-lettered, " + waiting + " waiting"
                + (waiting > 0 ? " (paced under the key's rate limit; `run` keeps pushing, a restart resumes)" : "")
                + (orders > 0 ? "; " + orders + " marketplace orders received" : "")
                + (stoppedReason != null ? "; STOPPED: " + stoppedReason : "");
    }

    /** Listings this node holds claims on (for a clean stop's wait and tests). */
    public int inFlight() {
        return inFlight.get();
    }

    private void prepare(Message m, MarketplaceAdapter.Request request) {
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_METHOD, request.method());
        m.setHeader(Exchange.HTTP_URI, baseUrl + request.path());
        m.setHeader("Authorization", authorization.get());
        m.setHeader("Accept", "application/json");
        m.setHeader("User-Agent", "Canopy-Hub/1");
        if (request.body() != null) {
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
            m.setBody(json(request.body()).getBytes(StandardCharsets.UTF_8));
        } else {
            m.setBody(null);
        }
    }

    private void stop(MarketplaceAdapter.Request request, int status, String body) {
        String reason = status + " on " + request.method() + " " + request.path() + (body == null ? "" : ": " + excerpt(body));
        synchronized (this) {
            if (stoppedReason != null) {
                return;
            }
            stoppedReason = redactor.redact(reason);
        }
        LOG.error("{}: the marketplace refused this hub's credentials ({}). This sink is stopped (its listings wait; the "
                        + "hub and the other sinks carry on). Fix hub.{}.api-key or its scopes and restart.", sink(),
                stoppedReason, sink());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            boolean newly;
            // one alert per stop, across nodes: only the node that changes the state raises it
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO hub.marketplace_sinks (sink, stopped_at, stopped_reason) VALUES (?, now(), ?) "
                            + "ON CONFLICT (sink) DO UPDATE SET stopped_at = now(), stopped_reason = EXCLUDED.stopped_reason "
                            + "WHERE hub.marketplace_sinks.stopped_at IS NULL RETURNING 1")) {
                ps.setString(1, sink());
                ps.setString(2, stoppedReason);
                try (ResultSet rs = ps.executeQuery()) {
                    newly = rs.next();
                }
            }
            if (newly && alerting) {
                com.canopyhub.observe.Alerts.emit(c, com.canopyhub.observe.Alerts.MARKETPLACE_STOPPED, "marketplace:" + sink(),
                        "hub", "marketplaces", "", Map.of("sink", sink(), "http_status", status, "reason", stoppedReason));
            }
            c.commit();
        } catch (SQLException e) {
            LOG.warn("{}: could not record the stop: {}", sink(), e.getMessage());
        }
    }

    private void deadLetter(Map<String, Object> facts, Claim claim, String reason, String payload) {
        String system = facts == null ? "unknown" : String.valueOf(facts.get("source_system"));
        String id = facts == null ? claim.productId().toString() : String.valueOf(facts.get("source_id"));
        if (deadLetters.storeSinkRejection(sink(), system, id, sink() + "-send", sink() + ": " + reason, payload)) {
            deadLettered.incrementAndGet();
        }
        // a mapping that cannot convert a unit dead-letters many products at once: one line per 10 s, not one each
        long now = System.nanoTime();
        long n = unlogged.incrementAndGet();
        long last = lastDeadLetterLog.get();
        if (now - last >= 10_000_000_000L && lastDeadLetterLog.compareAndSet(last, now)) {
            unlogged.addAndGet(-n);
            LOG.warn("{}: {} product(s) dead-lettered (hub.dead_letters, stream sink:{}), latest {}/{}: {}", sink(), n, sink(),
                    system, id, redactor.redact(reason));
        } else {
            LOG.debug("{}: product {}/{} dead-lettered: {}", sink(), system, id, redactor.redact(reason));
        }
    }

    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicLong lastDeadLetterLog = new AtomicLong(System.nanoTime() - 20_000_000_000L);

    private ListingState load(Connection c, UUID product) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.marketplace_listings SET lease_until = now() + ? * interval '1 millisecond' "
                + "WHERE sink = ? AND canonical_id = ? AND claimed_by = ? "
                + "RETURNING remote_id, pushed_hash, pushed_quantity, remote_state::text, pending::text")) {
            ps.setLong(1, lease.toMillis());
            ps.setString(2, sink());
            ps.setObject(3, product);
            ps.setString(4, node);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new ListingState(product, rs.getString(1), rs.getString(2), rs.getBigDecimal(3),
                        (ObjectNode) parse(rs.getString(4)), (ObjectNode) parse(rs.getString(5)));
            }
        }
    }

    private long begin(Connection c, Claim claim, ListingState state, MarketplaceAdapter.Request request) throws SQLException {
        if (!request.method().equals("GET")) {
            savePending(c, claim, request.pending());
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.marketplace_requests (sink, canonical_id, action, method, path, "
                + "node, started_at, outcome) VALUES (?, ?, ?, ?, ?, ?, now(), 'UNKNOWN') RETURNING id")) {
            ps.setString(1, sink());
            ps.setObject(2, claim.productId());
            ps.setString(3, request.action());
            ps.setString(4, request.method());
            ps.setString(5, request.path());
            ps.setString(6, node);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private volatile com.canopyhub.observe.DeliveryMeters metrics;
    private volatile boolean alerting;

    /** Requests are counted there; with {@code alerts}, a stop on 401/403 raises hub.marketplace.stopped (docs/operations.md). */
    public void reportTo(com.canopyhub.observe.DeliveryMeters metrics, boolean alerts) {
        this.metrics = metrics;
        this.alerting = alerts;
    }

    private void finish(Connection c, Sent sent, String outcome, Integer status, String detail, long ms) throws SQLException {
        com.canopyhub.observe.DeliveryMeters m = metrics;
        if (m != null) {
            m.marketplaceRequest(sink(), outcome);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.marketplace_requests SET finished_at = now(), outcome = ?, "
                + "http_status = ?, duration_ms = ?, error = ? WHERE id = ?")) {
            ps.setString(1, outcome);
            ps.setObject(2, status);
            ps.setInt(3, (int) Math.min(Integer.MAX_VALUE, ms));
            ps.setString(4, detail == null ? null : redactor.redact(detail));
            ps.setLong(5, sent.requestId());
            ps.executeUpdate();
        }
    }

    private void savePending(Connection c, Claim claim, ObjectNode pending) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.marketplace_listings SET pending = ?::jsonb WHERE sink = ? AND canonical_id = ?")) {
            ps.setString(1, pending == null ? null : json(pending));
            ps.setString(2, sink());
            ps.setObject(3, claim.productId());
            ps.executeUpdate();
        }
    }

    /**
     * Saves an accepted answer's state. A write that went through clears the listing's failures in a row; a read
     * (a lookup) does not, so a listing that keeps failing and being looked up still reaches its dead letter.
     */
    private void save(Connection c, Claim claim, ListingState s, int status, boolean progress) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.marketplace_listings SET remote_id = ?, pushed_hash = ?, "
                + "pushed_quantity = ?, remote_state = ?::jsonb, pending = ?::jsonb, "
                + "attempts = CASE WHEN " + progress + " THEN 0 ELSE attempts END, last_status = ?, last_error = NULL, "
                + "pushed_at = now() WHERE sink = ? AND canonical_id = ?")) {
            ps.setString(1, s.remoteId());
            ps.setString(2, s.pushedHash());
            ps.setBigDecimal(3, s.pushedQuantity());
            ps.setString(4, s.remote() == null ? "{}" : json(s.remote()));
            ps.setString(5, s.pending() == null ? null : json(s.pending()));
            ps.setInt(6, status);
            ps.setString(7, sink());
            ps.setObject(8, claim.productId());
            ps.executeUpdate();
        }
    }

    /** In line with the marketplace: clean, unless a change arrived meanwhile (then it stays due). */
    private void clean(Connection c, Claim claim) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.marketplace_listings SET dirty = (changes <> ?), "
                + "dirty_since = CASE WHEN changes <> ? THEN dirty_since END, claimed_by = NULL, lease_until = NULL, "
                + "attempts = 0, next_attempt_at = now() WHERE sink = ? AND canonical_id = ?")) {
            ps.setLong(1, claim.changes());
            ps.setLong(2, claim.changes());
            ps.setString(3, sink());
            ps.setObject(4, claim.productId());
            ps.executeUpdate();
        }
    }

    /** Gives the listing back, due again after {@code delay} (on the database's clock, the one every node shares). */
    private void release(Connection c, Claim claim, Duration delay, boolean failed, Integer status, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.marketplace_listings SET claimed_by = NULL, lease_until = NULL, "
                + "next_attempt_at = clock_timestamp() + ? * interval '1 millisecond', attempts = attempts + ?, last_status = coalesce(?, last_status), last_error = coalesce(?, last_error) "
                + "WHERE sink = ? AND canonical_id = ?")) {
            ps.setLong(1, delay.toMillis());
            ps.setInt(2, failed ? 1 : 0);
            ps.setObject(3, status);
            ps.setString(4, detail == null ? null : redactor.redact(detail));
            ps.setString(5, sink());
            ps.setObject(6, claim.productId());
            ps.executeUpdate();
        }
    }

    private int attempts(Connection c, Claim claim) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT attempts FROM hub.marketplace_listings WHERE sink = ? AND canonical_id = ?")) {
            ps.setString(1, sink());
            ps.setObject(2, claim.productId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** The first delay, doubling per failure in a row, at most the maximum, +-10 %. */
    private Duration backoff(int attempts) {
        long ms = firstBackoff.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
        ms = Math.min(ms, maxBackoff.toMillis());
        return Duration.ofMillis((long) (ms * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble())));
    }

    private static String describe(Exception error) {
        if (error == null) {
            return "no answer";
        }
        String kind = error instanceof java.net.SocketTimeoutException || error.getClass().getSimpleName().contains("Timeout")
                ? "timeout: " : "";
        return kind + error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    private static String excerpt(String text) {
        String one = text.replaceAll("\\s+", " ").trim();
        return one.length() > 500 ? one.substring(0, 500) + "…" : one;
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String json(JsonNode n) {
        if (n == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A clean stop: give back what this node claimed, so another node (or the next start) takes it at once. */
    @Override
    public void close() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hub.marketplace_listings SET claimed_by = NULL, lease_until = NULL WHERE sink = ? AND claimed_by = ?")) {
            ps.setString(1, sink());
            ps.setString(2, node);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.debug("{}: giving back claims failed: {}", sink(), e.getMessage());
        }
    }
}
