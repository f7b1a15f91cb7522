package com.canopyhub.sandbox.distru;

import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.FaultPlan;
import com.canopyhub.sandbox.QueryString;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, stateful simulator of Distru's public API: the real paths and JSON shapes, Bearer auth, the
 * fixed page sizes, {@code updated_datetime} windows, eventual consistency, a rate limit, and injectable faults
 * (429 with Retry-After, 5xx, slow answers, malformed bodies and records). The hub's default upstream and the
 * tests' upstream.
 *
 * <p>Where the Distru reference is silent the sandbox takes the least convenient plausible behaviour, and
 * docs/distru-sandbox.md says so line by line: it answers {@code {"data": [...], "next_page": n|null}}, ignores query
 * parameters a collection does not document, and treats both ends of a date window as inclusive.
 */
public final class DistruSandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DistruSandbox.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** When the generated history begins; every generated record was last updated between this and now. */
    public static final Instant HISTORY_START = Instant.parse("2025-01-01T00:00:00Z");
    /** Churn starts after this, so a one-off `sync --once` sees a still dataset; `run` sees changes from then on. */
    private static final long CHURN_START_DELAY_MS = 30_000;

    private final Options options;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService workers;
    private final ScheduledExecutorService churn;
    private final SandboxRecords records;
    private final Map<SandboxCollection, SandboxTable> tables = new EnumMap<>(SandboxCollection.class);
    private final FaultPlan faults;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rateWindowStart = new AtomicLong(System.nanoTime());
    private final AtomicLong rateWindowCount = new AtomicLong();
    private final Deque<Served> served = new ArrayDeque<>();
    private volatile BiConsumer<String, Integer> pageListener = (c, p) -> { };
    private volatile BiConsumer<String, Integer> requestListener = (c, p) -> { };
    private volatile boolean includeNextPage = true;
    /** Orders newest first while no order date was moved (the generated dates grow with the index). */
    private volatile int[] newestFirst;

    /** One answered request: when (System.nanoTime), what, and the status sent. */
    public record Served(long nanos, String pathAndQuery, int status) {
    }

    /** Sandbox settings; see {@code hub.sandbox.*} in the configuration reference. */
    public record Options(String apiKey, SandboxSizes sizes, long seed, int requestsPerSecond, Duration visibilityLag,
                          double faultRate, int churnPerMinute) {
        public static Options defaults(int recordsPerCollection) {
            return new Options("sandbox-api-key", SandboxSizes.uniform(recordsPerCollection), 42, 0,
                    Duration.ofMillis(500), 0, 0);
        }

        public Options withSizes(SandboxSizes s) {
            return new Options(apiKey, s, seed, requestsPerSecond, visibilityLag, faultRate, churnPerMinute);
        }

        public Options withRateLimit(int rps) {
            return new Options(apiKey, sizes, seed, rps, visibilityLag, faultRate, churnPerMinute);
        }

        public Options withVisibilityLag(Duration lag) {
            return new Options(apiKey, sizes, seed, requestsPerSecond, lag, faultRate, churnPerMinute);
        }
    }

    private DistruSandbox(Options options, Clock clock) throws IOException {
        this.options = options;
        this.clock = clock;
        this.records = new SandboxRecords(options.seed(), options.sizes());
        this.faults = new FaultPlan(options.faultRate(), options.seed());
        for (SandboxCollection c : SandboxCollection.values()) {
            // a fixed history (one update a second from HISTORY_START), so a restarted sandbox serves the same
            // records with the same timestamps and a re-sync finds nothing changed
            tables.put(c, new SandboxTable(options.sizes().of(c), HISTORY_START.toEpochMilli(), 1_000L));
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.workers = Executors.newFixedThreadPool(4, r -> daemon(r, "distru-sandbox"));
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        this.churn = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "distru-sandbox-churn"));
        if (options.churnPerMinute() > 0) {
            long period = Math.max(1, 60_000L / options.churnPerMinute());
            SplittableRandom dice = new SplittableRandom(options.seed() + 1);
            churn.scheduleAtFixedRate(() -> {
                SandboxCollection c = dice.nextBoolean() ? SandboxCollection.PRODUCTS : SandboxCollection.PACKAGES;
                int n = size(c);
                if (n > 0) {
                    touch(c, dice.nextInt(n));
                }
            }, CHURN_START_DELAY_MS, period, TimeUnit.MILLISECONDS);
        }
        LOG.info("Distru sandbox listening on {} ({} records per collection)", baseUrl(),
                options.sizes().of(SandboxCollection.PRODUCTS));
    }

    public static DistruSandbox start(Options options, Clock clock) throws IOException {
        return new DistruSandbox(options, clock);
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String apiKey() {
        return options.apiKey();
    }

    public int size(SandboxCollection c) {
        return tables.get(c).size();
    }

    public long requestCount() {
        return requests.get();
    }

    /** The most recent answered requests (up to 10,000), oldest first. */
    public List<Served> served() {
        synchronized (served) {
            return List.copyOf(served);
        }
    }

    private void record(HttpExchange ex, int status) {
        synchronized (served) {
            if (served.size() == 10_000) {
                served.poll();
            }
            served.add(new Served(System.nanoTime(), ex.getRequestURI().toString(), status));
        }
    }

    /** A new version of the record, updated now and readable after the visibility lag. */
    public void touch(SandboxCollection c, int index) {
        tables.get(c).touch(index, clock.millis(), options.visibilityLag().toMillis());
    }

    /** A change stamped {@code updatedAt} that readers see only from {@code visibleAt} (a late, eventually consistent write). */
    public void touchLate(SandboxCollection c, int index, Instant updatedAt, Instant visibleAt) {
        tables.get(c).touchVisibleAt(index, updatedAt.toEpochMilli(), visibleAt.toEpochMilli());
    }

    /** Sets an inventory group's stock (active and available), as a new version of it: a stock count changed. */
    public void setStock(int inventoryIndex, java.math.BigDecimal quantity) {
        records.setStock(inventoryIndex, quantity);
        touch(SandboxCollection.INVENTORY, inventoryIndex);
    }

    /**
     * Moves an order's order date (an edit in Distru: a new version of it). Orders are listed by order date,
     * descending (distru-api.txt, orders), so the order moves in the list.
     */
    public void setOrderDate(int orderIndex, Instant orderedAt) {
        records.setOrderDate(orderIndex, orderedAt);
        touch(SandboxCollection.ORDERS, orderIndex);
    }

    /**
     * Deletes a record in Distru (or brings it back with {@code false}): no list serves it any more, and the records
     * after it move up a place, as rows deleted from an offset-paged list do. Distru has no deletion feed.
     */
    public void setDeleted(SandboxCollection c, int index, boolean deleted) {
        tables.get(c).setDeleted(index, deleted);
    }

    /** Makes a record unmappable (a non-numeric quantity or price, or a missing id). */
    public void setMalformed(SandboxCollection c, int index, boolean malformed) {
        tables.get(c).setMalformed(index, malformed);
    }

    /** Puts a value PostgreSQL cannot store into a product or package (null removes it). */
    public void setPoison(SandboxCollection c, int index, Poison poison) {
        tables.get(c).setPoison(index, poison);
    }

    /** Queues faults for the next requests, in order. */
    public void inject(Fault... faults) {
        this.faults.inject(faults);
    }

    /** Called after each page is served with the collection name and page number. */
    public void onPageServed(BiConsumer<String, Integer> listener) {
        this.pageListener = listener;
    }

    /**
     * Called when a page request has passed auth, rate limit and validation, before the page is computed: a test
     * can change data "while page N is requested", deterministically.
     */
    public void onPageRequested(BiConsumer<String, Integer> listener) {
        this.requestListener = listener;
    }

    /** Stops sending {@code next_page}, so clients must stop on a short or empty page. */
    public void setIncludeNextPage(boolean include) {
        this.includeNextPage = include;
    }

    /** The record as the API currently serves it, or null if it is not readable (for test oracles). */
    public String recordJson(SandboxCollection c, int index) throws IOException {
        SandboxTable t = tables.get(c);
        long now = clock.millis();
        int version = t.readableVersion(index, now);
        if (version < 0) {
            return null;
        }
        java.io.StringWriter out = new java.io.StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            records.write(g, c, index, version, t.readableUpdatedAt(index, now), t.malformed(index), t.poison(index));
        }
        return out.toString();
    }

    /** The {@code updated_datetime} the API serves for the record now (for test oracles). */
    public Instant updatedAt(SandboxCollection c, int index) {
        return Instant.ofEpochMilli(tables.get(c).readableUpdatedAt(index, clock.millis()));
    }

    public static String recordId(SandboxCollection c, int index) {
        return SandboxRecords.id(c, index);
    }

    public static String packageLabel(int index) {
        return SandboxRecords.label(index);
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                error(ex, 405, "Only GET is simulated");
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + options.apiKey())) {
                error(ex, 401, "Unauthorized");
                return;
            }
            if (rateLimited()) {
                ex.getResponseHeaders().add("Retry-After", "1");
                error(ex, 429, "Too Many Requests");
                return;
            }
            Fault fault = nextFault();
            if (fault != null && fault.kind() == Fault.Kind.STATUS) {
                if (fault.retryAfterSeconds() >= 0) {
                    ex.getResponseHeaders().add("Retry-After", Long.toString(fault.retryAfterSeconds()));
                }
                error(ex, fault.status(), fault.status() == 429 ? "Too Many Requests" : "Internal Server Error");
                return;
            }
            if (fault != null && fault.kind() == Fault.Kind.SLOW) {
                pause(fault.delay());
            }
            SandboxCollection collection = SandboxCollection.byPath(ex.getRequestURI().getPath()).orElse(null);
            if (collection == null) {
                error(ex, 404, "Not Found");
                return;
            }
            Query q;
            try {
                q = Query.parse(collection, ex.getRequestURI().getRawQuery());
            } catch (IllegalArgumentException bad) {
                error(ex, 400, bad.getMessage());
                return;
            }
            requestListener.accept(collection.name, q.page);
            servePage(ex, collection, q, fault != null && fault.kind() == Fault.Kind.MALFORMED_BODY);
            pageListener.accept(collection.name, q.page);
        } catch (IOException | RuntimeException e) {
            // the JDK server would swallow it; a simulator bug must be visible
            LOG.error("Sandbox failed on {}: {}", ex.getRequestURI(), e.toString(), e);
            throw e;
        }
    }

    private void servePage(HttpExchange ex, SandboxCollection c, Query q, boolean truncate) throws IOException {
        SandboxTable t = tables.get(c);
        long now = clock.millis();
        int skip = (q.page - 1) * c.pageSize;
        int n = t.size();
        List<int[]> page = new ArrayList<>();
        boolean more = false;
        int matched = 0;
        int[] sequence = listOrder(c, n);
        for (int k = 0; k < n; k++) {
            int i = sequence == null ? k : sequence[k];
            int version = t.readableVersion(i, now);
            if (version < 0) {
                continue;
            }
            long updated = t.readableUpdatedAt(i, now);
            if ((q.from != null && updated < q.from) || (q.to != null && updated > q.to)) {
                continue;
            }
            if (c == SandboxCollection.INVENTORY && (records.soldOut(i)
                    || (q.productIds != null && !q.productIds.contains(SandboxRecords.inventoryProductId(i))))) {
                // "Groups with 0 active and 0 available quantity won't be returned" (distru-api.txt, inventory);
                // product_ids[] filters (same section)
                continue;
            }
            if (matched++ < skip) {
                continue;
            }
            if (page.size() == c.pageSize) {
                more = true;
                break;
            }
            page.add(new int[] {i, version});
        }
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        record(ex, 200);
        ex.sendResponseHeaders(200, 0);
        OutputStream body = ex.getResponseBody();
        JsonGenerator g = JSON.createGenerator(body, JsonEncoding.UTF8);
        g.writeStartObject();
        g.writeArrayFieldStart("data");
        for (int k = 0; k < page.size(); k++) {
            int i = page.get(k)[0];
            records.write(g, c, i, page.get(k)[1], t.readableUpdatedAt(i, now), t.malformed(i), t.poison(i));
            if (truncate && k == page.size() / 2) {
                g.flush();
                body.write("{\"id\": \"trunc".getBytes(StandardCharsets.UTF_8));
                body.close();
                return;
            }
        }
        g.writeEndArray();
        if (includeNextPage) {
            if (more) {
                g.writeNumberField("next_page", q.page + 1);
            } else {
                g.writeNullField("next_page");
            }
        }
        g.writeEndObject();
        g.close();
    }

    /**
     * The order the API lists a collection in, as indices; null for index order. Index order is creation order,
     * which the reference states for batches, companies, locations, packages and products; inventory groups are
     * sorted by their attributes' ids, which the sandbox's ids follow in index order. Orders are listed by order date,
     * descending (distru-api.txt, "Get orders sorted by Order Date descendingly"), ties the later-created first.
     */
    private int[] listOrder(SandboxCollection c, int n) {
        if (c != SandboxCollection.ORDERS) {
            return null;
        }
        if (!records.orderDatesMoved()) {
            int[] cached = newestFirst;
            if (cached == null || cached.length != n) {
                cached = new int[n];
                for (int i = 0; i < n; i++) {
                    cached[i] = n - 1 - i; // generated order dates grow with the index
                }
                newestFirst = cached;
            }
            return cached;
        }
        Integer[] byDate = new Integer[n];
        for (int i = 0; i < n; i++) {
            byDate[i] = n - 1 - i;
        }
        java.util.Arrays.sort(byDate, (a, b) -> {
            int cmp = records.orderedAt(b).compareTo(records.orderedAt(a));
            return cmp != 0 ? cmp : Integer.compare(b, a);
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = byDate[i];
        }
        return out;
    }

    private boolean rateLimited() {
        if (options.requestsPerSecond() <= 0) {
            return false;
        }
        long now = System.nanoTime();
        long start = rateWindowStart.get();
        if (now - start >= 1_000_000_000L && rateWindowStart.compareAndSet(start, now)) {
            rateWindowCount.set(0);
        }
        return rateWindowCount.incrementAndGet() > options.requestsPerSecond();
    }

    private Fault nextFault() {
        return faults.next();
    }

    private void error(HttpExchange ex, int status, String message) throws IOException {
        record(ex, status);
        byte[] body = ("{\"errors\":[{\"context\":{},\"message\":\"" + message.replace("\"", "'")
                + "\",\"pointer\":[],\"section\":\"query\"}]}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        churn.shutdownNow();
        server.stop(0);
        workers.shutdownNow();
    }

    /** A parsed, validated query string. */
    private record Query(int page, Long from, Long to, Set<String> productIds) {
        static Query parse(SandboxCollection c, String rawQuery) {
            // parameters an endpoint does not document are ignored, as many APIs do (the reference is silent): a
            // filter the hub wrongly believes in then shows as unfiltered data, which the hub must notice itself
            Map<String, List<String>> params = new java.util.HashMap<>(QueryString.parse(rawQuery));
            Set<String> documented = c == SandboxCollection.INVENTORY
                    ? Set.of("page[number]", "grouping[]", "product_ids[]")
                    : Set.of("page[number]", "updated_datetime", "inserted_datetime");
            params.keySet().retainAll(documented);
            int page = 1;
            if (params.containsKey("page[number]")) {
                try {
                    page = Integer.parseInt(params.get("page[number]").get(0));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("page[number] must be a positive integer");
                }
                if (page < 1) {
                    throw new IllegalArgumentException("page[number] must be a positive integer");
                }
            }
            Long from = null;
            Long to = null;
            if (params.containsKey("updated_datetime")) {
                String range = params.get("updated_datetime").get(0);
                int comma = range.indexOf(',');
                if (comma < 0) {
                    throw new IllegalArgumentException("updated_datetime must be START,END (either side may be empty)");
                }
                from = instant(range.substring(0, comma));
                to = instant(range.substring(comma + 1));
            }
            Set<String> productIds = params.containsKey("product_ids[]") ? Set.copyOf(params.get("product_ids[]")) : null;
            return new Query(page, from, to, productIds);
        }

        private static Long instant(String s) {
            if (s.isBlank()) {
                return null;
            }
            try {
                return Instant.parse(s.trim().replace(' ', 'T')).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + s + "' is not an ISO-8601 datetime");
            }
        }
    }
}
