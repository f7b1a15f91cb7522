package com.canopyhub.delivery.webhook;

import static com.canopyhub.delivery.webhook.WebhookTesting.SECRET;
import static com.canopyhub.delivery.webhook.WebhookTesting.deliveries;
import static com.canopyhub.delivery.webhook.WebhookTesting.firstStatus;
import static com.canopyhub.delivery.webhook.WebhookTesting.harness;
import static com.canopyhub.delivery.webhook.WebhookTesting.service;
import static com.canopyhub.delivery.webhook.WebhookTesting.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.webhook.WebhookReceiver;
import com.canopyhub.sandbox.webhook.WebhookReceiver.Answer;
import com.canopyhub.testing.HubHarness;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Signed webhooks end to end: a real hub on real PostgreSQL syncs the Distru sandbox; its events are delivered by the
 * Camel routes to a receiver that answers as each test scripts.
 */
class WebhookDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void each_event_reaches_each_matching_subscription_once_signed_for_standard_webhooks_and_github_style_consumers() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 5, "subscriptions:\n" + subscription("all", "/all", "[\"*\"]")
                     + subscription("erp", "/erp", "[\"product.*\", \"inventory.low_stock\"]"),
                     "hub.distru.streams", "products,packages,orders").start()) {
            assertThat(h.sync().ok()).isTrue();
            long events = h.count("SELECT count(*) FROM hub.outbox");
            long productEvents = h.count("SELECT count(*) FROM hub.outbox WHERE type LIKE 'product.%'");
            assertThat(events).isEqualTo(15);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/all").size() == events
                    && receiver.received("/erp").size() == productEvents);

            List<WebhookReceiver.Received> all = receiver.received("/all");
            assertThat(all.stream().map(WebhookReceiver.Received::webhookId).distinct()).as("each event once").hasSize((int) events);
            assertThat(all.stream().map(r -> r.webhookId())).containsExactlyInAnyOrderElementsOf(
                    h.rows("SELECT id FROM hub.outbox").stream().map(r -> (String) r.get("id")).toList());
            assertThat(receiver.received("/erp")).allSatisfy(r -> assertThat(type(r)).startsWith("product."));

            for (WebhookReceiver.Received r : all) {
                // the independent Standard Webhooks library accepts the signature
                new Webhook(SECRET).verify(r.bodyText(), headers(r));
                // a plain HMAC-SHA256 of the raw body, keyed with the secret string as configured
                assertThat(r.signature256()).isEqualTo("sha256=" + hmacHex(SECRET.getBytes(StandardCharsets.UTF_8), r.body()));
            }
            WebhookReceiver.Received one = all.get(0);
            JsonNode envelope = JSON.readTree(one.body());
            assertThat(envelope.path("id").asText()).isEqualTo(one.webhookId()).startsWith("evt_");
            assertThat(envelope.path("created_at").asText()).endsWith("Z");
            assertThat(envelope.path("data").path("source_system").asText()).isEqualTo("distru");
            assertThat(envelope.path("data").path("schema_version").asText()).isEqualTo("2.1");

            String tampered = one.bodyText().replace("\"distru\"", "\"distrU\"");
            assertThatThrownBy(() -> new Webhook(SECRET).verify(tampered, headers(one))).isInstanceOf(WebhookVerificationException.class);
            assertThat("sha256=" + hmacHex(SECRET.getBytes(StandardCharsets.UTF_8), tampered.getBytes(StandardCharsets.UTF_8)))
                    .isNotEqualTo(one.signature256());
            String otherSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
            assertThatThrownBy(() -> new Webhook(otherSecret).verify(one.bodyText(), headers(one))).isInstanceOf(WebhookVerificationException.class);

            // a no-op sync: no event, no request
            long requests = receiver.requests();
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).isEqualTo(events);
            assertThat(service(h).awaitSettled(Duration.ofSeconds(10))).isTrue();
            assertThat(receiver.requests()).isEqualTo(requests);
            assertThat(h.count("SELECT count(*) FROM hub.webhook_attempts")).isEqualTo(requests);
        }
    }

    @Test
    void a_receiver_failing_five_times_gets_the_event_on_the_sixth_attempt_one_failing_always_is_dead_after_eight_and_replay_delivers_it_once()
            throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 1, "subscriptions:\n" + subscription("flaky", "/flaky", "[\"product.created\"]")
                     + subscription("down", "/down", "[\"product.created\"]"), "hub.distru.streams", "products").start()) {
            receiver.script("/flaky", Answer.status(500), Answer.status(502), Answer.status(503), new Answer(500, null, null, 0),
                    Answer.status(504));
            receiver.always("/down", Answer.status(500));
            assertThat(h.sync().ok()).isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(firstStatus(h, "flaky"))
                    && "DEAD".equals(firstStatus(h, "down")));
            assertThat(deliveries(h, "flaky").get(0)).containsEntry("attempts", 6);
            assertThat(receiver.received("/flaky")).hasSize(6);
            assertThat(receiver.received("/flaky").stream().map(WebhookReceiver.Received::webhookId).distinct()).hasSize(1);
            assertThat(deliveries(h, "down").get(0)).containsEntry("attempts", 8);
            assertThat(receiver.received("/down")).hasSize(8);
            long downId = (Long) deliveries(h, "down").get(0).get("id");
            assertThat(h.rows("SELECT outcome FROM hub.webhook_attempts WHERE delivery_id = ? ORDER BY attempt", downId))
                    .hasSize(8).allSatisfy(r -> assertThat(r).containsEntry("outcome", "FAILED"));
            assertThat(h.rows("SELECT payload FROM hub.outbox WHERE type = 'hub.webhook.exhausted'")).as("one alert for the dead delivery")
                    .singleElement().satisfies(r -> assertThat((String) r.get("payload")).contains("\"subscription\":\"down\"")
                            .contains("\"delivery_id\":" + downId).contains("\"attempts\":8"));

            receiver.always("/down", null);
            assertThat(service(h).replayDelivery(downId)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> "DELIVERED".equals(firstStatus(h, "down")));
            assertThat(service(h).awaitSettled(Duration.ofSeconds(5))).isTrue();
            assertThat(receiver.received("/down")).hasSize(9);
            assertThat(receiver.received("/down").stream().filter(WebhookReceiver.Received::verified)
                    .map(WebhookReceiver.Received::webhookId).distinct()).as("the replay carries the same webhook-id").hasSize(1);
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type LIKE 'hub.%'")).as("a replay raises nothing").isEqualTo(1);
        }
    }

    @Test
    void gone_disables_the_subscription_visibly_and_retry_after_is_honoured() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 1, "subscriptions:\n" + subscription("gone", "/gone", "[\"product.*\"]")
                     + subscription("busy", "/busy", "[\"product.*\"]"), "hub.distru.streams", "products").start()) {
            receiver.always("/gone", Answer.status(410));
            receiver.script("/busy", new Answer(429, "2", null, 0));
            assertThat(h.sync().ok()).isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(firstStatus(h, "busy"))
                    && h.count("SELECT count(*) FROM hub.webhook_subscriptions WHERE id = 'gone' AND disabled_at IS NOT NULL") == 1);
            List<WebhookReceiver.Received> busy = receiver.received("/busy");
            assertThat(busy).hasSize(2);
            assertThat(busy.get(1).receivedAtMillis() - busy.get(0).receivedAtMillis()).as("Retry-After: 2 (schedule says 150 ms)")
                    .isGreaterThanOrEqualTo(1900);

            assertThat(service(h).list()).filteredOn(r -> r.get("id").equals("gone")).singleElement()
                    .satisfies(r -> assertThat((String) r.get("state")).startsWith("DISABLED").contains("410"));
            assertThat(h.rows("SELECT type, payload FROM hub.outbox WHERE type LIKE 'hub.%'")).singleElement().satisfies(r -> {
                assertThat(r).containsEntry("type", "hub.webhook.endpoint_disabled");
                assertThat((String) r.get("payload")).contains("\"subscription\":\"gone\"").contains("410 Gone");
            });
            h.sandbox.touch(SandboxCollection.PRODUCTS, 0);
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(service(h).awaitSettled(Duration.ofSeconds(10))).isTrue();
            assertThat(receiver.received("/gone")).as("nothing more goes to a disabled subscription").hasSize(1);

            // re-enabled: the waiting delivery goes out (the receiver is back)
            receiver.always("/gone", null);
            assertThat(service(h).enable("gone")).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/gone").size() == 2);
        }
    }

    @Test
    void a_subscription_failing_continuously_for_the_configured_time_is_disabled_with_a_visible_reason() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 1, "subscriptions:\n" + subscription("broken", "/broken", "[\"*\"]"),
                     "hub.distru.streams", "products", "hub.webhooks.disable-after", "1s",
                     "hub.webhooks.retry-schedule", "300ms,300ms,300ms,300ms,300ms,300ms,300ms").start()) {
            receiver.always("/broken", Answer.status(500));
            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> h.count("SELECT count(*) FROM hub.webhook_subscriptions "
                    + "WHERE id = 'broken' AND disabled_at IS NOT NULL") == 1);
            assertThat(service(h).list()).singleElement().satisfies(r -> assertThat((String) r.get("state"))
                    .startsWith("DISABLED").contains("failing continuously since"));
            assertThat(firstStatus(h, "broken")).as("waiting for the subscription, not dead").isEqualTo("PENDING");
            int sent = receiver.received("/broken").size();
            assertThat(sent).isBetween(2, 7);
            assertThat(service(h).awaitSettled(Duration.ofSeconds(5))).isTrue();
            assertThat(receiver.received("/broken")).hasSize(sent);
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'hub.webhook.endpoint_disabled'")).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM hub.webhook_deliveries WHERE event_type LIKE 'hub.%'"))
                    .as("\"*\" subscribes to the data; operational events only where a pattern names hub.*").isZero();
        }
    }

    @Test
    void an_answer_slower_than_the_timeout_is_a_failed_attempt_and_the_retry_delivers() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 1, "subscriptions:\n" + subscription("slow", "/slow", "[\"*\"]"),
                     "hub.distru.streams", "products", "hub.webhooks.timeout-ms", "500").start()) {
            receiver.script("/slow", new Answer(200, null, null, 1500));
            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(15)).until(() -> "DELIVERED".equals(firstStatus(h, "slow")));
            List<Map<String, Object>> attempts = h.rows("SELECT outcome, error FROM hub.webhook_attempts ORDER BY id");
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0)).containsEntry("outcome", "FAILED");
            assertThat((String) attempts.get(0).get("error")).containsIgnoringCase("timeout");
            assertThat(attempts.get(1)).containsEntry("outcome", "DELIVERED");
        }
    }

    @Test
    void events_of_one_aggregate_arrive_in_order_while_an_earlier_one_is_being_retried() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 1, "subscriptions:\n" + subscription("ordered", "/ordered", "[\"product.*\"]"),
                     "hub.distru.streams", "products", "hub.webhooks.retry-schedule", "400ms,400ms,400ms,400ms,400ms,400ms,400ms").start()) {
            receiver.script("/ordered", Answer.status(500), Answer.status(500), Answer.status(500));
            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/ordered").size() >= 1);
            h.sandbox.touch(SandboxCollection.PRODUCTS, 0);
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).isEqualTo(2);

            await().atMost(Duration.ofSeconds(20)).until(() -> h.count("SELECT count(*) FROM hub.webhook_deliveries WHERE status = 'DELIVERED'") == 2);
            List<String> types = receiver.received("/ordered").stream().map(WebhookDeliveryTest::type).toList();
            assertThat(types).containsExactly("product.created", "product.created", "product.created", "product.created", "product.updated");
        }
    }

    @Test
    void low_stock_fires_once_when_stock_crosses_below_its_threshold_not_again_while_still_low() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 3, "subscriptions:\n" + subscription("erp", "/erp", "[\"inventory.low_stock\"]")
                     + "low_stock:\n  threshold: 1000000000\n", "hub.distru.streams", "products,inventory").start()) {
            assertThat(h.sync().ok()).isTrue();
            long stocked = h.count("SELECT count(DISTINCT product_source_id) FROM reporting.stock_levels s JOIN reporting.products p "
                    + "ON p.source_id = s.product_source_id");
            assertThat(stocked).isPositive();
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'inventory.low_stock'")).isEqualTo(stocked);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/erp").size() == stocked);
            JsonNode data = JSON.readTree(receiver.received("/erp").get(0).body()).path("data");
            assertThat(data.path("threshold").path("amount").asText()).isEqualTo("1000000000");
            assertThat(data.path("available").path("unit").asText()).isNotEmpty();

            // the stock changes but stays low: no second event
            for (int i = 0; i < 3; i++) {
                h.sandbox.touch(SandboxCollection.INVENTORY, i);
            }
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'inventory.updated' AND seq > (SELECT min(seq) FROM hub.outbox)"))
                    .as("the stock did change").isPositive();
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'inventory.low_stock'")).isEqualTo(stocked);
        }
    }

    @Test
    void a_url_resolving_to_loopback_is_refused_unless_allowed_and_a_redirect_is_not_followed() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 1, "subscriptions:\n"
                     + "  - id: internal\n    url: https://localhost:" + receiver.baseUri().getPort() + "/internal\n    secret: " + SECRET
                     + "\n    events: [\"*\"]\n" + subscription("moved", "/moved", "[\"*\"]"),
                     "hub.distru.streams", "products").start()) {
            // 'moved' is on an allowed host; 'internal' uses https on localhost, allowed only for http hosts listed...
            h.stopHub();
            h.set("hub.webhooks.allowed-private-hosts", "127.0.0.2");
            h.start();
            receiver.always("/moved", new Answer(302, null, receiver.url("/target"), 0));
            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> h.count("SELECT count(*) FROM hub.webhook_attempts a JOIN hub.webhook_deliveries d "
                    + "ON d.id = a.delivery_id WHERE d.subscription_id = 'internal'") >= 1);
            Map<String, Object> refused = h.rows("SELECT a.* FROM hub.webhook_attempts a JOIN hub.webhook_deliveries d ON d.id = a.delivery_id "
                    + "WHERE d.subscription_id = 'internal' ORDER BY a.id").get(0);
            assertThat(refused).containsEntry("outcome", "REFUSED");
            assertThat((String) refused.get("error")).contains("127.0.0.1").contains("hub.webhooks.allowed-private-hosts");
            assertThat(receiver.received("/internal")).as("nothing was sent").isEmpty();
            assertThat(receiver.received("/moved")).as("http to a host not allowed is refused too").isEmpty();
        }
        // allowed: the redirect is answered, not followed
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 1, "subscriptions:\n" + subscription("moved", "/moved", "[\"*\"]"),
                     "hub.distru.streams", "products").start()) {
            receiver.always("/moved", new Answer(302, null, receiver.url("/target"), 0));
            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/moved").size() >= 2);
            assertThat(receiver.received("/target")).isEmpty();
            assertThat(h.rows("SELECT http_status, outcome FROM hub.webhook_attempts ORDER BY id").get(0))
                    .containsEntry("http_status", 302).containsEntry("outcome", "FAILED");
        }
    }

    @Test
    void during_a_rotation_old_and_new_secret_both_sign_and_no_secret_is_stored_in_plain_text() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 1, "subscriptions:\n" + subscription("erp", "/erp", "[\"product.*\"]"),
                     "hub.distru.streams", "products").start()) {
            String rotated = service(h).rotateSecret("erp", Duration.ofHours(24));
            assertThat(rotated).startsWith("whsec_").isNotEqualTo(SECRET);
            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.eventsAccepted() == 1);
            WebhookReceiver.Received r = receiver.received("/erp").get(0);
            assertThat(r.signature().split(" ")).as("both secrets sign").hasSize(2);
            new Webhook(SECRET).verify(r.bodyText(), headers(r));
            new Webhook(rotated).verify(r.bodyText(), headers(r));
            assertThat(r.signature256()).as("X-Signature-256 keeps the receiver's secret until the rotation completes")
                    .isEqualTo("sha256=" + hmacHex(SECRET.getBytes(StandardCharsets.UTF_8), r.body()));

            for (String secret : List.of(SECRET, rotated)) {
                String key = secret.substring("whsec_".length());
                assertThat(h.count("SELECT count(*) FROM hub.webhook_secrets WHERE position(convert_to(?, 'UTF8') IN encrypted) > 0 "
                        + "OR position(convert_to(?, 'UTF8') IN encrypted) > 0", secret, key)).isZero();
                assertThat(h.count("SELECT count(*) FROM hub.webhook_subscriptions s WHERE s::text LIKE '%' || ? || '%'", key)).isZero();
            }
        }
    }

    static String type(WebhookReceiver.Received r) {
        try {
            return JSON.readTree(r.body()).path("type").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, List<String>> headers(WebhookReceiver.Received r) {
        return Map.of("webhook-id", List.of(r.webhookId()), "webhook-timestamp", List.of(r.timestamp()),
                "webhook-signature", List.of(r.signature()));
    }

    static String hmacHex(byte[] key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    static Set<String> ids(List<WebhookReceiver.Received> received) {
        return received.stream().map(WebhookReceiver.Received::webhookId).collect(Collectors.toSet());
    }
}
