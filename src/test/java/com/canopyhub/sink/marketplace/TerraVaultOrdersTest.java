package com.canopyhub.sink.marketplace;

import static com.canopyhub.sink.marketplace.MarketplaceTesting.harness;
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

    private static final String SECRET = "tv_whsec_0123456789abcdef";
    private static final TerraVaultSandbox.Listing LISTING = new TerraVaultSandbox.Listing("prod_1", "ref", "Cherry Diesel", "flower",
            8500, new BigDecimal("50"), "active", null);

    @Test
    void a_signed_order_event_becomes_one_canonical_order_even_when_delivered_twice_and_status_only_moves_forward() throws Exception {
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
    void unsigned_tampered_or_replayed_webhooks_are_refused_with_401_and_change_nothing() throws Exception {
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
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"camel\":\"UP\",\"database\":\"UP\"}");
            // the same event, correctly signed, is then accepted
            assertThat(tv.sendOrderEvent(url, SECRET, now, event)).isEqualTo(200);
            assertThat(h.count("SELECT count(*) FROM reporting.marketplace_orders")).isEqualTo(1);
        }
    }

    private static HubHarness inbound(TerraVaultSandbox tv) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return harness(tv, 3, "hub.http.enabled", "true", "hub.http.port", Integer.toString(port),
                "hub.terravault.webhook-secret", SECRET);
    }

    private static URI url(HubHarness h) {
        return URI.create("http://localhost:" + h.overrides().get("hub.http.port") + "/webhooks/terravault");
    }
}
