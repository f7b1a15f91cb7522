package com.canopyhub.delivery.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shop platform's public API as the hub uses it (docs/marketplaces.md states the shapes the reference leaves
 * open). Per product, for the configured org and its shops, in this order:
 * <ol>
 *   <li>{@code POST …/products/add-to-inventory} ({@code p1_id}, {@code initial_stock}, {@code price}) once; the
 *       p1_id is the natural key, so a repeat after a lost answer is refused with 409 and adopted;</li>
 *   <li>{@code PUT …/products/{p1Id}} with name, price, {@code available} and {@code stock_quantity} (absolute
 *       values, so a repeat is harmless) whenever they differ from what was last accepted;</li>
 *   <li>for each shop: {@code attach-product} when the stock is above zero (with the mapping's overrides),
 *       {@code detach-product} when it is zero, {@code product-overrides} when the overrides changed; all three
 *       idempotent.</li>
 * </ol>
 * Because every step is idempotent by p1_id, a request with an unknown outcome is simply planned again.
 * <p>
 * Stock: the reference lists PUT's optional fields (name, slug, description, category, price, THC/CBD, availability
 * flags) and keeps stock on an "Inventory & stock" page the hub has no copy of. The hub still sends
 * {@code stock_quantity} and, after the first PUT that changed it, reads the product back once
 * ({@code GET …/products/{p1Id}?shop_id=…}, with or without a {@code data} envelope): if the platform ignored it, that is
 * said once (ERROR) and kept on the listing ({@code remote_state.stock_check}, shown by {@code status}), and stock then
 * reaches the shops through attach (stock above 0) and detach (0) only. A product is added to the org's inventory
 * only once it has stock, with that stock as {@code initial_stock}, so an attach never waits on a stock the platform
 * would not take.
 */
public final class ShopPlatformListings implements MarketplaceAdapter {

