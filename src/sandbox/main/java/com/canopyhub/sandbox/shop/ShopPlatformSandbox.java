package com.canopyhub.sandbox.shop;

import com.canopyhub.config.KeyHash;
import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.FaultPlan;
import com.canopyhub.sandbox.JsonAnswers;
import com.canopyhub.sandbox.KeyRateLimit;
import com.canopyhub.sandbox.LoopbackServer;
import com.canopyhub.sandbox.QueryString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process, stateful simulator of the shop platform's public API ({@code ../shared/reference/shop-platform-api.txt}),
 * with what docs/marketplaces.md chose where the reference is silent: Bearer tokens (kept as SHA-256) with scopes
 * {@code products.read} / {@code products.write}; one organization and its shops; a global catalogue (p1_ids) from
 * which products are added to the org's inventory (409 when already there); {@code PUT …/products/{p1Id}} with
 * name, price, available and {@code stock_quantity}; attach (422 unless stock > 0; idempotent), detach (idempotent)
 * and per-shop overrides (merge: deep merge; replace: the whole object); validation (422 with the fields at fault);
 * the per-token limit over a sliding window (429 + Retry-After); injected faults. It never touches a database.
 */
public final class ShopPlatformSandbox implements AutoCloseable {

    /** A product in the org's inventory. */
    public record Product(String p1Id, String name, BigDecimal price, int stock, boolean available, String category) {
    }

    /**
     * @param catalogue which p1_ids the global catalogue holds (add-to-inventory of another is 404)
     */
    public record Options(Map<String, Set<String>> tokens, String orgId, List<String> shops, Predicate<String> catalogue,
                          int requestsPerMinute, Duration window, double faultRate, long seed) {
        /** One token with both scopes, org1 with shop1 and shop2, every SKU-like id in the catalogue, 60 a minute. */
        public static Options defaults() {
            return new Options(Map.of("shp_sandbox_token_0001", Set.of("products.read", "products.write")), "org1",
                    List.of("shop1", "shop2"), id -> id.matches("[A-Za-z0-9-]{1,64}"), 60, Duration.ofMinutes(1), 0, 7);
        }

        public Options withLimit(int limit, Duration window) {
            return new Options(tokens, orgId, shops, catalogue, limit, window, faultRate, seed);
        }

        public Options withCatalogue(Predicate<String> inCatalogue) {
            return new Options(tokens, orgId, shops, inCatalogue, requestsPerMinute, window, faultRate, seed);
        }

        public String firstToken() {
            return tokens.keySet().iterator().next();
        }
    }

    private static final Pattern ORG_PATH = Pattern.compile("/api/v2/public/orgs/([^/]+)(/.*)");
    private static final Pattern PRODUCT_PATH = Pattern.compile("/products/([^/]+)");

    private LoopbackServer server;
    private final Options options;
    private final KeyRateLimit limit;
    private final JsonAnswers answers = new JsonAnswers();
    private final FaultPlan faults;
    private final Map<String, Set<String>> scopesByTokenHash = new LinkedHashMap<>();
    private final Map<String, Product> inventory = new LinkedHashMap<>();
    /** shop → p1_id → its overrides (present: attached). */
    private final Map<String, Map<String, ObjectNode>> shops = new LinkedHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    private ShopPlatformSandbox(Options options, Clock clock) {
        this.options = options;
        this.limit = new KeyRateLimit(options.requestsPerMinute(), options.window(), clock);
        this.faults = new FaultPlan(options.faultRate(), options.seed());
        options.tokens().forEach((t, scopes) -> scopesByTokenHash.put(KeyHash.sha256Hex(t), Set.copyOf(scopes)));
        options.shops().forEach(s -> shops.put(s, new LinkedHashMap<>()));
    }

    public static ShopPlatformSandbox start(Options options, Clock clock) throws IOException {
        ShopPlatformSandbox sandbox = new ShopPlatformSandbox(options, clock);
        sandbox.server = LoopbackServer.start("shop-platform-sandbox", sandbox::handle);
        return sandbox;
    }

    public URI baseUrl() {
        return server.baseUrl();
    }

