package com.canopyhub.sandbox.terravault;

import com.canopyhub.config.KeyHash;
import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.FaultPlan;
import com.canopyhub.sandbox.JsonAnswers;
import com.canopyhub.sandbox.KeyRateLimit;
import com.canopyhub.sandbox.LoopbackServer;
import com.canopyhub.sandbox.QueryString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stateful TerraVault partner API (../shared/reference/terravault-partner-api.txt) for the default run and the
 * tests. It keeps listings and inventory events, and enforces what the reference states and what docs/marketplaces.md
 * chose where it is silent: Bearer keys ({@code tv_live_…}, kept only as SHA-256 hashes, as TerraVault does) with
 * scopes ({@code products:read}, {@code products:write}, {@code inventory:write}); validation (422 with the fields at
 * fault); one listing per {@code external_reference} (409 naming the existing id); the per-key limit of N requests in
 * any sliding minute (429 + Retry-After, counted per key across every caller); injected faults (429, 5xx, slow,
 * malformed bodies). It never touches a database.
 */
public final class TerraVaultSandbox implements AutoCloseable, com.canopyhub.delivery.marketplace.DemoOrders {

    /** A listing as the sandbox keeps it. */
    public record Listing(String id, String externalReference, String name, String category, long priceCents,
                          BigDecimal quantityLbs, String status, String description) {
    }

    /** An inventory event as recorded. */
    public record InventoryEvent(String id, String productId, String type, BigDecimal quantityLbs, String note) {
    }

    /** @param window the limit's sliding window: TerraVault's is a minute (tests shorten it, with the hub's) */
    public record Options(Map<String, Set<String>> keys, int requestsPerMinute, Duration window, double faultRate, long seed) {
        /** One key with every scope, TerraVault's limit of 100 requests a minute. */
        public static Options defaults() {
            return new Options(Map.of("tv_live_sandbox_key_0001", Set.of("products:read", "products:write", "inventory:write")),
                    100, Duration.ofMinutes(1), 0, 42);
        }

        public Options withKeys(Map<String, Set<String>> keys) {
            return new Options(keys, requestsPerMinute, window, faultRate, seed);
        }

        public Options withRequestsPerMinute(int limit) {
            return new Options(keys, limit, window, faultRate, seed);
        }

        /** {@code limit} requests in any sliding {@code window}. */
        public Options withLimit(int limit, Duration window) {
            return new Options(keys, limit, window, faultRate, seed);
        }

        public Options withFaultRate(double rate) {
            return new Options(keys, requestsPerMinute, window, rate, seed);
        }

        public String firstKey() {
            return keys.keySet().iterator().next();
        }
    }

    public static final Set<String> CATEGORIES = Set.of("flower", "pre-rolls", "biomass", "concentrates", "edibles",
            "topicals", "clones", "seeds", "other");
    private static final Set<String> INVENTORY_TYPES = Set.of("restock", "sale", "adjustment");
    private static final ObjectMapper JSON = JsonAnswers.JSON;

    private LoopbackServer server;
    private final Options options;
    private final Clock clock;
    /** SHA-256 of the key → its scopes: the sandbox, like TerraVault, never keeps a key itself. */
    private final Map<String, Set<String>> scopesByKeyHash = new ConcurrentHashMap<>();
    private final KeyRateLimit limit;
    private final JsonAnswers answers = new JsonAnswers();
    private final Map<String, Listing> listings = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<InventoryEvent> inventory = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final FaultPlan faults;
    private final AtomicLong ids = new AtomicLong();
    private volatile java.util.function.Consumer<Listing> onCreated = l -> { };

    private TerraVaultSandbox(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.faults = new FaultPlan(options.faultRate(), options.seed());
        this.limit = new KeyRateLimit(options.requestsPerMinute(), options.window(), clock);
        options.keys().forEach((key, scopes) -> scopesByKeyHash.put(KeyHash.sha256Hex(key), Set.copyOf(scopes)));
    }

    public static TerraVaultSandbox start(Options options, Clock clock) throws IOException {
        TerraVaultSandbox sandbox = new TerraVaultSandbox(options, clock);
        sandbox.server = LoopbackServer.start("terravault-sandbox", sandbox::handle);
        return sandbox;
    }

    public URI baseUrl() {
        return server.baseUrl();
    }

