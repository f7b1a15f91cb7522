package com.canopyhub.delivery.marketplace;

import static com.canopyhub.delivery.marketplace.MarketplaceTesting.harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.terravault.TerraVaultSandbox;
import com.canopyhub.testing.HubHarness;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** TerraVault's signed order webhooks into the hub's HTTP port (camel-platform-http), against real PostgreSQL. */
class TerraVaultOrdersTest {

    @Test
    void an_event_signed_in_its_body_as_the_reference_shows_is_accepted_once_and_a_retry_20_hours_later_adds_nothing() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = inbound(tv, "body").start()) {
            URI url = url(h);
            ObjectNode created = tv.orderEvent("evt_c1", "order.created", "ord_c", LISTING, new BigDecimal("2.5"));
            created.put("created_at", h.clock.instant().toString());
            byte[] body = TerraVaultSandbox.signedBody(SECRET, created);
            // the shape of the reference's example: the signature is the body's last member, no header
            assertThat(new String(body, java.nio.charset.StandardCharsets.UTF_8)).endsWith("\"signature\":\""
                    + MarketplaceOrders.bodySignature(SECRET, com.canopyhub.sandbox.JsonAnswers.JSON.writeValueAsBytes(created)) + "\"}");
            assertThat(tv.sendSignedOrderEvent(url, SECRET, created)).isEqualTo(200);

            h.clock.advance(java.time.Duration.ofHours(20));
            assertThat(tv.sendSignedOrderEvent(url, SECRET, created)).as("TerraVault's own retry, 20 h later").isEqualTo(200);
            assertThat(h.rows("SELECT status, last_event_id FROM reporting.marketplace_orders")).singleElement()
                    .satisfies(o -> assertThat(o.get("last_event_id")).isEqualTo("evt_c1"));
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).as("one order event, not two").isEqualTo(1);

            // a tampered body, an unsigned one and one signed with another secret change nothing
            String tampered = new String(body, java.nio.charset.StandardCharsets.UTF_8).replace("\"total_cents\":21250", "\"total_cents\":1");
            assertThat(tampered).isNotEqualTo(new String(body, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(tv.post(url, tampered.getBytes(java.nio.charset.StandardCharsets.UTF_8), HttpRequest.newBuilder(url), created))
                    .as("tampered").isEqualTo(401);
            ObjectNode other = tv.orderEvent("evt_c2", "order.confirmed", "ord_c", LISTING, new BigDecimal("2.5"));
            assertThat(tv.sendSignedOrderEvent(url, null, other)).as("unsigned").isEqualTo(401);
            assertThat(tv.sendSignedOrderEvent(url, "another-secret", other)).as("another secret").isEqualTo(401);
            assertThat(tv.sendOrderEvent(url, SECRET, h.clock.instant().getEpochSecond(), other))
                    .as("signed in headers while the hub expects the body form").isEqualTo(401);
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).isEqualTo(1);
            assertThat(h.rows("SELECT status FROM reporting.marketplace_orders")).singleElement()
                    .satisfies(o -> assertThat(o.get("status")).isEqualTo("created"));

            // the reference's other event types are taken (200, recorded once), never refused into TerraVault's retries
            ObjectNode product = com.canopyhub.sandbox.JsonAnswers.JSON.createObjectNode();
            product.put("id", "evt_p1").put("type", "product.updated").put("created_at", h.clock.instant().toString())
                    .putObject("data").put("product_id", "prod_1");
            assertThat(tv.sendSignedOrderEvent(url, SECRET, product)).isEqualTo(200);
            assertThat(tv.sendSignedOrderEvent(url, SECRET, product)).isEqualTo(200);
            assertThat(h.rows("SELECT event_id, type FROM hub.inbound_events ORDER BY event_id")).extracting(r -> r.get("type"))
                    .containsExactly("order.created", "product.updated");
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).isEqualTo(1);
        }
    }

    @Test
    void an_oversized_body_is_refused_by_its_length_and_a_flood_of_refusals_is_one_warning() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(MarketplaceOrders.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = inbound(tv, "body").set("hub.http.max-body-bytes", "4096").start()) {
            URI url = url(h);
            byte[] big = new byte[64 * 1024];
            java.util.Arrays.fill(big, (byte) ' ');
            big[0] = '{';
            big[big.length - 1] = '}';
            HttpResponse<String> tooBig = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(tooBig.statusCode()).as("refused by its Content-Length").isEqualTo(413);

            for (int i = 0; i < 20; i++) {
                ObjectNode unsigned = tv.orderEvent("evt_u" + i, "order.created", "ord_u" + i, LISTING, BigDecimal.ONE);
                assertThat(tv.sendSignedOrderEvent(url, null, unsigned)).isEqualTo(401);
            }
            assertThat(h.count("SELECT count(*) FROM hub.inbound_events")).isZero();
            assertThat(lines.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN))
                    .as("twenty unsigned requests, one line").hasSize(1);
        } finally {
            log.detachAppender(lines);
        }
    }

    @Test
    void the_signed_bytes_are_the_body_as_received_without_its_signature_member() {
        assertThat(signed("{\"id\":\"e\",\"signature\":\"sha256=ab\"}")).isEqualTo("{\"id\":\"e\"}");
        assertThat(signed("{\"signature\":\"sha256=ab\", \"id\" : \"e\" }")).isEqualTo("{\"id\" : \"e\" }");
        assertThat(signed("{ \"a\": [1, {\"signature\": 1}],\n  \"signature\": \"x\",\n  \"b\": 2.50\n}"))
                .isEqualTo("{ \"a\": [1, {\"signature\": 1}],\n  \"b\": 2.50\n}");
        assertThat(signed("{\"signature\":\"x\"}")).isEqualTo("{}");
        assertThat(MarketplaceOrders.signedBytes("{\"id\":\"e\"}".getBytes())).as("no member").isNull();
        assertThat(MarketplaceOrders.signedBytes("{\"signature\":1}".getBytes())).as("not a string").isNull();
        assertThat(MarketplaceOrders.signedBytes("[1]".getBytes())).isNull();
    }

    private static String signed(String body) {
        return new String(MarketplaceOrders.signedBytes(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).bytes(),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static final String SECRET = "tv_whsec_0123456789abcdef";
    private static final TerraVaultSandbox.Listing LISTING = new TerraVaultSandbox.Listing("prod_1", "ref", "Cherry Diesel", "flower",
            8500, new BigDecimal("50"), "active", null);

    @Test
    void a_header_signed_order_event_becomes_one_canonical_order_even_when_delivered_twice_and_status_only_moves_forward() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = inbound(tv).start()) {
            URI url = url(h);
            long now = h.clock.instant().getEpochSecond();
            TerraVaultSandbox.Listing listing = LISTING;
            ObjectNode created = tv.orderEvent("evt_a1", "order.created", "ord_x7y8z9", listing, new BigDecimal("2.5"));
            created.put("created_at", h.clock.instant().toString());
            assertThat(tv.sendOrderEvent(url, SECRET, now, created)).isEqualTo(200);
            assertThat(tv.sendOrderEvent(url, SECRET, now + 5, created)).as("a redelivery is acknowledged").isEqualTo(200);

            assertThat(h.rows("SELECT * FROM reporting.marketplace_orders")).singleElement().satisfies(o -> {
                assertThat(o.get("order_id")).isEqualTo("ord_x7y8z9");
                assertThat(o.get("status")).isEqualTo("created");
                assertThat(o.get("total_cents")).isEqualTo(21250L);
                assertThat(o.get("currency")).isEqualTo("USD");
                assertThat(o.get("last_event_id")).isEqualTo("evt_a1");
            });
            assertThat(h.count("SELECT count(*) FROM hub.inbound_events")).isEqualTo(1);
            assertThat(h.rows("SELECT type, aggregate_type FROM hub.outbox")).singleElement()
                    .satisfies(e -> assertThat(e.get("type")).isEqualTo("marketplace_order.created"));

            ObjectNode confirmed = tv.orderEvent("evt_a2", "order.confirmed", "ord_x7y8z9", listing, new BigDecimal("2.5"));
            confirmed.put("created_at", h.clock.instant().plusSeconds(60).toString());
            assertThat(tv.sendOrderEvent(url, SECRET, now, confirmed)).isEqualTo(200);
            // an older event arriving late does not take the status back
            ObjectNode late = tv.orderEvent("evt_a0", "order.created", "ord_x7y8z9", listing, new BigDecimal("2.5"));
            late.put("created_at", h.clock.instant().minusSeconds(60).toString());
            assertThat(tv.sendOrderEvent(url, SECRET, now, late)).isEqualTo(200);
            assertThat(h.rows("SELECT status, last_event_id FROM reporting.marketplace_orders")).singleElement().satisfies(o -> {
                assertThat(o.get("status")).isEqualTo("confirmed");
                assertThat(o.get("last_event_id")).isEqualTo("evt_a2");
            });
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).as("each event once, on to webhooks and Kafka").isEqualTo(3);
            assertThat(tv.orderEvents()).containsExactly("order.created ord_x7y8z9 200", "order.created ord_x7y8z9 200",
                    "order.confirmed ord_x7y8z9 200", "order.created ord_x7y8z9 200");
        }
    }

    @Test
    void with_header_signatures_unsigned_tampered_or_replayed_webhooks_are_refused_with_401_and_change_nothing() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = inbound(tv).start()) {
            URI url = url(h);
            long now = h.clock.instant().getEpochSecond();
            TerraVaultSandbox.Listing listing = LISTING;
            ObjectNode event = tv.orderEvent("evt_b1", "order.created", "ord_b", listing, BigDecimal.ONE);

            assertThat(tv.sendOrderEvent(url, null, now, event)).as("unsigned").isEqualTo(401);
            assertThat(tv.sendOrderEvent(url, "another-secret", now, event)).as("signed with another secret").isEqualTo(401);
            assertThat(tv.sendOrderEvent(url, SECRET, now - 3600, event)).as("replayed an hour later").isEqualTo(401);
            // signed, then the body changed on the way
            String body = com.canopyhub.sandbox.JsonAnswers.JSON.writeValueAsString(event);
            String signature = MarketplaceOrders.signature(SECRET, now, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> tampered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                    .header("X-TerraVault-Timestamp", Long.toString(now)).header("X-TerraVault-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(body.replace("\"total_cents\":8500", "\"total_cents\":1"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(tampered.statusCode()).as("tampered").isEqualTo(401);
            assertThat(tampered.body()).isEqualTo("{\"error\":\"invalid_signature\"}");

            assertThat(h.count("SELECT count(*) FROM reporting.marketplace_orders")).isZero();
            assertThat(h.count("SELECT count(*) FROM hub.inbound_events")).isZero();
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).isZero();
            // the same port serves the health check
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url.toString().replace("/webhooks/terravault", "/health"))).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).startsWith("{\"status\":\"UP\"").contains("{\"id\":\"database\",\"state\":\"UP\"");
            // the same event, correctly signed, is then accepted
            assertThat(tv.sendOrderEvent(url, SECRET, now, event)).isEqualTo(200);
            assertThat(h.count("SELECT count(*) FROM reporting.marketplace_orders")).isEqualTo(1);
        }
    }

    private static HubHarness inbound(TerraVaultSandbox tv) throws Exception {
        return inbound(tv, "header");
    }

    private static HubHarness inbound(TerraVaultSandbox tv, String form) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return harness(tv, 3, "hub.http.enabled", "true", "hub.http.port", Integer.toString(port),
                "hub.terravault.webhook-secret", SECRET, "hub.terravault.webhook-signature", form);
    }

    private static URI url(HubHarness h) {
        return URI.create("http://localhost:" + h.overrides().get("hub.http.port") + "/webhooks/terravault");
    }
}