    public void inject(Fault... planned) {
        faults.inject(planned);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            requests.add(method + " " + path);
            Set<String> scopes = limit.admit(ex, scopesByTokenHash, answers, "unauthorized");
            if (scopes == null) {
                return;
            }
            Fault fault = faults.next();
            if (fault != null && fault.kind() == Fault.Kind.STATUS) {
                if (fault.status() == 429) {
                    ex.getResponseHeaders().add("Retry-After", Long.toString(Math.max(1, fault.retryAfterSeconds())));
                }
                answers.send(ex, fault.status(), JsonAnswers.error("sandbox_fault", "injected " + fault.status()));
                return;
            }
            if (fault != null && fault.kind() == Fault.Kind.SLOW) {
                answers.delayNextAnswer(fault.delay());
            }
            Matcher m = ORG_PATH.matcher(path);
            if (!m.matches() || !m.group(1).equals(options.orgId())) {
                answers.send(ex, 404, JsonAnswers.error("not_found", "no such organization"));
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String rest = m.group(2);
            Map<String, List<String>> query = QueryString.parse(ex.getRequestURI().getRawQuery());
            boolean write = !method.equals("GET");
            if (!scopes.contains(write ? "products.write" : "products.read")) {
                ObjectNode e = JsonAnswers.error("insufficient_scope", "this token lacks the scope " + (write ? "products.write" : "products.read"));
                answers.send(ex, 403, e);
                return;
            }
            Matcher product = PRODUCT_PATH.matcher(rest);
            if (method.equals("GET") && rest.equals("/shops")) {
                listShops(ex);
            } else if (method.equals("POST") && rest.equals("/products/add-to-inventory")) {
                addToInventory(ex, body);
            } else if (method.equals("POST") && rest.equals("/shops/attach-product")) {
                attach(ex, body);
            } else if (method.equals("POST") && rest.equals("/shops/detach-product")) {
                detach(ex, body);
            } else if (method.equals("POST") && rest.equals("/shops/product-overrides")) {
                overrides(ex, body);
            } else if (product.matches() && method.equals("GET")) {
                get(ex, product.group(1), first(query, "shop_id"));
            } else if (product.matches() && method.equals("PUT")) {
                update(ex, product.group(1), body);
            } else {
                answers.send(ex, 404, JsonAnswers.error("not_found", method + " " + path));
            }
        }
    }

    private void listShops(HttpExchange ex) throws IOException {
        ObjectNode out = JsonAnswers.JSON.createObjectNode();
        var data = out.putArray("data");
        for (String s : options.shops()) {
            data.addObject().put("shop_id", s).put("name", "Sandbox " + s).put("is_active", true);
        }
        answers.send(ex, 200, out);
    }

    private void addToInventory(HttpExchange ex, byte[] body) throws IOException {
        JsonNode in = answers.parse(ex, body);
        if (in == null) {
            return;
        }
        String p1 = in.path("p1_id").asText("");
        Map<String, String> problems = new LinkedHashMap<>();
        if (p1.isBlank()) {
            problems.put("p1_id", "required");
        }
        int stock = in.has("initial_stock") ? in.path("initial_stock").asInt(-1) : 1;
        if (stock < 0 || (in.has("initial_stock") && !in.path("initial_stock").isIntegralNumber())) {
            problems.put("initial_stock", "a whole number >= 0");
        }
        BigDecimal price = in.has("price") ? JsonAnswers.decimal(in.path("price")) : null;
        if (in.has("price") && (price == null || price.signum() < 0)) {
            problems.put("price", "a decimal >= 0");
        }
        if (!problems.isEmpty()) {
            answers.send(ex, 422, JsonAnswers.validation(problems));
            return;
        }
        if (!options.catalogue().test(p1)) {
            answers.send(ex, 404, JsonAnswers.error("not_in_catalog", "no catalog product " + p1));
            return;
        }
        ObjectNode out;
        int status;
        synchronized (this) {
            if (inventory.containsKey(p1)) {
                out = JsonAnswers.error("already_in_inventory", "product " + p1 + " is already in the organization's inventory");
                status = 409;
            } else {
                Product p = new Product(p1, "Catalog product " + p1, price, stock, true, null);
                inventory.put(p1, p);
                out = JsonAnswers.JSON.createObjectNode();
                out.set("data", json(p, null));
                status = 200; // the reference gives no status codes: 200, not the 201 a client might assume
            }
        }
        answers.send(ex, status, out);
    }

