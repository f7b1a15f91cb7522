package com.canopyhub.sandbox.origintrace;

import com.canopyhub.sandbox.JsonAnswers;
import com.canopyhub.sandbox.LoopbackServer;
import com.canopyhub.sandbox.QueryString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateful simulator of OriginTrace's Enterprise API, written from ../shared/reference/origintrace-api.txt
 * (docs/origintrace-sandbox.md lists each behaviour and where it comes from):
 * <ul>
 *   <li>{@code GET /api/v1/farms|batches|shipments} with {@code limit} (default 100, max 500: more is a 400) and
 *       {@code offset} (default 0), the envelope {@code {"data", "meta": {"total", "limit", "offset"}}}, and the status
 *       filter each documents ({@code compliance_status} for farms, {@code status} otherwise); other parameters are
 *       ignored.</li>
 *   <li>Bearer keys scoped to the organisation, with scopes (the {@code read} scope is required: else 403), an expiry
 *       (then 401 "Invalid or expired API key") and a budget per hour; {@code X-RateLimit-Remaining} and
 *       {@code X-RateLimit-Reset} (epoch seconds) on every answer to a known key, 429s included; a 429 carries
 *       {@code retry_after} in its body and no Retry-After header.</li>
 *   <li>Silent in the reference, so the least convenient choice: no sort order is promised, so records are listed in
 *       storage order, where an edited record moves to the end and a new one lands at a random position; records
 *       can be inserted, edited and deleted between any two requests; optional fields may be null.</li>
 *   <li>Faults on demand: 500, a 429, a slow answer, a malformed body.</li>
 * </ul>
 */
