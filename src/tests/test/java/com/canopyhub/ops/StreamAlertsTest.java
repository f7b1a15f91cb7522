package com.canopyhub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.webhook.WebhookReceiver;
import com.canopyhub.testing.HubHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

/** Alerts as events (docs/operations.md): once per change of state, through the outbox, to the subscriptions that name them. */
class StreamAlertsTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void a_stale_stream_raises_one_stale_and_one_recovered_and_failures_raise_one_failed_delivered_only_where_hub_events_are_named()
            throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = new HubHarness(DistruSandbox.Options.defaults(3), "hub.distru.streams", "products",
                     "hub.alerts.stale-after", "1s", "hub.alerts.check-interval", "100ms", "hub.alerts.failed-after", "2")) {
            Path dir = Files.createTempDirectory("alerts");
            Files.writeString(dir.resolve("webhooks.yaml"), "subscriptions:\n"
                    + "  - id: data\n    url: " + receiver.baseUri() + "/data\n    secret: " + SECRET + "\n    events: [\"*\"]\n"
                    + "  - id: ops\n    url: " + receiver.baseUri() + "/ops\n    secret: " + SECRET + "\n    events: [\"hub.*\"]\n");
            h.set("hub.webhooks.file", dir.resolve("webhooks.yaml").toString()).set("hub.webhooks.secret-key-file", dir.resolve("key").toString())
                    .set("hub.webhooks.allowed-private-hosts", "localhost").set("hub.webhooks.poll-interval-ms", "100")
                    .set("hub.webhooks.sandbox-receiver", "false").start();

            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> alerts(h, "hub.stream.stale") == 1);
            // more checks find it still stale: nothing more
            NotifyBuilder checks = new NotifyBuilder(h.hub().context()).fromRoute("alerts-staleness").whenCompleted(5).create();
            assertThat(checks.matches(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(alerts(h, "hub.stream.stale")).as("once per change of state").isEqualTo(1);
            assertThat(h.rows("SELECT payload, source_system, stream FROM hub.outbox WHERE type = 'hub.stream.stale'")).singleElement()
                    .satisfies(r -> {
                        assertThat((String) r.get("payload")).contains("\"subject\":\"stream:distru/products/\"").contains("\"stale_after\":\"PT1S\"");
                        assertThat(r).containsEntry("source_system", "distru").containsEntry("stream", "products");
                    });

            assertThat(h.sync().ok()).isTrue();
            assertThat(alerts(h, "hub.stream.recovered")).as("the success recovers it at once").isEqualTo(1);

            // two failures in a row (failed-after 2): one failed, however many more follow; then one recovery
            h.sandbox.inject(Fault.status(401));
            assertThat(h.sync().ok()).isFalse();
            assertThat(alerts(h, "hub.stream.failed")).as("one failure is not yet an alert").isZero();
            for (int i = 0; i < 2; i++) {
                h.sandbox.inject(Fault.status(401));
                assertThat(h.sync().ok()).isFalse();
            }
            assertThat(alerts(h, "hub.stream.failed")).isEqualTo(1);
            assertThat(h.rows("SELECT payload FROM hub.outbox WHERE type = 'hub.stream.failed'")).singleElement()
                    .satisfies(r -> assertThat((String) r.get("payload")).contains("\"consecutive_failures\":2").contains("401"));
            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> alerts(h, "hub.stream.recovered") >= 2);

            List<String> types = List.of("hub.stream.stale", "hub.stream.failed", "hub.stream.recovered");
            long alerts = h.count("SELECT count(*) FROM hub.outbox WHERE type LIKE 'hub.%'");
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/ops").size() == alerts);
            assertThat(receiver.received("/ops")).allSatisfy(r -> assertThat(r.verified()).isTrue());
            assertThat(h.count("SELECT count(*) FROM hub.webhook_deliveries WHERE subscription_id = 'data' AND event_type LIKE 'hub.%'"))
                    .as("\"*\" is the data; operational events go where hub.* is named").isZero();
            assertThat(h.count("SELECT count(DISTINCT type) FROM hub.outbox WHERE type LIKE 'hub.%'")).isEqualTo(types.size());
        }
    }

    private static long alerts(HubHarness h, String type) throws Exception {
        return h.count("SELECT count(*) FROM hub.outbox WHERE type = ?", type);
    }
}