    private void get(HttpExchange ex, String p1, String shop) throws IOException {
        if (shop == null || !shops.containsKey(shop)) {
            answers.send(ex, 422, JsonAnswers.validation(Map.of("shop_id", "required, a shop of this organization")));
            return;
        }
        Product p;
        synchronized (this) {
            p = inventory.get(p1);
        }
        if (p == null) {
            answers.send(ex, 404, JsonAnswers.error("not_found", "product " + p1 + " is not in the organization's inventory"));
            return;
        }
        answers.send(ex, 200, json(p, shop));
    }

    /**
     * Whether PUT takes {@code stock_quantity}. The reference's list of PUT's optional fields does not name it (stock
     * lives on an "Inventory & stock" page): by default it is accepted and ignored, the least convenient reading.
     */
    private volatile boolean stockOnPut;

    public void setStockOnPut(boolean taken) {
        this.stockOnPut = taken;
    }

    private void update(HttpExchange ex, String p1, byte[] body) throws IOException {
        JsonNode in = answers.parse(ex, body);
        if (in == null) {
            return;
        }
        Map<String, String> problems = new LinkedHashMap<>();
        if (in.has("name") && (in.path("name").asText("").isBlank() || in.path("name").asText().length() > 255)) {
            problems.put("name", "1 to 255 characters");
        }
        BigDecimal price = in.has("price") ? JsonAnswers.decimal(in.path("price")) : null;
        if (in.has("price") && (price == null || price.signum() < 0 || price.scale() > 2)) {
            problems.put("price", "a decimal >= 0 with at most 2 places");
        }
        if (in.has("available") && !in.path("available").isBoolean()) {
            problems.put("available", "true or false");
        }
        if (in.has("stock_quantity") && (!in.path("stock_quantity").isIntegralNumber() || in.path("stock_quantity").asInt() < 0)) {
            problems.put("stock_quantity", "a whole number >= 0");
        }
        if (!problems.isEmpty()) {
            answers.send(ex, 422, JsonAnswers.validation(problems));
            return;
        }
        ObjectNode out = null;
        synchronized (this) {
            Product old = inventory.get(p1);
            if (old != null) {
                Product p = new Product(p1, in.has("name") ? in.get("name").asText() : old.name(), in.has("price") ? price : old.price(),
                        in.has("stock_quantity") && stockOnPut ? in.get("stock_quantity").asInt() : old.stock(),
                        in.has("available") ? in.get("available").asBoolean() : old.available(),
                        in.has("category") ? in.get("category").asText(null) : old.category());
                inventory.put(p1, p);
                out = JsonAnswers.JSON.createObjectNode();
                out.set("data", json(p, null));
            }
        }
        if (out == null) {
            answers.send(ex, 404, JsonAnswers.error("not_found", "product " + p1 + " must be in the organization's inventory"));
        } else {
            answers.send(ex, 200, out);
        }
    }

    private void attach(HttpExchange ex, byte[] body) throws IOException {
        JsonNode in = answers.parse(ex, body);
        if (in == null || !shopAndProduct(ex, in)) {
            return;
        }
        String shop = in.path("shop_id").asText();
        String p1 = in.path("p1_id").asText();
        String refused = null;
        synchronized (this) {
            Product p = inventory.get(p1);
            if (p == null) {
                refused = "product " + p1 + " is not in the organization's inventory";
            } else if (p.stock() <= 0) {
                refused = "product must have stock > 0 in org inventory";
            } else {
                Map<String, ObjectNode> attached = shops.get(shop);
                ObjectNode current = attached.getOrDefault(p1, JsonAnswers.JSON.createObjectNode());
                attached.put(p1, apply(current, in.path("overrides"), in.path("mode").asText("merge")));
            }
        }
        if (refused != null) {
            answers.send(ex, 422, JsonAnswers.validation(Map.of("p1_id", refused)));
            return;
        }
        answers.send(ex, 200, assignment(shop, p1));
    }

