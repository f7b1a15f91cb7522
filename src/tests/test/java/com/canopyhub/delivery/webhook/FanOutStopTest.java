package com.canopyhub.delivery.webhook;

import static com.canopyhub.delivery.webhook.WebhookTesting.harness;
import static com.canopyhub.delivery.webhook.WebhookTesting.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.webhook.WebhookReceiver;
import com.canopyhub.testing.HubHarness;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A hub stopping with a bulk load's events still to fan out (millions after a large initial load) stops after the
 * batch in hand, not after the whole backlog: the rest is fanned out by the next round, here or on another node.
 */
class FanOutStopTest {

    @Test
    void a_stopping_hub_fans_out_one_batch_and_leaves_the_rest_for_the_next_round() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(WebhookTesting.SECRET);
             // orders only: the fan-out takes every event, none becomes a delivery (nothing is sent)
             HubHarness h = harness(receiver, 1, "subscriptions:\n" + subscription("orders", "/orders", "[\"order.*\"]"),
                     "hub.webhooks.poll-interval-ms", "3600000").start()) {
            WebhookDispatcher dispatcher = h.hub().bean("webhookDispatcher", WebhookDispatcher.class);
            dispatcher.stopWhen(() -> true); // as if the hub were stopping, before any round can see the backlog
            h.execute("INSERT INTO hub.outbox (id, aggregate_type, aggregate_id, type, payload, source_system, stream) "
                    + "SELECT 'evt_' || g, 'product', gen_random_uuid(), 'product.updated', '{}', 'test', 'products' "
                    + "FROM generate_series(1, 12000) g");
            AtomicInteger round = new AtomicInteger();
            // a round the hub's own timer started may hold the fan-out lock (this call then takes nothing): ask again
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                round.set(dispatcher.fanOut());
                return round.get() > 0;
            });
            assertThat(round.get()).as("one batch, not the 12,000 events").isEqualTo(5000);

            dispatcher.stopWhen(() -> false);
            AtomicInteger rest = new AtomicInteger();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                rest.addAndGet(dispatcher.fanOut());
                return h.count("SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.WEBHOOKS.unread("o")) == 0;
            });
            assertThat(receiver.received("/orders")).isEmpty();
        }
    }
}