    public static final String SINK = "shop-platform";
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder().nodeFactory(NODES).build();

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShopPlatformListings.class);

    private final String orgPath;
    private final List<String> shops;
    /** What reading a product back showed about stock_quantity on PUT: null (not yet), "honoured" or "ignored". */
    private volatile String stockFinding;

    public ShopPlatformListings(String orgId, List<String> shops) {
        this.orgPath = "/api/v2/public/orgs/" + URLEncoder.encode(orgId, StandardCharsets.UTF_8);
        this.shops = List.copyOf(shops);
    }

    @Override
    public String sink() {
        return SINK;
    }

    @Override
    public Set<String> requiredFields() {
        return Set.of("p1-id", "name", "price", "stock");
    }

    @Override
    public Map<String, Set<String>> options() {
        return Map.of("overrides-mode", Set.of("merge", "replace"));
    }

    @Override
    public Request next(Listing listing) throws MarketplaceUnits.Unconvertible {
        ListingState state = listing.state();
        ObjectNode remote = state.remote() == null ? NODES.objectNode() : state.remote();
        if (listing.facts() == null) {
            return null;
        }
        boolean listed = listing.mapping().lists(listing.facts());
        boolean inInventory = remote.path("inventory").asBoolean(false);
        if (!listed && !inInventory) {
            return null;
        }
        Map<String, String> f = listing.mapping().fields(listing.facts());
        String p1 = f.get("p1-id");
        if (p1 == null || p1.isBlank()) {
            throw new MarketplaceUnits.Unconvertible("no catalogue product id (p1-id) for this product");
        }
        BigDecimal price = price(f.get("price"));
        int stock = listed ? stock(f.get("stock")) : 0;
        if (!inInventory) {
            if (stock <= 0) {
                return null; // added once it has stock: initial_stock is the one stock the platform surely takes
            }
            ObjectNode body = NODES.objectNode().put("p1_id", p1).put("initial_stock", stock).put("price", price);
            return new Request("add-to-inventory", "POST", orgPath + "/products/add-to-inventory", body, pending("add-to-inventory", p1));
        }
        String productPath = orgPath + "/products/" + URLEncoder.encode(p1, StandardCharsets.UTF_8);
        ObjectNode fields = NODES.objectNode().put("name", f.get("name")).put("price", price).put("available", listed && stock > 0)
                .put("stock_quantity", stock);
        if (f.get("category") != null) {
            fields.put("category", f.get("category"));
        }
        String hash = TerraVaultListings.hash(fields);
        if (!hash.equals(state.pushedHash())) {
            return new Request("update", "PUT", productPath, fields, pending("update", p1).put("hash", hash).put("stock", stock));
        }
        if (remote.path("stock_check_due").asBoolean(false) && stockFinding == null && !shops.isEmpty()) {
            return new Request("read-back", "GET", productPath + "?shop_id=" + URLEncoder.encode(shops.get(0), StandardCharsets.UTF_8),
                    null, pending("read-back", p1).put("stock", state.pushedQuantity() == null ? stock : state.pushedQuantity().intValue()));
        }
        String mode = listing.mapping().option("overrides-mode", "merge");
        for (String shop : shops) {
            JsonNode s = remote.path("shops").path(shop);
            boolean attached = s.path("attached").asBoolean(false);
            ObjectNode overrides = JSON.valueToTree(listing.mapping().overrides(shop, listing.facts()));
            // the mode is part of what was pushed: switching merge to replace sends the overrides again
            String overridesHash = TerraVaultListings.hash(overrides.deepCopy().put("@mode", mode));
            if (stock > 0 && !attached) {
                ObjectNode body = NODES.objectNode().put("shop_id", shop).put("p1_id", p1).put("mode", mode);
                body.set("overrides", overrides);
                return new Request("attach", "POST", orgPath + "/shops/attach-product", body,
                        pending("attach", p1).put("shop", shop).put("overrides", overridesHash));
            }
            if (stock <= 0 && attached) {
                ObjectNode body = NODES.objectNode().put("shop_id", shop).put("p1_id", p1);
                return new Request("detach", "POST", orgPath + "/shops/detach-product", body, pending("detach", p1).put("shop", shop));
            }
            if (attached && !overridesHash.equals(s.path("overrides").asText())) {
                ObjectNode body = NODES.objectNode().put("shop_id", shop).put("p1_id", p1).put("mode", mode);
                body.set("overrides", overrides);
                return new Request("overrides", "POST", orgPath + "/shops/product-overrides", body,
                        pending("overrides", p1).put("shop", shop).put("overrides", overridesHash));
            }
        }
        return null;
    }

    @Override
    public ListingState answered(Request request, int status, JsonNode body, ListingState state) {
        ObjectNode remote = state.remote() == null ? NODES.objectNode() : state.remote().deepCopy();
        ObjectNode p = request.pending();
        String p1 = p.path("p1").asText();
        switch (request.action()) {
            case "add-to-inventory" -> {
                if (status / 100 != 2 && status != 409) { // 409: already in the org's inventory (a repeat after a lost answer)
                    return null;
                }
                remote.put("inventory", true);
                if (status / 100 == 2) {
                    remote.put("stock", request.body().path("initial_stock").asInt());
                }
                // the PUT that follows sets name, price, availability and stock, whatever the add did
                return state.withRemoteId(p1).withRemote(remote).withPushedHash(null).withPending(null);
            }
            case "update" -> {
                if (status == 404) { // gone from the org's inventory: add it again
                    remote.put("inventory", false);
                    remote.remove("shops");
                    return state.withRemote(remote).withPushedHash(null).withPending(null);
                }
                if (status / 100 != 2) {
                    return null;
                }
                int sent = p.path("stock").asInt();
                if (stockFinding == null && remote.has("stock") && remote.path("stock").asInt() != sent) {
                    remote.put("stock_check_due", true); // the first stock change: read it back once
                }
                remote.put("stock", sent);
                return state.withRemoteId(p1).withRemote(remote).withPushedHash(p.path("hash").asText())
                        .withPushedQuantity(BigDecimal.valueOf(p.path("stock").asLong())).withPending(null);
            }
            case "read-back" -> {
                JsonNode product = body == null ? null : body.has("data") && body.get("data").isObject() ? body.get("data") : body;
                if (status != 200 || product == null || !product.isObject()) {
                    return null;
                }
                JsonNode held = product.get("stock_quantity");
                boolean honoured = held != null && held.isNumber() && held.asInt() == p.path("stock").asInt();
                String finding = honoured ? "honoured" : "ignored";
                if (stockFinding == null) {
                    stockFinding = finding;
                    if (!honoured) {
                        LOG.error("shop-platform: PUT {} did not change stock_quantity (sent {}, the product reads back {}): the "
                                + "platform keeps stock elsewhere; stock now reaches the shops only through attach (above 0) and "
                                + "detach (0)", request.path().replaceFirst("\\?.*", ""), p.path("stock").asInt(),
                                held == null ? "no stock_quantity" : held.asText());
                    }
                }
                remote.remove("stock_check_due");
                remote.put("stock_check", finding);
                return state.withRemote(remote).withPending(null);
            }
            case "attach", "overrides", "detach" -> {
                if (status / 100 != 2) {
                    return null;
                }
                ObjectNode shops = remote.has("shops") ? (ObjectNode) remote.get("shops") : remote.putObject("shops");
                String shop = p.path("shop").asText();
                if (request.action().equals("detach")) {
                    shops.remove(shop);
                } else {
                    shops.putObject(shop).put("attached", true).put("overrides", p.path("overrides").asText());
                }
                return state.withRemote(remote).withPending(null);
            }
            default -> {
                return null;
            }
        }
    }

    /** The catalogue's price: a decimal with two places, half up. */
    private static BigDecimal price(String text) throws MarketplaceUnits.Unconvertible {
        if (text == null) {
            throw new MarketplaceUnits.Unconvertible("no price");
        }
        try {
            BigDecimal p = new BigDecimal(text.trim()).setScale(2, RoundingMode.HALF_UP);
            if (p.signum() < 0) {
                throw new MarketplaceUnits.Unconvertible("price " + text + " is negative");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new MarketplaceUnits.Unconvertible("price '" + text + "' is not a number");
        }
    }

    /** Stock in whole units of the product, toward zero (a shop never offers a unit it does not have), never below 0. */
    private static int stock(String text) throws MarketplaceUnits.Unconvertible {
        if (text == null) {
            return 0;
        }
        try {
            BigDecimal s = new BigDecimal(text.trim()).setScale(0, RoundingMode.DOWN);
            return s.signum() < 0 ? 0 : s.intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new MarketplaceUnits.Unconvertible("stock '" + text + "' is not a whole number of units");
        }
    }

    private static ObjectNode pending(String action, String p1) {
        return NODES.objectNode().put("action", action).put("p1", p1);
    }
}