    /** The next answers, in order, before any request is looked at (a test's exact sequence). */
    public void inject(Fault... planned) {
        faults.inject(planned);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            requests.add(method + " " + path);
            Set<String> scopes = limit.admit(ex, scopesByKeyHash, answers, "invalid_api_key");
            if (scopes == null) {
                return;
            }
            Fault fault = faults.next();
            if (fault != null && fault.kind() != Fault.Kind.NONE) {
                if (apply(ex, fault)) {
                    return;
                }
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String route = method + " " + path;
            switch (route) {
                case "GET /api/v1/products" -> require(ex, scopes, "products:read", () -> list(ex));
                case "POST /api/v1/products" -> require(ex, scopes, "products:write", () -> create(ex, body));
                case "PUT /api/v1/products" -> require(ex, scopes, "products:write", () -> update(ex, body));
                case "POST /api/inventory" -> require(ex, scopes, "inventory:write", () -> inventoryEvent(ex, body));
                default -> answers.send(ex, 404, JsonAnswers.error("not_found", route));
            }
        }
    }

    private interface Handler {
        void run() throws IOException;
    }

    private void require(HttpExchange ex, Set<String> scopes, String scope, Handler handler) throws IOException {
        if (!scopes.contains(scope)) {
            ObjectNode e = JsonAnswers.error("insufficient_scope", "this key lacks the scope " + scope);
            e.put("required_scope", scope);
            answers.send(ex, 403, e);
            return;
        }
        handler.run();
    }

