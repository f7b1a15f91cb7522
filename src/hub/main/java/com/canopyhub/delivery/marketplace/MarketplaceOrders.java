package com.canopyhub.delivery.marketplace;

import com.canopyhub.canonical.MarketplaceOrder;
import com.canopyhub.events.DerivedEvents;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marketplace orders coming back: TerraVault's signed {@code order.*} webhooks, called by
 * routes/inbound-terravault-orders.camel.yaml. {@link #verify} refuses (401, no side effect) what is unsigned, wrongly
 * signed, or signed too long ago (a replay); {@link #record} writes, in one transaction, the event id (a redelivery
 * is acknowledged and changes nothing), the canonical {@link MarketplaceOrder} in {@code reporting.marketplace_orders}
 * (a status only moves forward in event time) and a {@code marketplace_order.<status>} event in the outbox, so
 * webhooks (and later Kafka) carry it on.
 * <p>
 * The signature, two forms (docs/marketplaces.md, "Orders back in"):
 * <ul>
 *   <li>{@link Form#BODY} (default), as the reference's example shows it: a {@code "signature": "sha256=<hex>"} member
 *       in the JSON body, the HMAC-SHA256 (keyed with the secret) of the body as received with that member cut out
 *       ({@link #signedBytes}). No signed timestamp: TerraVault's own retries come up to 24 h later and are
 *       accepted; the event id makes a replay change nothing.</li>
 *   <li>{@link Form#HEADER}, the hub's earlier guess, kept as an option: {@code X-TerraVault-Timestamp: <unix
 *       seconds>} and {@code X-TerraVault-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}, refused
 *       outside the tolerance.</li>
 * </ul>
 * Event types the reference lists besides orders ({@code product.*}, {@code inventory.low_stock},
 * {@code document.expiring}) are verified, recorded in {@code hub.inbound_events} and answered 200: a 4xx would only
 * invite TerraVault's retries.
 */
public final class MarketplaceOrders {

    private static final Logger LOG = LoggerFactory.getLogger(MarketplaceOrders.class);
    public static final String SIGNATURE_HEADER = "X-TerraVault-Signature";
    public static final String TIMESTAMP_HEADER = "X-TerraVault-Timestamp";
    /** Exchange property set by {@link #verify} when the request is refused: the reason. */
    public static final String REFUSED = "marketplaceOrderRefused";
    private static final Set<String> STATUSES = Set.of("created", "confirmed", "shipped", "delivered", "disputed");
    /** The body member that carries the signature in {@link Form#BODY}. */
    public static final String SIGNATURE_MEMBER = "signature";

    /** What a body-signed event signs, and the signature it carries. */
    record Signed(byte[] bytes, String signature) {
    }

    /** Where the signature travels (hub.terravault.webhook-signature). */
    public enum Form {
        BODY, HEADER;

        public static Form of(String setting) {
            return valueOf(setting.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }
    private static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final String marketplace;
    private final DataSource dataSource;
    private final Supplier<String> secret;
    private final Duration tolerance;
    private final Clock clock;
    private final Form form;
    /** Refusals are said once a minute per reason, with their count: a flood of bad requests is one line, not a flood. */
    private final RefusalLog refusals = new RefusalLog();

    /** One WARN per refusal reason per minute, counting the refusals it stands for. */
    private final class RefusalLog {
        private final java.util.Map<String, long[]> byReason = new java.util.concurrent.ConcurrentHashMap<>();

        void note(String reason) {
            long now = System.nanoTime();
            long[] state = byReason.computeIfAbsent(reason, r -> new long[] {now - 60_000_000_000L, 0});
            long count;
            synchronized (state) {
                state[1]++;
                if (now - state[0] < 60_000_000_000L) {
                    return;
                }
                state[0] = now;
                count = state[1];
                state[1] = 0;
            }
            LOG.warn("{} webhook refused (401): {}{}", marketplace, reason,
                    count > 1 ? " (" + count + " refused for this reason since the last such line)" : "");
        }
    }

    /** @param secret the shared secret (empty: every request is refused, with a clear reason) */
    public MarketplaceOrders(String marketplace, DataSource dataSource, Supplier<String> secret, Duration tolerance, Clock clock) {
        this(marketplace, dataSource, secret, tolerance, clock, Form.BODY);
    }

    /**
     * @param tolerance how far a signed timestamp may be from now ({@link Form#HEADER} only)
     * @param form      where the signature travels
     */
    public MarketplaceOrders(String marketplace, DataSource dataSource, Supplier<String> secret, Duration tolerance, Clock clock,
                             Form form) {
        this.form = form;
        this.marketplace = marketplace;
        this.dataSource = dataSource;
        this.secret = secret;
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** {@code sha256=} and the hex HMAC-SHA256 of {@code timestamp.body} keyed with the secret. */
    public static String signature(String secret, long timestamp, byte[] body) {
        return sha256(secret, (timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    }

    /**
     * {@code sha256=} and the hex HMAC-SHA256 of {@code signed} keyed with the secret ({@link Form#BODY}: the bytes
     * {@link #signedBytes} returns).
     */
    public static String bodySignature(String secret, byte[] signed) {
        return sha256(secret, signed);
    }

    /** {@code sha256=} and the hex HMAC-SHA256, keyed with the secret, of the parts one after the other. */
    private static String sha256(String secret, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What {@link Form#BODY} signs: the body exactly as received, with its top-level {@code "signature"} member cut
     * out together with the comma that separates it from its neighbour and the white space between them. For a sender
     * that signs {@code JSON.stringify(event)} and then adds the member last, that is byte for byte what it signed; the
     * rest of the body is never re-serialised. Null when the body is not a JSON object with one string
     * {@code signature} member.
     *
     * @return the signed bytes and the member's value, or null
     */
    static Signed signedBytes(byte[] body) {
        if (body == null) {
            return null;
        }
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(body)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            long previousValueEnd = -1; // where the value of the member before "signature" ends
            long cutFrom = -1;
            long cutTo = -1;
            String value = null;
            boolean cutToNextName = false;
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                long nameStart = p.currentTokenLocation().getByteOffset();
                if (cutToNextName) {
                    cutTo = nameStart;
                    cutToNextName = false;
                }
                boolean isSignature = SIGNATURE_MEMBER.equals(p.currentName());
                com.fasterxml.jackson.core.JsonToken v = p.nextToken();
                if (isSignature) {
                    if (value != null || v != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                        return null; // twice, or not a string: not a signed event
                    }
                    value = p.getText();
                    long valueEnd = p.currentLocation().getByteOffset();
                    if (previousValueEnd >= 0) {
                        cutFrom = previousValueEnd;
                        cutTo = valueEnd;
                    } else {
                        cutFrom = nameStart;
                        cutToNextName = true; // the first member: cut through the comma after it
                        cutTo = valueEnd;
                    }
                } else if (v.isStructStart()) {
                    p.skipChildren();
                } else {
                    p.finishToken(); // a scalar is read lazily: its end is known only once it is read
                }
                previousValueEnd = p.currentLocation().getByteOffset();
            }
            long closingBrace = p.currentTokenLocation().getByteOffset();
            if (t != com.fasterxml.jackson.core.JsonToken.END_OBJECT || value == null || p.nextToken() != null) {
                return null;
            }
            if (cutToNextName) {
                cutTo = closingBrace; // the only member: cut up to the closing brace
            }
            byte[] signed = new byte[body.length - (int) (cutTo - cutFrom)];
            System.arraycopy(body, 0, signed, 0, (int) cutFrom);
            System.arraycopy(body, (int) cutTo, signed, (int) cutFrom, body.length - (int) cutTo);
            return new Signed(signed, value);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Checks the signature (and, in the header form, its timestamp); a refusal sets {@link #REFUSED} (the route answers 401). */
    public void verify(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        exchange.getMessage().setBody(body); // read once, kept for record()
        String refused = form == Form.BODY ? bodyRefusal(body)
                : refusal(exchange.getMessage().getHeader(TIMESTAMP_HEADER, String.class),
                        exchange.getMessage().getHeader(SIGNATURE_HEADER, String.class), body);
        if (refused != null) {
            exchange.setProperty(REFUSED, refused);
            refusals.note(refused);
        }
    }

    private String noSecret() {
        String key = secret.get();
        return key == null || key.isEmpty() ? "no webhook secret configured (hub." + marketplace + ".webhook-secret)" : null;
    }

    private String bodyRefusal(byte[] body) {
        String none = noSecret();
        if (none != null) {
            return none;
        }
        Signed signed = signedBytes(body);
        if (signed == null) {
            return "unsigned (a JSON object with a \"" + SIGNATURE_MEMBER + "\": \"sha256=…\" member is required; "
                    + "hub." + marketplace + ".webhook-signature=body)";
        }
        byte[] expected = bodySignature(secret.get(), signed.bytes()).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, signed.signature().trim().getBytes(StandardCharsets.UTF_8))) {
            return "the signature does not match the body";
        }
        return null;
    }

    private String refusal(String timestamp, String signature, byte[] body) {
        String none = noSecret();
        if (none != null) {
            return none;
        }
        String key = secret.get();
        if (signature == null || timestamp == null) {
            return "unsigned (" + SIGNATURE_HEADER + " and " + TIMESTAMP_HEADER + " are required)";
        }
        long t;
        try {
            t = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return "the timestamp is not Unix seconds";
        }
        if (Math.abs(clock.instant().getEpochSecond() - t) > tolerance.toSeconds()) {
            return "the signed timestamp is more than " + tolerance.toSeconds() + " s from now (a replay, or a clock far off)";
        }
        byte[] expected = signature(key, t, body == null ? new byte[0] : body).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.UTF_8))) {
            return "the signature does not match the body";
        }
        return null;
    }

    /**
     * Records a verified event; the body becomes the answer ({@code {"status":"accepted"}} or
     * {@code "duplicate"}). A body that is not an order event is answered 400 (TerraVault would retry a 5xx).
     */
    public void record(Exchange exchange) throws SQLException {
        JsonNode event;
        try {
            event = JSON.readTree(exchange.getMessage().getBody(byte[].class));
        } catch (java.io.IOException e) {
            event = null;
        }
        MarketplaceOrder order = event == null ? null : order(event);
        if (order == null && event != null && isOtherListedEvent(event)) {
            boolean fresh;
            try (Connection c = dataSource.getConnection()) {
                fresh = recordEventId(c, event.path("id").asText(), event.path("type").asText());
            }
            answer(exchange, fresh ? "recorded" : "duplicate");
            return;
        }
        if (order == null) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
            exchange.getMessage().setBody("{\"error\":\"not an order event (id, type order.<status>, created_at, data.order_id)\"}");
            return;
        }
        boolean fresh;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                fresh = record(c, event.path("id").asText(), event.path("type").asText(), order);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        answer(exchange, fresh ? "accepted" : "duplicate");
    }

    private static void answer(Exchange exchange, String status) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody("{\"status\":\"" + status + "\"}");
    }

    /**
     * The reference's other event types ({@code product.*}, {@code inventory.low_stock}, {@code document.expiring}):
     * nothing in the hub acts on them yet, but they are TerraVault's to send, so they are taken, not refused.
     */
    private static boolean isOtherListedEvent(JsonNode e) {
        String type = e.path("type").asText("");
        return !e.path("id").asText("").isEmpty() && (type.startsWith("product.") || type.equals("inventory.low_stock")
                || type.equals("document.expiring"));
    }

    /** Records the event id; false when it was delivered before (acknowledged, nothing changes). */
    private boolean recordEventId(Connection c, String eventId, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.inbound_events (marketplace, event_id, type) VALUES (?, ?, ?) "
                + "ON CONFLICT DO NOTHING")) {
            ps.setString(1, marketplace);
            ps.setString(2, eventId);
            ps.setString(3, type);
            return ps.executeUpdate() > 0;
        }
    }

    private boolean record(Connection c, String eventId, String type, MarketplaceOrder order) throws SQLException {
        if (!recordEventId(c, eventId, type)) {
            return false; // delivered before: acknowledged, nothing changes
        }
        String items = json(order.items());
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO reporting.marketplace_orders (marketplace, order_id, canonical_id, status, buyer_id, seller_id,
                       total_cents, currency, items, status_at, last_event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
                ON CONFLICT (marketplace, order_id) DO UPDATE SET
                       status = EXCLUDED.status, buyer_id = EXCLUDED.buyer_id, seller_id = EXCLUDED.seller_id,
                       total_cents = EXCLUDED.total_cents, currency = EXCLUDED.currency, items = EXCLUDED.items,
                       status_at = EXCLUDED.status_at, last_event_id = EXCLUDED.last_event_id, updated_at = now()
                 WHERE reporting.marketplace_orders.status_at <= EXCLUDED.status_at
                """)) {
            ps.setString(1, marketplace);
            ps.setString(2, order.orderId());
            ps.setObject(3, order.canonicalId());
            ps.setString(4, order.status());
            ps.setString(5, order.buyerId());
            ps.setString(6, order.sellerId());
            ps.setObject(7, order.totalCents());
            ps.setString(8, order.currency());
            ps.setString(9, items);
            ps.setTimestamp(10, Timestamp.from(order.statusAt()));
            ps.setString(11, order.lastEventId());
            ps.executeUpdate();
        }
        // the event itself goes on, even one older than the order's status (subscribers see each one once)
        ObjectNode payload = JSON.createObjectNode();
        payload.put("schema_version", MarketplaceOrder.SCHEMA_VERSION).put("entity", "marketplace_order")
                .put("canonical_id", order.canonicalId().toString());
        payload.putObject("provenance").put("source_system", marketplace).put("source_id", order.orderId()).put("event_id", eventId);
        payload.set("record", JSON.valueToTree(order));
        DerivedEvents.write(c, "marketplace_order", order.canonicalId(), "marketplace_order." + order.status(), json(payload),
                marketplace, "orders", "", null);
        return true;
    }

    /** The canonical order an event describes, or null if it is not an order event. */
    private MarketplaceOrder order(JsonNode e) {
        String type = e.path("type").asText("");
        String status = type.startsWith("order.") ? type.substring("order.".length()) : "";
        JsonNode d = e.path("data");
        String orderId = d.path("order_id").asText("");
        if (!STATUSES.contains(status) || orderId.isEmpty() || e.path("id").asText("").isEmpty()) {
            return null;
        }
        Instant at;
        try {
            at = Instant.parse(e.path("created_at").asText());
        } catch (RuntimeException ex) {
            return null;
        }
        List<MarketplaceOrder.Item> items = new ArrayList<>();
        for (JsonNode i : d.path("items")) {
            items.add(new MarketplaceOrder.Item(i.path("product_id").asText(null), i.path("name").asText(null),
                    i.hasNonNull("quantity_lbs") ? new BigDecimal(i.get("quantity_lbs").asText()) : null,
                    i.hasNonNull("unit_price_cents") ? i.get("unit_price_cents").asLong() : null));
        }
        return new MarketplaceOrder(MarketplaceOrder.canonicalIdFor(marketplace, orderId), marketplace, orderId, status,
                d.path("buyer_id").asText(null), d.path("seller_id").asText(null),
                d.hasNonNull("total_cents") ? d.get("total_cents").asLong() : null, d.path("currency").asText(null), items, at,
                e.path("id").asText());
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