public final class OriginTraceSandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OriginTraceSandbox.class);
    public static final String DEFAULT_KEY = "ot-sandbox-key-0123456789abcdef";
    static final Duration WINDOW = Duration.ofHours(1);

    /** The three collections. */
    public enum Collection {
        FARMS("/api/v1/farms", "compliance_status"),
        BATCHES("/api/v1/batches", "status"),
        SHIPMENTS("/api/v1/shipments", "status");

        final String path;
        final String filter;

        Collection(String path, String filter) {
            this.path = path;
            this.filter = filter;
        }
    }

    /** A key: its scopes, when it expires (null: never), its budget per hour. */
    public record Key(Set<String> scopes, Instant expiresAt, int ratePerHour) {
    }

    /** One answered request: when (System.nanoTime), what, the status, the budget left after it. */
    public record Served(long nanos, String pathAndQuery, int status, long remaining) {
    }

    /** Sizes and the default key's budget. */
    public record Options(int farms, int batches, int shipments, int ratePerHour, long seed) {
        public static Options of(int farms, int ratePerHour) {
            return new Options(farms, farms * 2, Math.max(farms > 0 ? 1 : 0, farms / 10), ratePerHour, 7);
        }
    }

    /** A fault the next answer carries. */
    public enum Fault { SERVER_ERROR, RATE_LIMITED, SLOW, MALFORMED }

    private final Options options;
    private final Clock clock;
    private final LoopbackServer server;
    private final JsonAnswers answers = new JsonAnswers();
    private final Map<Collection, List<ObjectNode>> data = new EnumMap<>(Collection.class);
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, long[]> windows = new ConcurrentHashMap<>(); // key -> {window start epoch s, used}
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<Served> served = Collections.synchronizedList(new ArrayList<>());
    private final SplittableRandom dice;
    private volatile int retryAfterSeconds = 2;
    private volatile Duration slowAnswer = Duration.ofSeconds(5);
    private volatile BiConsumer<Collection, Integer> beforeAnswer = (c, offset) -> { };

    private OriginTraceSandbox(Options options, Clock clock) throws IOException {
        this.options = options;
        this.clock = clock;
        this.dice = new SplittableRandom(options.seed());
        for (Collection c : Collection.values()) {
            data.put(c, new ArrayList<>());
        }
        keys.put(DEFAULT_KEY, new Key(Set.of("read"), null, options.ratePerHour()));
        generate();
        this.server = LoopbackServer.start("origintrace-sandbox", this::handle);
        LOG.info("OriginTrace sandbox listening on {} ({} farms, {} batches, {} shipments)", baseUrl(), options.farms(),
                options.batches(), options.shipments());
    }

    public static OriginTraceSandbox start(Options options, Clock clock) throws IOException {
        return new OriginTraceSandbox(options, clock);
    }

    public URI baseUrl() {
        return server.baseUrl();
    }

    // --- data -----------------------------------------------------------------------------------------------

    private void generate() {
        String[] communities = {"Ondo West", "Idanre", "Ife North", "Owo", "Akure South"};
        String[] statuses = {"approved", "approved", "approved", "pending", "rejected"};
        for (int i = 0; i < options.farms(); i++) {
            data.get(Collection.FARMS).add(farm(i, communities[i % communities.length], statuses[i % statuses.length]));
        }
        String[] batchStatuses = {"collecting", "completed", "aggregated", "shipped"};
        for (int i = 0; i < options.batches(); i++) {
            ObjectNode b = JsonAnswers.JSON.createObjectNode();
            b.put("id", id("batch", i));
            b.put("farm_id", options.farms() == 0 ? null : id("farm", i % options.farms()));
            b.put("agent_id", id("agent", i % 7));
            b.put("status", batchStatuses[i % batchStatuses.length]);
            b.put("total_weight", new BigDecimal(1000 + i).add(new BigDecimal("0.5")));
            b.put("bag_count", 20 + i % 10);
            if (i % 3 == 0) {
                b.put("notes", "moisture checked");
            } else {
                b.putNull("notes");
            }
            String at = Instant.parse("2024-01-15T10:30:00Z").plusSeconds(3600L * i).toString();
            b.put("collected_at", at);
            b.put("created_at", at);
            data.get(Collection.BATCHES).add(b);
        }
        String[][] destinations = {{"Netherlands", "Rotterdam"}, {"Belgium", "Antwerp"}, {"Germany", "Hamburg"},
                {"Côte d'Ivoire", "Abidjan"}, {"Atlantis", "Poseidonia"}};
        String[] shipmentStatuses = {"draft", "ready", "shipped", "cancelled", "ready"};
        for (int i = 0; i < options.shipments(); i++) {
            ObjectNode s = JsonAnswers.JSON.createObjectNode();
            String[] d = destinations[i % destinations.length];
            s.put("id", id("shipment", i));
            s.put("shipment_code", "SHP-ORG1-" + String.format("%06d", i));
            s.put("status", shipmentStatuses[i % shipmentStatuses.length]);
            s.put("destination_country", d[0]);
            s.put("destination_port", d[1]);
            s.put("buyer_company", i % 2 == 0 ? "Barry Callebaut" : "Olam Food Ingredients");
            s.put("commodity", i % 2 == 0 ? "Cocoa" : "COCOA ");
            s.put("total_weight_kg", 25000 + i);
            s.put("total_items", 50 + i % 5);
            s.put("readiness_score", 60 + (i * 7) % 40);
            s.put("readiness_decision", (60 + (i * 7) % 40) >= 80 ? "go" : "no_go");
            s.put("estimated_ship_date", LocalDate.of(2024, 2, 15).plusDays(i).toString());
            s.put("created_at", Instant.parse("2024-01-20T08:00:00Z").plusSeconds(600L * i).toString());
            data.get(Collection.SHIPMENTS).add(s);
        }
    }

    /** A generated farm (index {@code i}). */
    public static ObjectNode farm(int i, String community, String complianceStatus) {
        ObjectNode f = JsonAnswers.JSON.createObjectNode();
        f.put("id", id("farm", i));
        f.put("farmer_name", "Farmer " + i);
        f.put("farmer_id", String.format("NGA-%05d", i));
        f.put("phone", String.format("+23480%08d", i));
        f.put("community", community);
        f.put("area_hectares", new BigDecimal(i % 9 + 1).add(new BigDecimal("0.5")));
        f.put("commodity", "cocoa");
        f.put("compliance_status", complianceStatus);
        f.put("created_at", Instant.parse("2024-01-10T12:00:00Z").plusSeconds(60L * i).toString());
        return f;
    }

    public static String id(String kind, int i) {
        return UUID.nameUUIDFromBytes((kind + "-" + i).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public synchronized int size(Collection c) {
        return data.get(c).size();
    }

    /** The record at {@code index} of the storage order (a copy). */
    public synchronized ObjectNode record(Collection c, int index) {
        return data.get(c).get(index).deepCopy();
    }

    /** Every record's id, in storage order. */
    public synchronized List<String> ids(Collection c) {
        return data.get(c).stream().map(r -> r.get("id").asText()).toList();
    }

    /** Inserts a record at a storage position (new records have no place promised). */
    public synchronized void insert(Collection c, int position, ObjectNode record) {
        data.get(c).add(Math.min(position, data.get(c).size()), record);
    }

    /** Inserts a record where no order promises anything: a random position. */
    public synchronized void insert(Collection c, ObjectNode record) {
        insert(c, dice.nextInt(data.get(c).size() + 1), record);
    }

    /** Deletes a record by id; returns it, or null. */
    public synchronized ObjectNode delete(Collection c, String id) {
        List<ObjectNode> list = data.get(c);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).get("id").asText().equals(id)) {
                return list.remove(i);
            }
        }
        return null;
    }

    /** Edits a field of a record; the edited record moves to the end of the storage order (as a heap table would). */
    public synchronized void edit(Collection c, String id, String field, JsonNode value) {
        ObjectNode r = delete(c, id);
        if (r == null) {
            throw new IllegalArgumentException("no " + c + " " + id);
        }
        r.set(field, value);
        data.get(c).add(r);
    }

    // --- keys, budget, faults ---------------------------------------------------------------------------------

    public void addKey(String key, Set<String> scopes, Instant expiresAt, int ratePerHour) {
        keys.put(key, new Key(Set.copyOf(scopes), expiresAt, ratePerHour));
    }

    /** The next answers carry these faults, in order (one each). */
    public synchronized void failNext(Fault... f) {
        faults.addAll(List.of(f));
    }

    public void retryAfterSeconds(int seconds) {
        this.retryAfterSeconds = seconds;
    }

    public void slowAnswer(Duration d) {
        this.slowAnswer = d;
    }

    /** Runs before each collection request is answered, with its collection and offset (tests change data here). */
    public void beforeAnswer(BiConsumer<Collection, Integer> hook) {
        this.beforeAnswer = hook;
    }

    public List<Served> served() {
        synchronized (served) {
            return List.copyOf(served);
        }
    }

    public void clearServed() {
        served.clear();
    }

    // --- HTTP -----------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String raw = ex.getRequestURI().getRawQuery();
            String line = path + (raw == null ? "" : "?" + raw);
            if (!"GET".equals(ex.getRequestMethod())) {
                answer(ex, line, 405, JsonAnswers.JSON.createObjectNode().put("error", "Method not allowed"), -1);
                return;
            }
            Collection collection = null;
            for (Collection c : Collection.values()) {
                if (c.path.equals(path)) {
                    collection = c;
                }
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : null;
            Key key = token == null ? null : keys.get(token);
            Instant now = clock.instant();
            if (key == null || (key.expiresAt() != null && !now.isBefore(key.expiresAt()))) {
                answer(ex, line, 401, error("Invalid or expired API key"), -1);
                return;
            }
            long[] budget = windows.computeIfAbsent(token, k -> new long[] {now.getEpochSecond(), 0});
            long remaining;
            long reset;
            boolean limited;
            synchronized (budget) {
                if (now.getEpochSecond() >= budget[0] + WINDOW.toSeconds()) {
                    budget[0] = now.getEpochSecond();
                    budget[1] = 0;
                }
                reset = budget[0] + WINDOW.toSeconds();
                limited = budget[1] >= key.ratePerHour();
                if (!limited) {
                    budget[1]++;
                }
                remaining = key.ratePerHour() - budget[1];
            }
            ex.getResponseHeaders().add("X-RateLimit-Remaining", Long.toString(remaining));
            ex.getResponseHeaders().add("X-RateLimit-Reset", Long.toString(reset));
            Fault fault;
            synchronized (this) {
                fault = faults.poll();
            }
            if (limited || fault == Fault.RATE_LIMITED) {
                ObjectNode body = error("Rate limit exceeded");
                body.put("retry_after", limited ? Math.max(1, reset - now.getEpochSecond()) : retryAfterSeconds);
                answer(ex, line, 429, body, remaining);
                return;
            }
            if (!key.scopes().contains("read")) {
                answer(ex, line, 403, error("Insufficient scope: read required"), remaining);
                return;
            }
            if (collection == null) {
                answer(ex, line, 404, error("Not found"), remaining);
                return;
            }
            if (fault == Fault.SERVER_ERROR) {
                answer(ex, line, 500, error("Internal server error"), remaining);
                return;
            }
            Map<String, List<String>> q = QueryString.parse(raw);
            int limit;
            int offset;
            try {
                limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit").get(0)) : 100;
                offset = q.containsKey("offset") ? Integer.parseInt(q.get("offset").get(0)) : 0;
            } catch (NumberFormatException e) {
                answer(ex, line, 400, error("limit and offset must be integers"), remaining);
                return;
            }
            if (limit < 1 || limit > 500 || offset < 0) {
                answer(ex, line, 400, error("limit must be between 1 and 500 and offset at least 0"), remaining);
                return;
            }
            beforeAnswer.accept(collection, offset);
            ObjectNode page = page(collection, q.containsKey(collection.filter) ? q.get(collection.filter).get(0) : null, limit, offset);
            if (fault == Fault.SLOW) {
                answers.delayNextAnswer(slowAnswer);
            }
            if (fault == Fault.MALFORMED) {
                byte[] broken = "{\"data\": [{\"id\": ".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, broken.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(broken);
                }
                record(line, 200, remaining);
                return;
            }
            answer(ex, line, 200, page, remaining);
        }
    }

    private synchronized ObjectNode page(Collection c, String status, int limit, int offset) {
        List<ObjectNode> set = status == null ? data.get(c)
                : data.get(c).stream().filter(r -> status.equals(r.path(c.filter).asText(null))).toList();
        ObjectNode body = JsonAnswers.JSON.createObjectNode();
        ArrayNode out = body.putArray("data");
        for (int i = offset; i < Math.min(set.size(), offset + limit); i++) {
            out.add(set.get(i).deepCopy());
        }
        body.putObject("meta").put("total", set.size()).put("limit", limit).put("offset", offset);
        return body;
    }

    private static ObjectNode error(String message) {
        return JsonAnswers.JSON.createObjectNode().put("error", message);
    }

    private void answer(HttpExchange ex, String line, int status, JsonNode body, long remaining) throws IOException {
        record(line, status, remaining);
        answers.send(ex, status, body);
    }

    private void record(String line, int status, long remaining) {
        served.add(new Served(System.nanoTime(), line, status, remaining));
    }

    @Override
    public void close() {
        server.close();
    }
}
