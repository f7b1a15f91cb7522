package com.canopyhub.ops;

import com.canopyhub.config.SecretRedactor;
import com.canopyhub.delivery.webhook.WebhookService;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API under {@code /api/v1} (routes/ops-admin-api.camel.yaml; docs/operations.md and
 * {@code /api/v1/openapi.json} describe every operation): what the hub is doing, and the actions an operator takes
 * without SQL (a pass now, a cursor reset, a backfill, dead-letter replay, webhook replay). Every answer is JSON.
 *
 * <p>Access: {@code Authorization: Bearer <hub.admin.token>}, compared in constant time; the token is never logged.
 * With no token configured the API answers requests from this machine only.
 */
public final class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final int MAX_LIMIT = 500;
    /** The reason a record the mapper refused is stored with (store/DeadLetterStore): its payload is the raw record. */
    private static final String UNMAPPABLE = "unmappable record:";

    /** An answer other than 200: the status and what the caller should know. */
    public static final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final DataSource dataSource;
    private final byte[] token;
    private final SecretRedactor redactor;
    private final List<String> sources;
    private final Function<String, List<String>> streamsOf;
    private final Function<SyncRequest, SyncReport> syncNow;
    private final Consumer<SyncRequest> syncLater;
    private final WebhookService webhooks;
    private final java.util.function.Supplier<Map<String, Integer>> marketplaceLimits;

    public AdminApi(DataSource dataSource, String token, SecretRedactor redactor, List<String> sources,
                    Function<String, List<String>> streamsOf, Function<SyncRequest, SyncReport> syncNow,
                    Consumer<SyncRequest> syncLater, WebhookService webhooks,
                    java.util.function.Supplier<Map<String, Integer>> marketplaceLimits) {
        this.marketplaceLimits = marketplaceLimits;
        this.dataSource = dataSource;
        this.token = token == null || token.isEmpty() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.redactor = redactor;
        this.sources = List.copyOf(sources);
        this.streamsOf = streamsOf;
        this.syncNow = syncNow;
        this.syncLater = syncLater;
        this.webhooks = webhooks;
    }

    /** Said once at startup, so nobody wonders why a remote call is refused. */
    public String accessDescription() {
        return token != null ? "Bearer hub.admin.token required"
                : "no hub.admin.token set: answering requests from this machine only";
    }

    // --- access -------------------------------------------------------------------------------------------------

    /** First step of every admin route: a valid bearer token, or (no token configured) a request from this machine. */
    public void authorize(Exchange exchange) {
        if (token != null) {
            String given = exchange.getMessage().getHeader("Authorization", String.class);
            // constant time: how much of the token matched must not show in how long the answer took
            if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
                exchange.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"canopy-hub\"");
                throw new Refused(401, "a valid Authorization: Bearer <hub.admin.token> header is required");
            }
        } else if (!fromThisMachine(exchange)) {
            throw new Refused(403, "hub.admin.token is not set, so the admin API answers requests from this machine only");
        }
        // the header holds the token: nothing after this step needs it
        exchange.getMessage().removeHeader("Authorization");
    }

    static boolean fromThisMachine(Exchange exchange) {
        Object remote = exchange.getMessage().getHeader("CamelVertxPlatformHttpRemoteAddress");
        if (remote instanceof io.vertx.core.net.SocketAddress address && address.host() != null) {
            try {
                return InetAddress.getByName(address.host()).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** The route configuration's answer to a refusal (its status) or any other failure (500, redacted). */
    public void failed(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status = e instanceof Refused r ? r.status() : e instanceof IllegalArgumentException ? 400 : 500;
        String message = e == null ? "unknown error" : redactor.redact(String.valueOf(e.getMessage()));
        if (status == 500) {
            LOG.warn("admin API: {} failed: {}", exchange.getFromRouteId(), message, e);
        }
        reply(exchange, status, Map.of("error", message));
    }

    // --- sources, streams, runs --------------------------------------------------------------------------------

    /** GET /api/v1/sources: each source's streams (and partitions) with cursor, freshness, last run and last error. */
    public void sources(Exchange exchange) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Map<String, Object>> states = rows("""
                SELECT k.source_system, k.stream, k.partition, c.window_end AS cursor,
                       extract(epoch FROM now() - s.finished_at) AS seconds_since_success, s.finished_at AS last_success_at,
                       l.id AS last_run_id, l.status AS last_run_status, l.finished_at AS last_run_at, l.fetched AS last_run_fetched,
                       l.changed AS last_run_changed, l.written AS last_run_written, l.dead_lettered AS last_run_dead_lettered,
                       e.error AS last_error, e.finished_at AS last_error_at,
                       (SELECT count(*) FROM hub.dead_letters d WHERE d.resolved_at IS NULL AND d.source_system = k.source_system
                           AND d.stream = k.stream AND d.partition = k.partition) AS dead_letters_open,
                       coalesce(f.count, 0) AS consecutive_failures
                  FROM (SELECT DISTINCT source_system, stream, partition FROM hub.sync_runs
                        UNION SELECT source_system, stream, partition FROM hub.sync_cursors) k
                  LEFT JOIN hub.sync_cursors c ON c.source_system = k.source_system AND c.stream = k.stream AND c.partition = k.partition
                  LEFT JOIN LATERAL (SELECT finished_at FROM hub.sync_runs r WHERE r.source_system = k.source_system AND r.stream = k.stream
                                        AND r.partition = k.partition AND r.status IN """ + AlertQueries.SUCCESS + """
                                      ORDER BY r.id DESC LIMIT 1) s ON true
                  LEFT JOIN LATERAL (SELECT r.id, r.status, r.finished_at, r.fetched, r.changed, r.written, r.dead_lettered
                                       FROM hub.sync_runs r WHERE r.source_system = k.source_system AND r.stream = k.stream
                                        AND r.partition = k.partition ORDER BY r.id DESC LIMIT 1) l ON true
                  LEFT JOIN LATERAL (SELECT error, finished_at FROM hub.sync_runs r WHERE r.source_system = k.source_system
                                        AND r.stream = k.stream AND r.partition = k.partition AND r.error IS NOT NULL
                                        AND r.status IN ('FAILED', 'ABANDONED') ORDER BY r.id DESC LIMIT 1) e ON true
                  LEFT JOIN (""" + AlertQueries.CONSECUTIVE_FAILURES + """
                  ) f ON f.source_system = k.source_system AND f.stream = k.stream AND f.partition = k.partition
                 ORDER BY 1, 2, 3
                """);
        for (String source : sources) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("source", source);
            List<Map<String, Object>> streams = new ArrayList<>();
            for (String stream : streamsOf.apply(source)) {
                List<Map<String, Object>> partitions = states.stream()
                        .filter(r -> source.equals(r.get("source_system")) && stream.equals(r.get("stream"))).toList();
                if (partitions.isEmpty()) {
                    Map<String, Object> never = new LinkedHashMap<>();
                    never.put("stream", stream);
                    never.put("partition", "");
                    never.put("last_run_status", null);
                    streams.add(never);
                }
                for (Map<String, Object> p : partitions) {
                    Map<String, Object> row = new LinkedHashMap<>(p);
                    row.remove("source_system");
                    streams.add(row);
                }
            }
            s.put("streams", streams);
            out.add(s);
        }
        reply(exchange, 200, Map.of("sources", out));
    }

    /** GET /api/v1/runs: newest first, filtered by source, stream, status; paged by {@code before} (a run id). */
    public void runs(Exchange exchange) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder("WHERE true");
        filter(exchange, "source", "source_system", where, args);
        filter(exchange, "stream", "stream", where, args);
        filter(exchange, "status", "status", where, args);
        Long before = longParam(exchange, "before");
        if (before != null) {
            where.append(" AND id < ?");
            args.add(before);
        }
        int limit = limit(exchange);
        List<Map<String, Object>> runs = rows("SELECT id, pass_id::text, source_system, stream, partition, trigger, status, started_at, "
                + "finished_at, window_start, window_end, pages, fetched, changed, written, dead_lettered, error FROM hub.sync_runs "
                + where + " ORDER BY id DESC LIMIT " + limit, args.toArray());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runs", runs);
        body.put("next_before", runs.size() == limit ? runs.get(runs.size() - 1).get("id") : null);
        reply(exchange, 200, body);
    }

    /** POST /api/v1/sources/{source}/sync[?stream=a,b&full=true]: a pass now, in the background (202). */
    public void sync(Exchange exchange) {
        String source = knownSource(exchange);
        List<String> streams = streams(exchange, source);
        boolean full = Boolean.parseBoolean(exchange.getMessage().getHeader("full", "false", String.class));
        SyncRequest request = new SyncRequest(source, streams, full, "api");
        syncLater.accept(request);
        LOG.info("admin API: a {}pass of {} {} was asked for", full ? "full " : "", source, streams.isEmpty() ? "(every stream)" : streams);
        reply(exchange, 202, Map.of("accepted", true, "source", source, "streams", streams, "full", full,
                "runs", "/api/v1/runs?source=" + source));
    }

    /** POST /api/v1/sources/{source}/streams/{stream}/reset[?partition=p]: forget the cursor; the next pass reads from the start. */
    public void resetCursor(Exchange exchange) throws SQLException {
        String source = knownSource(exchange);
        String stream = knownStream(exchange, source);
        String partition = exchange.getMessage().getHeader("partition", String.class);
        int reset = resetCursors(source, List.of(stream), partition);
        LOG.info("admin API: {} cursor(s) of {}/{} reset", reset, source, stream);
        reply(exchange, 200, Map.of("reset", reset, "source", source, "stream", stream));
    }

    /** Deletes the cursors of the streams (one partition, or all): their next pass reads from the source's start. */
    public int resetCursors(String source, List<String> streams, String partition) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM hub.sync_cursors "
                + "WHERE source_system = ? AND stream = ANY(?) AND (?::text IS NULL OR partition = ?)")) {
            ps.setString(1, source);
            ps.setArray(2, c.createArrayOf("text", streams.toArray()));
            ps.setString(3, partition);
            ps.setString(4, partition);
            return ps.executeUpdate();
        }
    }

    /** POST /api/v1/sources/{source}/streams/{stream}/backfill?since=2026-01-01: a bounded pass from then (202). */
    public void backfill(Exchange exchange) {
        String source = knownSource(exchange);
        String stream = knownStream(exchange, source);
        Instant since = instant(exchange.getMessage().getHeader("since", String.class), "since");
        syncLater.accept(SyncRequest.backfill(source, List.of(stream), since, "api"));
        LOG.info("admin API: a backfill of {}/{} since {} was asked for", source, stream, since);
        reply(exchange, 202, Map.of("accepted", true, "source", source, "stream", stream, "since", since.toString(),
                "runs", "/api/v1/runs?source=" + source + "&stream=" + stream));
    }

    // --- dead letters --------------------------------------------------------------------------------------------

    private static final String DEAD_LETTER_COLUMNS = "id, source_system, stream, partition, source_id, route_id, reason, attempts, "
            + "first_failed_at, last_failed_at, sync_run_id, resolved_at, resolution";

    /** GET /api/v1/dead-letters[?source&stream&state=open|resolved|all&limit&before]. */
    public void deadLetters(Exchange exchange) throws SQLException {
        int limit = limit(exchange);
        List<Map<String, Object>> letters = deadLetterList(exchange.getMessage().getHeader("source", String.class),
                exchange.getMessage().getHeader("stream", String.class), exchange.getMessage().getHeader("state", "open", String.class),
                longParam(exchange, "before"), limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dead_letters", letters);
        body.put("next_before", letters.size() == limit ? letters.get(letters.size() - 1).get("id") : null);
        reply(exchange, 200, body);
    }

    /** Dead letters, newest first (the CLI's `dead-letters list` too). */
    public List<Map<String, Object>> deadLetterList(String source, String stream, String state, Long before, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder("WHERE true");
        if (source != null && !source.isBlank()) {
            where.append(" AND source_system = ?");
            args.add(source);
        }
        if (stream != null && !stream.isBlank()) {
            where.append(" AND stream = ?");
            args.add(stream);
        }
        switch (state) {
            case "open" -> where.append(" AND resolved_at IS NULL");
            case "resolved" -> where.append(" AND resolved_at IS NOT NULL");
            case "all" -> { }
            default -> throw new Refused(400, "state: open, resolved or all");
        }
        if (before != null) {
            where.append(" AND id < ?");
            args.add(before);
        }
        return rows("SELECT " + DEAD_LETTER_COLUMNS + " FROM hub.dead_letters " + where + " ORDER BY id DESC LIMIT " + limit, args.toArray());
    }

    /** GET /api/v1/dead-letters/{id}: with its payload (stored redacted). */
    public void deadLetter(Exchange exchange) throws SQLException {
        reply(exchange, 200, deadLetterRow(pathId(exchange)));
    }

    /** POST /api/v1/dead-letters/{id}/replay: processed again now; the answer says whether it is resolved. */
    public void replayDeadLetter(Exchange exchange) throws SQLException {
        Map<String, Object> letter = deadLetterRow(pathId(exchange));
        reply(exchange, 200, replay(List.of(letter)));
    }

    /** POST /api/v1/dead-letters/replay?source=s&stream=x: every open dead letter of the stream, processed again now. */
    public void replayDeadLetters(Exchange exchange) throws SQLException {
        String source = knownSource(exchange);
        reply(exchange, 200, replayStream(source, exchange.getMessage().getHeader("stream", String.class)));
    }

    /** Every open dead letter of a stream, processed again now (the CLI's `dead-letters replay --source --stream` too). */
    public Map<String, Object> replayStream(String source, String stream) throws SQLException {
        if (!sources.contains(source)) {
            throw new Refused(404, "unknown source " + source + " (this hub syncs " + String.join(", ", sources) + ")");
        }
        if (stream == null || !streamsOf.apply(source).contains(stream)) {
            throw new Refused(400, "stream: one of " + streamsOf.apply(source));
        }
        return replay(rows("SELECT " + DEAD_LETTER_COLUMNS + " FROM hub.dead_letters WHERE resolved_at IS NULL "
                + "AND source_system = ? AND stream = ? ORDER BY id", source, stream));
    }

    /** These dead letters, processed again now (the CLI's `dead-letters replay ID…` too). */
    public Map<String, Object> replayIds(List<Long> ids) throws SQLException {
        List<Map<String, Object>> letters = new ArrayList<>();
        for (long id : ids) {
            letters.add(deadLetterRow(id));
        }
        return replay(letters);
    }

    /**
     * Replays dead letters: a record's stored payload is mapped and written again (one replay pass per stream and
     * partition); a failed run is replayed by a pass of its stream, which re-reads the window its cursor still points at.
     * A rejection by the reporting database or a marketplace is not replayed here: its cause must be fixed first.
     */
    public Map<String, Object> replay(List<Map<String, Object>> letters) throws SQLException {
        Map<List<String>, List<Long>> records = new LinkedHashMap<>();
        Map<List<String>, List<Long>> runFailures = new LinkedHashMap<>();
        List<Map<String, Object>> notReplayable = new ArrayList<>();
        for (Map<String, Object> l : letters) {
            String stream = (String) l.get("stream");
            String source = (String) l.get("source_system");
            long id = ((Number) l.get("id")).longValue();
            if (l.get("resolved_at") != null) {
                notReplayable.add(Map.of("id", id, "why", "already resolved"));
            } else if (!sources.contains(source) || !streamsOf.apply(source).contains(stream)) {
                notReplayable.add(Map.of("id", id, "why", "not a stream this hub syncs: " + source + "/" + stream
                        + (stream.startsWith("sink:") ? " (a marketplace rejection: fix the mapping or the listing, the next change sends it again)" : "")));
            } else if ("canonical-changes".equals(l.get("route_id"))) {
                notReplayable.add(Map.of("id", id, "why", "rejected by the reporting database: fix its cause, then "
                        + "`sync --once --source " + source + " --stream " + stream + " --full`"));
            } else if (String.valueOf(l.get("reason")).startsWith(UNMAPPABLE)) {
                records.computeIfAbsent(List.of(source, stream, (String) l.get("partition")), k -> new ArrayList<>()).add(id);
            } else {
                // a run that failed (after its retries): its window is still ahead of the cursor
                runFailures.computeIfAbsent(List.of(source, stream), k -> new ArrayList<>()).add(id);
            }
        }
        List<Map<String, Object>> passes = new ArrayList<>();
        records.forEach((key, ids) -> passes.add(result(syncNow.apply(SyncRequest.replay(key.get(0), key.get(1), key.get(2), ids,
                "replay")), ids)));
        runFailures.forEach((key, ids) -> passes.add(result(syncNow.apply(new SyncRequest(key.get(0), List.of(key.get(1)), false,
                "replay")), ids)));
        List<Long> all = new ArrayList<>();
        records.values().forEach(all::addAll);
        runFailures.values().forEach(all::addAll);
        List<Map<String, Object>> after = all.isEmpty() ? List.of() : rows("SELECT id, resolved_at, resolution, reason, attempts "
                + "FROM hub.dead_letters WHERE id = ANY(?) ORDER BY id", (Object) all.toArray(new Long[0]));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("replayed", after);
        body.put("resolved", after.stream().filter(r -> r.get("resolved_at") != null).count());
        body.put("passes", passes);
        body.put("not_replayed", notReplayable);
        return body;
    }

    private static Map<String, Object> result(SyncReport report, List<Long> ids) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("pass_id", String.valueOf(report.passId()));
        r.put("outcome", report.outcome());
        r.put("dead_letters", ids);
        r.put("runs", report.results().stream().map(x -> Map.of("stream", x.stream(), "partition", x.partition(),
                "status", x.status().name(), "written", x.written(), "run_id", x.runId())).toList());
        return r;
    }

    /** POST /api/v1/dead-letters/{id}/discard: resolved as needing nothing (kept for the record). */
    public void discardDeadLetter(Exchange exchange) throws SQLException {
        reply(exchange, 200, discard(pathId(exchange)));
    }

    /** Resolves a dead letter as needing nothing (the CLI's `dead-letters discard` too); 409 if already resolved. */
    public Map<String, Object> discard(long id) throws SQLException {
        deadLetterRow(id);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE hub.dead_letters "
                + "SET resolved_at = now(), resolution = 'discarded' WHERE id = ? AND resolved_at IS NULL")) {
            ps.setLong(1, id);
            if (ps.executeUpdate() == 0) {
                throw new Refused(409, "dead letter " + id + " is already resolved");
            }
        }
        LOG.info("dead letter {} discarded", id);
        return deadLetterRow(id);
    }

    /** One dead letter with its payload; 404 if there is none. */
    public Map<String, Object> deadLetterRow(long id) throws SQLException {
        List<Map<String, Object>> r = rows("SELECT " + DEAD_LETTER_COLUMNS + ", payload FROM hub.dead_letters WHERE id = ?", id);
        if (r.isEmpty()) {
            throw new Refused(404, "no dead letter " + id);
        }
        return r.get(0);
    }

    // --- webhooks ------------------------------------------------------------------------------------------------

    /** GET /api/v1/webhooks/subscriptions: state, counts and success rate of the last 24 hours. */
    public void webhookSubscriptions(Exchange exchange) throws SQLException {
        List<Map<String, Object>> subs = new ArrayList<>();
        Map<String, Map<String, Object>> rates = new LinkedHashMap<>();
        for (Map<String, Object> r : rows("SELECT d.subscription_id, count(*) FILTER (WHERE a.outcome = 'DELIVERED') AS delivered, "
                + "count(*) AS attempts FROM hub.webhook_attempts a JOIN hub.webhook_deliveries d ON d.id = a.delivery_id "
                + "WHERE a.started_at > now() - interval '24 hours' GROUP BY 1")) {
            rates.put((String) r.get("subscription_id"), r);
        }
        for (Map<String, Object> s : webhooks().list()) {
            Map<String, Object> row = new LinkedHashMap<>(s);
            Map<String, Object> rate = rates.get(String.valueOf(s.get("id")));
            long attempts = rate == null ? 0 : ((Number) rate.get("attempts")).longValue();
            row.put("attempts_24h", attempts);
            row.put("success_rate_24h", attempts == 0 ? null : ((Number) rate.get("delivered")).doubleValue() / attempts);
            subs.add(row);
        }
        reply(exchange, 200, Map.of("subscriptions", jsonSafe(subs)));
    }

    /** GET /api/v1/webhooks/deliveries[?subscription&status&limit]. */
    public void webhookDeliveries(Exchange exchange) throws SQLException {
        reply(exchange, 200, Map.of("deliveries", jsonSafe(webhooks().deliveries(exchange.getMessage().getHeader("subscription", String.class),
                exchange.getMessage().getHeader("status", String.class), limit(exchange)))));
    }

    /** POST /api/v1/webhooks/deliveries/{id}/replay: sent again, same webhook-id. */
    public void replayWebhookDelivery(Exchange exchange) throws SQLException {
        long id = pathId(exchange);
        int n = webhooks().replayDelivery(id);
        if (n == 0) {
            throw new Refused(404, "no delivery " + id + " that can be replayed (unknown, or not delivered or dead yet)");
        }
        reply(exchange, 200, Map.of("replayed", n, "delivery", id));
    }

    /** POST /api/v1/webhooks/deliveries/replay?since=…[&subscription=…]: every delivery since then, sent again. */
    public void replayWebhookDeliveries(Exchange exchange) throws SQLException {
        Instant since = instant(exchange.getMessage().getHeader("since", String.class), "since");
        String subscription = exchange.getMessage().getHeader("subscription", String.class);
        if (subscription == null || subscription.isBlank()) {
            throw new Refused(400, "subscription is required");
        }
        reply(exchange, 200, Map.of("replayed", webhooks().replaySince(subscription, since), "since", since.toString()));
    }

    /** POST /api/v1/webhooks/subscriptions/{id}/test: a webhook.test event now; the answer has the delivery id. */
    public void testWebhookSubscription(Exchange exchange) throws SQLException {
        String id = exchange.getMessage().getHeader("id", String.class);
        reply(exchange, 202, Map.of("delivery", webhooks().test(id), "subscription", id));
    }

    /** POST /api/v1/webhooks/subscriptions/{id}/enable: a subscription the hub disabled takes deliveries again. */
    public void enableWebhookSubscription(Exchange exchange) throws SQLException {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (!webhooks().enable(id)) {
            throw new Refused(404, "no subscription " + id);
        }
        reply(exchange, 200, Map.of("enabled", id));
    }

    private WebhookService webhooks() {
        if (webhooks == null) {
            throw new Refused(409, "webhooks are off (hub.webhooks.enabled=false)");
        }
        return webhooks;
    }

    // --- marketplaces ----------------------------------------------------------------------------------------------

    /** GET /api/v1/marketplaces/listings[?sink&state=waiting|listed|failing&limit]. */
    public void listings(Exchange exchange) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder("WHERE true");
        filter(exchange, "sink", "l.sink", where, args);
        String state = exchange.getMessage().getHeader("state", String.class);
        if (state != null) {
            switch (state) {
                case "waiting" -> where.append(" AND l.dirty");
                case "listed" -> where.append(" AND NOT l.dirty AND l.remote_id IS NOT NULL");
                case "failing" -> where.append(" AND l.attempts > 0");
                default -> throw new Refused(400, "state: waiting, listed or failing");
            }
        }
        reply(exchange, 200, Map.of("listings", rows("SELECT l.sink, l.canonical_id::text, p.name AS product, l.remote_id, l.dirty, "
                + "l.dirty_since, l.attempts AS failures_in_a_row, l.next_attempt_at, l.last_status, l.last_error, l.pushed_at FROM hub.marketplace_listings l "
                + "LEFT JOIN reporting.products p ON p.canonical_id = l.canonical_id " + where
                + " ORDER BY l.dirty DESC, l.dirty_since NULLS LAST LIMIT " + limit(exchange), args.toArray())));
    }

    // --- the console's overview -------------------------------------------------------------------------------------

    /** GET /api/v1/overview: what the console shows besides the feeds (records per hour, backlogs, rates). */
    public void overview(Exchange exchange) throws SQLException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records_per_hour", rows("""
                SELECT h.hour, coalesce(sum(r.written), 0) AS written, coalesce(sum(r.fetched), 0) AS fetched
                  FROM generate_series(date_trunc('hour', now()) - interval '23 hours', date_trunc('hour', now()), interval '1 hour') h(hour)
                  LEFT JOIN hub.sync_runs r ON date_trunc('hour', r.finished_at) = h.hour
                 GROUP BY h.hour ORDER BY h.hour
                """));
        List<Map<String, Object>> readers = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (com.canopyhub.events.OutboxReader reader : com.canopyhub.events.OutboxReader.ALL) {
                com.canopyhub.events.OutboxReader.Backlog backlog = reader.backlog(c);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("reader", reader.name());
                row.put("unread", backlog.unread());
                row.put("oldest_seconds", backlog.unread() == 0 ? null : backlog.oldestSeconds());
                readers.add(row);
            }
        }
        body.put("outbox_readers", readers);
        List<Map<String, Object>> markets = rows("""
                SELECT l.sink, count(*) FILTER (WHERE l.dirty) AS backlog,
                       (SELECT count(*) FROM hub.marketplace_requests q WHERE q.sink = l.sink AND q.started_at > now() - interval '60 seconds') AS requests_last_minute,
                       (SELECT stopped_reason FROM hub.marketplace_sinks s WHERE s.sink = l.sink AND s.stopped_at IS NOT NULL) AS stopped
                  FROM hub.marketplace_listings l GROUP BY l.sink ORDER BY l.sink
                """);
        markets.forEach(m -> m.put("limit_per_minute", marketplaceLimits.get().get((String) m.get("sink"))));
        body.put("marketplaces", markets);
        body.put("dead_letters_open", rows("SELECT count(*) AS open FROM hub.dead_letters WHERE resolved_at IS NULL").get(0).get("open"));
        reply(exchange, 200, body);
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private String knownSource(Exchange exchange) {
        String source = exchange.getMessage().getHeader("source", String.class);
        if (source == null || !sources.contains(source)) {
            throw new Refused(404, "unknown source " + source + " (this hub syncs " + String.join(", ", sources) + ")");
        }
        return source;
    }

    private String knownStream(Exchange exchange, String source) {
        String stream = exchange.getMessage().getHeader("stream", String.class);
        if (stream == null || !streamsOf.apply(source).contains(stream)) {
            throw new Refused(404, "unknown stream " + stream + " of " + source + " (configured: " + streamsOf.apply(source) + ")");
        }
        return stream;
    }

    private List<String> streams(Exchange exchange, String source) {
        String csv = exchange.getMessage().getHeader("stream", String.class);
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        List<String> streams = Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> unknown = streams.stream().filter(s -> !streamsOf.apply(source).contains(s)).toList();
        if (!unknown.isEmpty()) {
            throw new Refused(400, "stream " + unknown + " not configured for " + source + " (configured: " + streamsOf.apply(source) + ")");
        }
        return streams;
    }

    /** {@code 2026-01-01} (UTC midnight) or an ISO instant / offset date-time; {@link Refused} (400) otherwise. */
    public static Instant instant(String text, String name) {
        if (text == null || text.isBlank()) {
            throw new Refused(400, name + " is required: a date (2026-01-01) or a date-time (2026-01-01T00:00:00Z)");
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new Refused(400, name + ": '" + text + "' is not a date (2026-01-01) or a date-time (2026-01-01T00:00:00Z)");
        }
    }

    private static long pathId(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new Refused(400, "not an id: " + id);
        }
    }

    private static Long longParam(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new Refused(400, name + ": not a number: " + v);
        }
    }

    private static int limit(Exchange exchange) {
        Long limit = longParam(exchange, "limit");
        if (limit == null) {
            return 50;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new Refused(400, "limit: 1 to " + MAX_LIMIT);
        }
        return limit.intValue();
    }

    private static void filter(Exchange exchange, String param, String column, StringBuilder where, List<Object> args) {
        String v = exchange.getMessage().getHeader(param, String.class);
        if (v != null && !v.isBlank()) {
            where.append(" AND ").append(column).append(" = ?");
            args.add(v);
        }
    }

    private List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof Object[] array) {
                    ps.setArray(i + 1, c.createArrayOf(array instanceof Long[] ? "bigint" : "text", array));
                } else {
                    ps.setObject(i + 1, args[i]);
                }
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), value(rs.getObject(i)));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    private static List<Map<String, Object>> jsonSafe(List<Map<String, Object>> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            r.forEach((k, v) -> row.put(k, value(v)));
            out.add(row);
        }
        return out;
    }

    private static Object value(Object v) {
        if (v instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        if (v instanceof Instant t) {
            return t.toString();
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.doubleValue();
        }
        if (v instanceof java.util.UUID || v instanceof org.postgresql.util.PGobject) {
            return v.toString();
        }
        return v;
    }

    private static void reply(Exchange exchange, int status, Object body) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            exchange.getMessage().setBody(JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
