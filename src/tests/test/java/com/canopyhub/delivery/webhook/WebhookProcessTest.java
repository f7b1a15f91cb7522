package com.canopyhub.delivery.webhook;

import static com.canopyhub.delivery.webhook.WebhookTesting.SECRET;
import static com.canopyhub.delivery.webhook.WebhookTesting.harness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.webhook.WebhookReceiver;
import com.canopyhub.sandbox.webhook.WebhookReceiver.Answer;
import com.canopyhub.testing.HubHarness;
import com.canopyhub.testing.HubProcess;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery across real processes: killed with SIGKILL mid-pass and between attempts, and two hub processes
 * dispatching from one database.
 */
class WebhookProcessTest {

    private static final String YAML = "subscriptions:\n  - id: hook\n    url: RECEIVER/hook\n    secret: " + SECRET
            + "\n    events: [\"*\"]\n    max_in_flight: 4\n";

    private static Map<String, String> env(HubHarness h, String... extra) {
        Map<String, String> settings = new LinkedHashMap<>(h.overrides());
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return HubProcess.environmentOf(settings);
    }

    @Test
    void a_hub_killed_mid_pass_and_between_attempts_delivers_every_event_after_restart_twice_only_after_an_unknown_outcome()
            throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 2000, YAML, "hub.distru.streams", "orders", "hub.distru.read-timeout-ms", "60000")) {
            receiver.always("/hook", new Answer(200, null, null, 5));
            // some deliveries fail first, so the kill also finds events waiting between attempts
            receiver.script("/hook", Answer.status(500), Answer.status(500), Answer.status(500), Answer.status(500));
            CountDownLatch killed = new CountDownLatch(1);
            AtomicBoolean held = new AtomicBoolean();
            h.sandbox.onPageRequested((collection, page) -> {
                // orders come 500 a page: the first pages are committed (their events on their way) when this one waits
                if (collection.equals("orders") && page == 2 && held.compareAndSet(false, true)) {
                    try {
                        killed.await(60, TimeUnit.SECONDS); // the pass stays mid-way until the process is killed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            HubProcess first = HubProcess.start(env(h), "sync", "--once");
            await().atMost(Duration.ofSeconds(60)).until(() -> held.get() && receiver.received("/hook").size() >= 50);
            first.process.destroyForcibly(); // SIGKILL: no shutdown of any kind
            assertThat(first.waitFor(Duration.ofSeconds(30))).isTrue();
            killed.countDown();
            assertThat(h.count("SELECT count(*) FROM reporting.orders")).as("the pass was cut short").isLessThan(2000);

            HubProcess second = HubProcess.start(env(h), "sync", "--once");
            assertThat(second.waitFor(Duration.ofSeconds(120))).as(second.output()).isTrue();
            assertThat(second.process.exitValue()).as(second.output()).isZero();

            assertThat(h.count("SELECT count(*) FROM reporting.orders")).isEqualTo(2000);
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'order.created'"))
                    .as("one event per record: none lost with the killed page, none doubled").isEqualTo(2000);
            assertEveryEventAcceptedAndDuplicatesOnlyAfterUnknownOutcomes(h, receiver, second.output());
        }
    }

    @Test
    void two_hub_processes_dispatching_from_one_database_deliver_each_attempt_once() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 400, YAML, "hub.distru.streams", "products", "hub.webhooks.enabled", "false")) {
            receiver.always("/hook", new Answer(200, null, null, 20));
            Map<String, String> env = env(h, "hub.webhooks.enabled", "true", "hub.schedule.enabled", "false");
            HubProcess a = HubProcess.start(env, "run");
            HubProcess b = HubProcess.start(env, "run");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> a.output().contains("Canopy Hub running")
                        && b.output().contains("Canopy Hub running"));
                h.start(); // this hub only syncs (its webhooks are off): the two processes deliver
                assertThat(h.sync().ok()).isTrue();
                long events = h.count("SELECT count(*) FROM hub.outbox");
                assertThat(events).isEqualTo(400);
                await().atMost(Duration.ofSeconds(90)).until(() -> receiver.eventsAccepted() == events);

                assertThat(receiver.received("/hook")).as("each event sent once, by one of the two").hasSize((int) events);
                assertThat(h.count("SELECT count(*) FROM hub.webhook_attempts")).isEqualTo(events);
                assertThat(h.count("SELECT count(*) FROM hub.webhook_deliveries WHERE attempts <> 1 OR status <> 'DELIVERED'")).isZero();
                assertThat(h.count("SELECT count(DISTINCT node) FROM hub.webhook_attempts")).as("both nodes took a share").isEqualTo(2);
            } finally {
                a.terminate();
                b.terminate();
                a.waitFor(Duration.ofSeconds(60));
                b.waitFor(Duration.ofSeconds(60));
            }
        }
    }

    @Test
    void the_webhooks_verbs_test_a_subscription_rotate_its_secret_showing_it_once_and_list_the_state() throws Exception {
        String yaml = YAML + "  - id: gen\n    url: RECEIVER/gen\n    events: [\"order.*\"]\n";
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = harness(receiver, 1, yaml, "hub.distru.streams", "products")) {
            HubProcess test = HubProcess.start(env(h), "webhooks", "test", "--subscription", "hook");
            assertThat(test.waitFor(Duration.ofSeconds(60))).isTrue();
            assertThat(test.process.exitValue()).as(test.output()).isZero();
            assertThat(test.output()).containsPattern("delivery \\d+ to 'hook': DELIVERED \\(HTTP 200\\)");
            assertThat(receiver.received("/hook")).singleElement().satisfies(r -> {
                assertThat(r.verified()).isTrue();
                assertThat(WebhookDeliveryTest.type(r)).isEqualTo("webhook.test");
            });
            // a subscription without a secret got one, shown once on the console and never logged
            java.util.regex.Matcher generated = java.util.regex.Pattern.compile("'gen': generated signing secret (whsec_\\S+)")
                    .matcher(test.output());
            assertThat(generated.find()).as(test.output()).isTrue();
            assertThat(SigningSecrets.problem(generated.group(1))).isNull();

            HubProcess rotate = HubProcess.start(env(h), "webhooks", "rotate-secret", "hook");
            assertThat(rotate.waitFor(Duration.ofSeconds(60))).isTrue();
            assertThat(rotate.process.exitValue()).as(rotate.output()).isZero();
            java.util.regex.Matcher printed = java.util.regex.Pattern.compile("(?m)^(whsec_\\S+)$").matcher(rotate.output());
            assertThat(printed.find()).as(rotate.output()).isTrue();
            String secret = printed.group(1);
            assertThat(rotate.output().split(java.util.regex.Pattern.quote(secret), -1)).as("shown once").hasSize(2);
            assertThat(rotate.output()).doesNotContain("generated signing secret");

            HubProcess list = HubProcess.start(env(h), "webhooks", "list");
            assertThat(list.waitFor(Duration.ofSeconds(60))).isTrue();
            assertThat(list.output()).containsPattern("hook\\s+http://localhost:\\d+/hook\\s+\\*\\s+ok\\s+2\\s+1\\s+0\\s+0")
                    .doesNotContain(secret).doesNotContain(SECRET);
        }
    }

    private static void assertEveryEventAcceptedAndDuplicatesOnlyAfterUnknownOutcomes(HubHarness h, WebhookReceiver receiver,
                                                                                    String restartOutput) throws Exception {
        Set<String> events = h.rows("SELECT id FROM hub.outbox").stream().map(r -> (String) r.get("id")).collect(Collectors.toSet());
        Map<String, Long> accepted = receiver.received("/hook").stream().filter(WebhookReceiver.Received::accepted)
                .collect(Collectors.groupingBy(WebhookReceiver.Received::webhookId, Collectors.counting()));
        Set<String> missing = new TreeSet<>(events);
        missing.removeAll(accepted.keySet());
        if (!missing.isEmpty()) {
            // what the failure needs to be understood: where the lost events sit in the outbox, and the readers' state
            Object ids = missing.toArray(new String[0]);
            assertThat(missing).as("events never accepted: outbox seqs by run %s, their deliveries %s, readers %s; the restarted hub printed:%n%s",
                    h.rows("SELECT sync_run_id, array_agg(seq ORDER BY seq) AS seqs FROM hub.outbox WHERE id = ANY(?) GROUP BY 1", ids),
                    h.rows("SELECT event_id, status, attempts FROM hub.webhook_deliveries WHERE event_id = ANY(?)", ids),
                    h.rows("SELECT * FROM hub.outbox_readers"), restartOutput).isEmpty();
        }
        assertThat(accepted.keySet()).as("nothing accepted that is not an event").isEqualTo(events);
        Set<String> unknown = new HashSet<>(h.rows("SELECT DISTINCT d.event_id FROM hub.webhook_attempts a JOIN hub.webhook_deliveries d "
                + "ON d.id = a.delivery_id WHERE a.outcome = 'UNKNOWN'").stream().map(r -> (String) r.get("event_id")).toList());
        List<String> twice = accepted.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertThat(unknown).as("only an attempt whose outcome was not recorded is made again").containsAll(twice);
        assertThat(h.count("SELECT count(*) FROM hub.webhook_deliveries WHERE status <> 'DELIVERED'")).isZero();
    }

}
