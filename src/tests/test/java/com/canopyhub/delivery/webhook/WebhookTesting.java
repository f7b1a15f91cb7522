package com.canopyhub.delivery.webhook;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.webhook.WebhookReceiver;
import com.canopyhub.testing.HubHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A hub harness whose webhooks go to a test receiver, with a compressed retry schedule. */
final class WebhookTesting {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /** 8 attempts, 150 ms apart. */
    static final String FAST_SCHEDULE = "150ms,150ms,150ms,150ms,150ms,150ms,150ms";

    private WebhookTesting() {
    }

    /**
     * @param yaml config/webhooks.yaml's text; {@code RECEIVER} stands for the receiver's base URL
     */
    static HubHarness harness(WebhookReceiver receiver, int records, String yaml, String... overrides) throws Exception {
        Path dir = Files.createTempDirectory("webhooks");
        Path file = dir.resolve("webhooks.yaml");
        Files.writeString(file, yaml.replace("RECEIVER", receiver.baseUri().toString()));
        HubHarness h = new HubHarness(DistruSandbox.Options.defaults(records), overrides);
        h.set("hub.webhooks.file", file.toString())
                .set("hub.webhooks.secret-key-file", dir.resolve("key").toString())
                .set("hub.webhooks.allowed-private-hosts", "localhost")
                .set("hub.webhooks.retry-schedule", FAST_SCHEDULE)
                .set("hub.webhooks.poll-interval-ms", "100")
                .set("hub.webhooks.timeout-ms", "2000")
                .set("hub.webhooks.sandbox-receiver", "false");
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            h.set(overrides[i], overrides[i + 1]);
        }
        return h;
    }

    static String subscription(String id, String path, String events) {
        return "  - id: " + id + "\n    url: RECEIVER" + path + "\n    secret: " + SECRET + "\n    events: " + events + "\n";
    }

    static WebhookService service(HubHarness h) {
        return h.hub().bean("webhookService", WebhookService.class);
    }

    /** The status of a subscription's first delivery, null before there is one. */
    static String firstStatus(HubHarness h, String subscription) throws Exception {
        List<Map<String, Object>> d = deliveries(h, subscription);
        return d.isEmpty() ? null : (String) d.get(0).get("status");
    }

    static List<Map<String, Object>> deliveries(HubHarness h, String subscription) throws Exception {
        return h.rows("SELECT * FROM hub.webhook_deliveries WHERE subscription_id = ? ORDER BY event_seq", subscription);
    }
}
