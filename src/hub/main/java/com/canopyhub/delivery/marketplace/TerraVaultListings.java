package com.canopyhub.delivery.marketplace;

import com.canopyhub.canonical.Quantity;
import com.canopyhub.config.KeyHash;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * TerraVault's Partner API as the hub uses it (docs/marketplaces.md states every shape the reference leaves open):
 * <ul>
 *   <li>a listing is created with {@code POST /api/v1/products} (with its {@code external_reference}: the product's
 *       canonical id, and its initial {@code quantity_lbs});</li>
 *   <li>its fields ({@code name, category, price_cents, status, description}) are updated with
 *       {@code PUT /api/v1/products}, the listing's {@code id} in the body;</li>
 *   <li>its quantity moves only through {@code POST /api/inventory} events: the signed difference between the stock
 *       it should show and the stock TerraVault last reported, {@code restock} up, {@code adjustment} (or
 *       {@code sale}, by the mapping's option {@code decrease}) down;</li>
 *   <li>a request whose answer was lost is followed by a lookup ({@code GET /api/v1/products?external_reference=}),
 *       which says what TerraVault holds: a create that did happen is adopted, never repeated. A create that finds
 *       the reference taken (409) adopts the listing it names.</li>
 *   <li>a lookup's answer is verified, not trusted: only a listing whose {@code external_reference} is the product's
 *       canonical id is adopted. The reference names no filter parameter; a TerraVault that ignores
 *       {@code external_reference} (it answers other listings) is said once, as an ERROR, and the reference is then
 *       found by paging the list ({@code page}, {@code per_page}=100) until it is found or the list ends.</li>
 *   <li>single-resource answers are read with or without a {@code {"data": …}} envelope.</li>
 * </ul>
 * A product the mapping does not list any more is set {@code inactive}; one never listed is not created.
 */
public final class TerraVaultListings implements MarketplaceAdapter {

    public static final String SINK = "terravault";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TerraVaultListings.class);
    /** Listings per lookup page (the sandbox's and, by our choice, TerraVault's maximum). */
    static final int LOOKUP_PAGE_SIZE = 100;
    /** A lookup pages at most this far (100,000 listings) before it gives the reference up as absent. */
    private static final int MAX_LOOKUP_PAGES = 1_000;
    /** Set once TerraVault was seen answering a lookup with other listings: the filter is ignored, say it once. */
    private final java.util.concurrent.atomic.AtomicBoolean referenceFilterIgnored = new java.util.concurrent.atomic.AtomicBoolean();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    @Override
    public String sink() {
        return SINK;
    }

    @Override
    public Set<String> requiredFields() {
        return Set.of("name", "category", "price", "currency", "quantity", "quantity-unit");
    }

    @Override
    public Map<String, Set<String>> options() {
        return Map.of("decrease", Set.of("adjustment", "sale"));
    }

    @Override
    public Request next(Listing listing) throws MarketplaceUnits.Unconvertible {
        ListingState state = listing.state();
        if (state.pending() != null) {
            // the answer to the last request was lost: see what TerraVault holds before anything else
            int page = Math.max(1, state.pending().path("lookup_page").asInt(1));
            return new Request("lookup", "GET", "/api/v1/products?external_reference="
                    + URLEncoder.encode(state.canonicalId().toString(), StandardCharsets.UTF_8) + "&page=" + page
                    + "&per_page=" + LOOKUP_PAGE_SIZE, null, state.pending());
        }
        if (listing.facts() == null) {
            return null; // gone from the reporting database: nothing to say
        }
        boolean listed = listing.mapping().lists(listing.facts());
        if (!listed && state.remoteId() == null) {
            return null;
        }
        Map<String, String> f = listing.mapping().fields(listing.facts());
        ObjectNode fields = fields(f.get("name"), f.get("category"),
                MarketplaceUnits.cents(decimal(f.get("price"), "price"), f.get("currency")),
                listed ? "active" : "inactive", f.get("description"));
        String hash = hash(fields);
        if (state.remoteId() == null) {
            BigDecimal quantity = quantity(f);
            ObjectNode body = fields.deepCopy();
            body.put("external_reference", state.canonicalId().toString());
            body.put("quantity_lbs", quantity.toPlainString());
            return new Request("create", "POST", "/api/v1/products", body, pending("create").put("hash", hash));
        }
        if (!hash.equals(state.pushedHash())) {
            ObjectNode body = NODES.objectNode().put("id", state.remoteId());
            body.setAll(fields);
            return new Request("update", "PUT", "/api/v1/products", body, pending("update").put("hash", hash));
        }
        if (!listed) {
            return null; // an inactive listing's stock is left as it was
        }
        BigDecimal quantity = quantity(f);
        BigDecimal held = state.pushedQuantity() == null ? BigDecimal.ZERO : state.pushedQuantity();
        BigDecimal delta = quantity.subtract(held);
        if (delta.signum() == 0) {
            return null;
        }
        String decrease = listing.mapping().option("decrease", "adjustment");
        String type = delta.signum() > 0 ? "restock" : decrease;
        BigDecimal amount = type.equals("adjustment") ? delta : delta.abs();
        ObjectNode body = NODES.objectNode().put("product_id", state.remoteId()).put("type", type)
                .put("quantity_lbs", amount.toPlainString())
                .put("note", "Canopy Hub: stock " + held.toPlainString() + " -> " + quantity.toPlainString() + " lbs");
        return new Request("inventory", "POST", "/api/inventory", body, pending("inventory").put("quantity", quantity.toPlainString()));
    }

    @Override
    public ListingState answered(Request request, int status, JsonNode body, ListingState state) {
        JsonNode data = body == null ? null : body.path("data");
        switch (request.action()) {
            case "lookup" -> {
                JsonNode items = data != null && data.isArray() ? data : body != null && body.isArray() ? body : null;
                if (status != 200 || items == null) {
                    return null;
                }
                return lookedUp(request, items, body, state);
            }
            case "create" -> {
                JsonNode created = resource(body);
                if (status == 409 && created != null && created.hasNonNull("id")) {
                    // the reference is taken: adopt that listing, and look at what it holds before touching it
                    return state.withRemoteId(created.get("id").asText()).withPending(pending("adopt"));
                }
                if (status / 100 != 2 || created == null || !created.hasNonNull("id")) {
                    return null;
                }
                return state.withRemoteId(created.get("id").asText()).withPushedHash(request.pending().path("hash").asText())
                        .withPushedQuantity(decimalOrNull(created.path("quantity_lbs"))).withPending(null);
            }
            case "update" -> {
                if (status == 404) {
                    // removed on TerraVault: list it again
                    return state.withRemoteId(null).withPushedHash(null).withPushedQuantity(null).withPending(null);
                }
                return status / 100 == 2 ? state.withPushedHash(request.pending().path("hash").asText()).withPending(null) : null;
            }
            case "inventory" -> {
                if (status == 404) {
                    return state.withRemoteId(null).withPushedHash(null).withPushedQuantity(null).withPending(null);
                }
                if (status / 100 != 2) {
                    return null;
                }
                // TerraVault says what it now holds: that, not our arithmetic, is the next delta's base
                JsonNode event = resource(body);
                BigDecimal after = event == null ? null : decimalOrNull(event.path("quantity_lbs_after"));
                return state.withPushedQuantity(after != null ? after : new BigDecimal(request.pending().path("quantity").asText()))
                        .withPending(null);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * One page of a lookup: adopts the listing whose {@code external_reference} is ours, and only that one. Other
     * listings in the answer mean the filter was ignored: said once, and the search goes on to the next page.
     */
    private ListingState lookedUp(Request request, JsonNode items, JsonNode body, ListingState state) {
        String reference = state.canonicalId().toString();
        int page = Math.max(1, request.pending().path("lookup_page").asInt(1));
        boolean strangers = false;
        for (JsonNode l : items) {
            if (reference.equals(l.path("external_reference").asText(null))) {
                return state.withRemoteId(l.path("id").asText()).withPushedHash(hash(remoteFields(l)))
                        .withPushedQuantity(decimalOrNull(l.path("quantity_lbs"))).withPending(null);
            }
            strangers = true;
        }
        if (strangers && referenceFilterIgnored.compareAndSet(false, true)) {
            LOG.error("{}: GET /api/v1/products ignores the query parameter external_reference (it answered other "
                    + "listings); lookups now page through every listing to find a product's own, and adopt only a "
                    + "listing whose external_reference is the product's canonical id", SINK);
        }
        String firstId = items.isEmpty() ? null : items.get(0).path("id").asText(null);
        boolean repeated = page > 1 && firstId != null && firstId.equals(request.pending().path("lookup_first_id").asText(null));
        boolean lastPage = !strangers || items.size() < LOOKUP_PAGE_SIZE || page >= MAX_LOOKUP_PAGES || repeated
                || (body != null && body.hasNonNull("total") && (long) page * LOOKUP_PAGE_SIZE >= body.get("total").asLong());
        if (repeated) {
            LOG.error("{}: GET /api/v1/products answered page {} with page 1's listings (page is ignored too); the "
                    + "reference {} is taken as absent (a create then meets 409 if it exists)", SINK, page, reference);
        }
        if (!lastPage) {
            ObjectNode next = request.pending().deepCopy().put("lookup_page", page + 1);
            if (page == 1 && firstId != null) {
                next.put("lookup_first_id", firstId);
            }
            return state.withPending(next);
        }
        if ("adopt".equals(request.pending().path("action").asText())) {
            // a 409 named a listing for our reference that no lookup finds: never guess its stock
            throw new IllegalStateException("a create was refused (409) naming listing " + state.remoteId() + " for reference "
                    + reference + ", but no listing with that external_reference was found");
        }
        // the lost request never made a listing (or it was removed): start again
        return state.withRemoteId(null).withPushedHash(null).withPushedQuantity(null).withPending(null);
    }

    /** A single-resource answer, with or without the {@code {"data": …}} envelope. */
    private static JsonNode resource(JsonNode body) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode data = body.get("data");
        return data != null && data.isObject() ? data : body;
    }

    private static BigDecimal quantity(Map<String, String> f) throws MarketplaceUnits.Unconvertible {
        BigDecimal amount = decimal(f.get("quantity"), "quantity");
        if (amount == null) {
            amount = BigDecimal.ZERO;
        }
        String unit = f.get("quantity-unit");
        if (unit == null) {
            throw new MarketplaceUnits.Unconvertible("quantity " + amount.toPlainString() + " has no unit");
        }
        BigDecimal pounds = MarketplaceUnits.pounds(new Quantity(amount, unit));
        return pounds.signum() < 0 ? BigDecimal.ZERO.setScale(MarketplaceUnits.POUND_SCALE) : pounds; // never list less than nothing
    }

    private static BigDecimal decimal(String text, String field) throws MarketplaceUnits.Unconvertible {
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new MarketplaceUnits.Unconvertible(field + " '" + text + "' is not a number");
        }
    }

    private static BigDecimal decimalOrNull(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        try {
            return new BigDecimal(n.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The listing fields a PUT carries, in one order, so equal listings hash equal whichever side they came from. */
    static ObjectNode fields(String name, String category, long priceCents, String status, String description) {
        ObjectNode n = NODES.objectNode();
        n.put("name", name).put("category", category).put("price_cents", priceCents).put("status", status)
                .put("description", description);
        return n;
    }

    private static ObjectNode remoteFields(JsonNode l) {
        return fields(l.path("name").asText(null), l.path("category").asText(null), l.path("price_cents").asLong(),
                l.path("status").asText("active"), l.hasNonNull("description") ? l.get("description").asText() : null);
    }

    static String hash(ObjectNode fields) {
        try {
            return KeyHash.sha256Hex(JSON.writeValueAsString(fields));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode pending(String action) {
        return NODES.objectNode().put("action", action);
    }
}