    private void detach(HttpExchange ex, byte[] body) throws IOException {
        JsonNode in = answers.parse(ex, body);
        if (in == null || !shopAndProduct(ex, in)) {
            return;
        }
        synchronized (this) {
            shops.get(in.path("shop_id").asText()).remove(in.path("p1_id").asText());
        }
        ObjectNode out = JsonAnswers.JSON.createObjectNode();
        out.putObject("data").put("shop_id", in.path("shop_id").asText()).put("p1_id", in.path("p1_id").asText()).put("attached", false);
        answers.send(ex, 200, out);
    }

    private void overrides(HttpExchange ex, byte[] body) throws IOException {
        JsonNode in = answers.parse(ex, body);
        if (in == null || !shopAndProduct(ex, in)) {
            return;
        }
        String shop = in.path("shop_id").asText();
        String p1 = in.path("p1_id").asText();
        boolean attached;
        synchronized (this) {
            Map<String, ObjectNode> s = shops.get(shop);
            attached = s.containsKey(p1);
            if (attached) {
                s.put(p1, apply(s.get(p1), in.path("overrides"), in.path("mode").asText("merge")));
            }
        }
        if (!attached) {
            answers.send(ex, 404, JsonAnswers.error("not_attached", "product " + p1 + " is not attached to " + shop));
            return;
        }
        answers.send(ex, 200, assignment(shop, p1));
    }

    private boolean shopAndProduct(HttpExchange ex, JsonNode in) throws IOException {
        Map<String, String> problems = new LinkedHashMap<>();
        if (!shops.containsKey(in.path("shop_id").asText(""))) {
            problems.put("shop_id", "a shop of this organization");
        }
        if (in.path("p1_id").asText("").isBlank()) {
            problems.put("p1_id", "required");
        }
        String mode = in.path("mode").asText("merge");
        if (!mode.equals("merge") && !mode.equals("replace")) {
            problems.put("mode", "merge or replace");
        }
        if (in.has("overrides") && !in.path("overrides").isObject()) {
            problems.put("overrides", "an object");
        }
        if (!problems.isEmpty()) {
            answers.send(ex, 422, JsonAnswers.validation(problems));
            return false;
        }
        return true;
    }

    /** merge: deep merge into what the shop has; replace: the given object, whole. */
    private static ObjectNode apply(ObjectNode current, JsonNode given, String mode) {
        ObjectNode g = given != null && given.isObject() ? (ObjectNode) given : JsonAnswers.JSON.createObjectNode();
        if (mode.equals("replace")) {
            return g.deepCopy();
        }
        ObjectNode merged = current.deepCopy();
        merge(merged, g);
        return merged;
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        from.fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && into.path(e.getKey()).isObject()) {
                merge((ObjectNode) into.get(e.getKey()), (ObjectNode) e.getValue());
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    private ObjectNode assignment(String shop, String p1) {
        ObjectNode out = JsonAnswers.JSON.createObjectNode();
        ObjectNode data = out.putObject("data").put("shop_id", shop).put("p1_id", p1).put("attached", true);
        synchronized (this) {
            data.set("overrides", shops.get(shop).get(p1).deepCopy());
        }
        return out;
    }

    private static ObjectNode json(Product p, String shop) {
        ObjectNode n = JsonAnswers.JSON.createObjectNode();
        n.put("p1_id", p.p1Id()).put("name", p.name()).put("slug", p.p1Id().toLowerCase()).put("category", p.category())
                .put("price", p.price()).put("stock_quantity", p.stock()).put("available", p.available());
        if (shop != null) {
            n.put("shop_id", shop);
        }
        return n;
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The org's inventory, in the order products were added. */
    public synchronized List<Product> inventory() {
        return List.copyOf(inventory.values());
    }

    /** The products attached to a shop, each with its overrides. */
    public synchronized Map<String, ObjectNode> attached(String shop) {
        Map<String, ObjectNode> copy = new LinkedHashMap<>();
        shops.getOrDefault(shop, Map.of()).forEach((k, v) -> copy.put(k, v.deepCopy()));
        return copy;
    }

    /** Every request as {@code METHOD /path}, in arrival order. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public long rateLimited() {
        return limit.refused();
    }

    public long peakRequestsPerWindow(String token) {
        return limit.peak(KeyHash.sha256Hex(token));
    }

    @Override
    public void close() {
        server.close();
    }
}