    /** A planned or random fault; true if it answered the request. */
    private boolean apply(HttpExchange ex, Fault fault) throws IOException {
        switch (fault.kind()) {
            case STATUS -> {
                if (fault.status() == 429) {
                    ex.getResponseHeaders().add("Retry-After", Long.toString(Math.max(1, fault.retryAfterSeconds())));
                }
                answers.send(ex, fault.status(), JsonAnswers.error("sandbox_fault", "injected " + fault.status()));
                return true;
            }
            case SLOW -> {
                // the request is carried out, its answer comes late: a client that timed out must find what it did
                answers.delayNextAnswer(fault.delay());
                return false;
            }
            case MALFORMED_BODY -> {
                byte[] broken = "{\"data\": [ {\"id\": ".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, broken.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(broken);
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * A tag of this sandbox instance in every id it issues: a sandbox starts empty, and ids a previous one issued (still
     * in the hub's id map) must never name a new listing; the hub then meets a 404 for the old id and lists again.
     */
    private final String instance = Long.toString(java.util.concurrent.ThreadLocalRandom.current()
            .nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36), 36) + "_";

    /**
     * Whether {@code GET /api/v1/products} filters by {@code external_reference}. The reference promises "filtering"
     * but names no parameter: by default the sandbox ignores it, as many APIs ignore parameters they do not know (the
     * least convenient plausible answer: the hub must verify what it adopts).
     */
    private volatile boolean referenceFilter;

    public void setReferenceFilter(boolean honoured) {
        this.referenceFilter = honoured;
    }

    /** For tests: creates of a reference this answers (non-null) get that body with 200 and create nothing. */
    private volatile java.util.function.Function<String, String> createAnswers = r -> null;

    public void answerCreates(java.util.function.Function<String, String> bodyForReference) {
        this.createAnswers = bodyForReference;
    }

    private void list(HttpExchange ex) throws IOException {
        Map<String, List<String>> q = QueryString.parse(ex.getRequestURI().getRawQuery());
        String reference = referenceFilter ? first(q, "external_reference") : null;
        int page = Integer.parseInt(firstOr(q, "page", "1"));
        int perPage = Integer.parseInt(firstOr(q, "per_page", "50"));
        if (page < 1 || perPage < 1 || perPage > 100) {
            answers.send(ex, 422, JsonAnswers.validation(Map.of("per_page", "1..100", "page", ">= 1")));
            return;
        }
        List<Listing> all;
        synchronized (listings) {
            all = listings.values().stream().filter(l -> reference == null || reference.equals(l.externalReference())).toList();
        }
        ObjectNode out = JSON.createObjectNode();
        var data = out.putArray("data");
        all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(l -> data.add(json(l)));
        out.put("page", page).put("per_page", perPage).put("total", all.size());
        answers.send(ex, 200, out);
    }

    private void create(HttpExchange ex, byte[] body) throws IOException {
        JsonNode in = answers.parse(ex, body);
        if (in == null) {
            return;
        }
        Map<String, String> problems = validate(in, true);
        if (!problems.isEmpty()) {
            answers.send(ex, 422, JsonAnswers.validation(problems));
            return;
        }
        String reference = in.path("external_reference").asText();
        String canned = createAnswers.apply(reference);
        if (canned != null) {
            byte[] raw = canned.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, raw.length);
            ex.getResponseBody().write(raw);
            ex.close();
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        int status;
        synchronized (listings) {
            Listing existing = listings.values().stream().filter(l -> reference.equals(l.externalReference())).findFirst().orElse(null);
            if (existing != null) {
                out = JsonAnswers.error("duplicate_external_reference", "a listing with this external_reference exists");
                out.put("id", existing.id());
                status = 409;
            } else {
                Listing l = listing("prod_" + instance + Long.toString(36L * 36 * 36 + ids.incrementAndGet(), 36), in);
                listings.put(l.id(), l);
                out.set("data", json(l));
                status = 200; // the reference gives no status codes: 200, not the 201 a client might assume
            }
        }
        if (status == 200 && orders != null && listings.size() % orders.every() == 1) {
            placeOrder(listings.values().stream().filter(l -> reference.equals(l.externalReference())).findFirst().orElseThrow());
        }
        if (status == 200) {
            onCreated.accept(listings.values().stream().filter(l -> reference.equals(l.externalReference())).findFirst().orElseThrow());
        }
        answers.send(ex, status, out); // outside the lock: a slow answer must not hold up other requests
    }

    private void update(HttpExchange ex, byte[] body) throws IOException {
        JsonNode in = answers.parse(ex, body);
        if (in == null) {
            return;
        }
        Map<String, String> problems = validate(in, false);
        String id = in.path("id").asText("");
        if (id.isEmpty()) {
            problems.put("id", "required: the listing's id (prod_…)");
        }
        if (!problems.isEmpty()) {
            answers.send(ex, 422, JsonAnswers.validation(problems));
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        synchronized (listings) {
            Listing old = listings.get(id);
            if (old == null) {
                out = JsonAnswers.error("not_found", "no listing " + id);
            } else {
                Listing l = listing(id, in);
                listings.put(id, new Listing(id, old.externalReference(), l.name(), l.category(), l.priceCents(), old.quantityLbs(),
                        l.status(), l.description()));
                out.set("data", json(listings.get(id)));
            }
        }
        answers.send(ex, out.has("data") ? 200 : 404, out);
    }

    private void inventoryEvent(HttpExchange ex, byte[] body) throws IOException {
        JsonNode in = answers.parse(ex, body);
        if (in == null) {
            return;
        }
        Map<String, String> problems = new LinkedHashMap<>();
        String productId = in.path("product_id").asText("");
        String type = in.path("type").asText("");
        BigDecimal quantity = JsonAnswers.decimal(in.path("quantity_lbs"));
        if (!INVENTORY_TYPES.contains(type)) {
            problems.put("type", "one of restock, sale, adjustment");
        }
        if (quantity == null) {
            problems.put("quantity_lbs", "a decimal number of pounds");
        } else if (!type.equals("adjustment") && quantity.signum() <= 0) {
            problems.put("quantity_lbs", "positive for restock and sale (adjustment is signed)");
        }
        if (!problems.isEmpty()) {
            answers.send(ex, 422, JsonAnswers.validation(problems));
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        int status;
        synchronized (listings) {
            Listing l = listings.get(productId);
            BigDecimal delta = type.equals("sale") ? quantity.negate() : quantity;
            BigDecimal after = l == null ? null : l.quantityLbs().add(delta);
            if (l == null) {
                out = JsonAnswers.error("not_found", "no listing " + productId);
                status = 404;
            } else if (after.signum() < 0) {
                out = JsonAnswers.validation(Map.of("quantity_lbs", "would take the listing below zero (" + l.quantityLbs() + " lbs listed)"));
                status = 422;
            } else {
                listings.put(l.id(), new Listing(l.id(), l.externalReference(), l.name(), l.category(), l.priceCents(), after,
                        l.status(), l.description()));
                InventoryEvent e = new InventoryEvent("inv_" + ids.incrementAndGet(), productId, type, quantity, in.path("note").asText(null));
                inventory.add(e);
                ObjectNode data = out.putObject("data");
                data.put("id", e.id()).put("product_id", productId).put("type", type).put("quantity_lbs", quantity)
                        .put("quantity_lbs_after", after);
                status = 200;
            }
        }
        answers.send(ex, status, out);
    }

    /** The fields TerraVault requires of a listing (docs/marketplaces.md); a create needs them all. */
    private static Map<String, String> validate(JsonNode in, boolean create) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (create && in.path("external_reference").asText("").isBlank()) {
            problems.put("external_reference", "required: your own id for the listing");
        }
        String name = in.path("name").asText("");
        if (name.isBlank() || name.length() > 200) {
            problems.put("name", "required, at most 200 characters");
        }
        if (!CATEGORIES.contains(in.path("category").asText(""))) {
            problems.put("category", "one of " + String.join(", ", CATEGORIES.stream().sorted().toList()));
        }
        JsonNode price = in.path("price_cents");
        if (!price.isIntegralNumber() || price.asLong() < 0) {
            problems.put("price_cents", "a whole number of cents, >= 0");
        }
        BigDecimal q = JsonAnswers.decimal(in.path("quantity_lbs"));
        if (create && (q == null || q.signum() < 0)) {
            problems.put("quantity_lbs", "a decimal number of pounds, >= 0");
        } else if (!create && !in.path("quantity_lbs").isMissingNode()) {
            problems.put("quantity_lbs", "not updatable: a listing's quantity moves through POST /api/inventory");
        }
        String status = in.path("status").asText("active");
        if (!status.equals("active") && !status.equals("inactive")) {
            problems.put("status", "active or inactive");
        }
        return problems;
    }

    private static Listing listing(String id, JsonNode in) {
        return new Listing(id, in.path("external_reference").asText(null), in.path("name").asText(), in.path("category").asText(),
                in.path("price_cents").asLong(), JsonAnswers.decimal(in.path("quantity_lbs")), in.path("status").asText("active"),
                in.path("description").asText(null));
    }

    private static ObjectNode json(Listing l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", l.id()).put("external_reference", l.externalReference()).put("name", l.name()).put("category", l.category())
                .put("price_cents", l.priceCents()).put("quantity_lbs", l.quantityLbs()).put("status", l.status())
                .put("description", l.description());
        return n;
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String firstOr(Map<String, List<String>> q, String name, String def) {
        String v = first(q, name);
        return v == null ? def : v;
    }

    public List<Listing> listings() {
        synchronized (listings) {
            return List.copyOf(listings.values());
        }
    }

    public List<InventoryEvent> inventoryEvents() {
        synchronized (inventory) {
            return List.copyOf(inventory);
        }
    }

    /** Every request as {@code METHOD /path}, in arrival order. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private record OrderTarget(URI url, String secret, int every, boolean inHeaders) {
    }

    private volatile OrderTarget orders;
    private final java.net.http.HttpClient orderClient = java.net.http.HttpClient.newHttpClient();
    private final AtomicLong orderIds = new AtomicLong();
    /** Order events sent (to the hub), with the status each was answered with. */
    private final List<String> orderEvents = Collections.synchronizedList(new ArrayList<>());

    /**
     * Buyers place orders (the default run's demo): for the first listing and every {@code everyNth} after it, an
     * {@code order.created} then an {@code order.confirmed} webhook, signed with {@code secret}, to {@code url}.
     */
    public void placeOrdersTo(URI url, String secret, int everyNth) {
        placeOrdersTo(url, secret, everyNth, false);
    }

    /** Like {@link #placeOrdersTo(URI, String, int)}; {@code inHeaders}: signed in headers (the hub's option) instead of the body. */
    @Override
    public void placeOrdersTo(URI url, String secret, int everyNth, boolean inHeaders) {
        this.orders = new OrderTarget(url, secret, everyNth, inHeaders);
    }

    private void placeOrder(Listing l) {
        OrderTarget target = orders;
        String orderId = "ord_" + Long.toString(1_000_000 + orderIds.incrementAndGet(), 36);
        BigDecimal pounds = l.quantityLbs().min(BigDecimal.ONE);
        if (pounds.signum() <= 0) {
            return;
        }
        server.submit(() -> {
            for (String type : List.of("order.created", "order.confirmed")) {
                ObjectNode event = orderEvent("evt_" + orderId + "_" + type.substring(6), type, orderId, l, pounds);
                try {
                    if (target.inHeaders()) {
                        sendOrderEvent(target.url(), target.secret(), clock.instant().getEpochSecond(), event);
                    } else {
                        sendSignedOrderEvent(target.url(), target.secret(), event);
                    }
                } catch (IOException e) {
                    return; // the hub is not listening (yet): a real marketplace would retry; the demo lets it go
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    /** An order webhook as TerraVault's reference shows it (id, type, created_at, data with items). */
    public ObjectNode orderEvent(String eventId, String type, String orderId, Listing l, BigDecimal pounds) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", eventId).put("type", type).put("created_at", clock.instant().toString());
        ObjectNode d = e.putObject("data");
        long unit = l.priceCents();
        d.put("order_id", orderId).put("buyer_id", "usr_sandbox_buyer").put("seller_id", "usr_sandbox_seller")
                .put("total_cents", pounds.multiply(BigDecimal.valueOf(unit)).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact())
                .put("currency", "USD");
        d.putArray("items").addObject().put("product_id", l.id()).put("name", l.name()).put("quantity_lbs", pounds)
                .put("unit_price_cents", unit);
        return e;
    }

    /**
     * Sends one order webhook signed in headers, the hub's option {@code hub.terravault.webhook-signature=header}:
     * {@code X-TerraVault-Timestamp} and {@code X-TerraVault-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "."
     * + body)>} (docs/marketplaces.md). Returns the hub's status.
     */
    public int sendOrderEvent(URI url, String secret, long timestamp, ObjectNode event) throws IOException, InterruptedException {
        byte[] body = JSON.writeValueAsBytes(event);
        java.net.http.HttpRequest.Builder req = java.net.http.HttpRequest.newBuilder(url);
        if (secret != null) {
            req.header("X-TerraVault-Timestamp", Long.toString(timestamp))
                    .header("X-TerraVault-Signature", signature(secret, timestamp, body));
        }
        return post(url, body, req, event);
    }

    /**
     * Sends one order webhook as the reference's example shows it (terravault-partner-api.txt, "Example webhook
     * payload"): the event with a {@code "signature": "sha256=…"} member. The reference names no header and does not
     * say what is signed; the sandbox does what a sender most plausibly does: HMAC-SHA256 over the event serialised
     * compactly (as {@code JSON.stringify(event)}), then the member appended last. {@code secret} null: no member.
     */
    public int sendSignedOrderEvent(URI url, String secret, ObjectNode event) throws IOException, InterruptedException {
        return post(url, signedBody(secret, event), java.net.http.HttpRequest.newBuilder(url), event);
    }

    /** The body {@link #sendSignedOrderEvent} sends. */
    public static byte[] signedBody(String secret, ObjectNode event) throws IOException {
        byte[] unsigned = JSON.writeValueAsBytes(event);
        if (secret == null) {
            return unsigned;
        }
        String value;
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            value = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(unsigned));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String text = new String(unsigned, StandardCharsets.UTF_8);
        String member = (event.isEmpty() ? "" : ",") + "\"signature\":" + JSON.writeValueAsString(value);
        return (text.substring(0, text.length() - 1) + member + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Posts a body already made; records the hub's status. */
    public int post(URI url, byte[] body, java.net.http.HttpRequest.Builder req, ObjectNode event)
            throws IOException, InterruptedException {
        req.header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        int status = orderClient.send(req.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        orderEvents.add(event.path("type").asText() + " " + event.path("data").path("order_id").asText() + " " + status);
        return status;
    }

    /** TerraVault's signature as the sandbox makes it (independently of the hub's verifier). */
    static String signature(String secret, long timestamp, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The order events this marketplace sent, as {@code type order_id status}, in order. */
    public List<String> orderEvents() {
        synchronized (orderEvents) {
            return List.copyOf(orderEvents);
        }
    }

    /** Called with each listing created, after it is stored and before the answer goes out. */
    public void onCreated(java.util.function.Consumer<Listing> listener) {
        this.onCreated = listener;
    }

    /** When each request within the limit was admitted (the sandbox clock's millis), in order. */
    public List<Long> admittedAt() {
        return limit.admittedAt();
    }

    /** Requests refused with 429 for the key limit. */
    public long rateLimited() {
        return limit.refused();
    }

    /** The most requests one key had admitted within any sliding window (a minute unless the options say otherwise). */
    public long peakRequestsPerMinute(String key) {
        return limit.peak(KeyHash.sha256Hex(key));
    }

    @Override
    public void close() {
        server.close();
    }
}
