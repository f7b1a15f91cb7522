package com.canopyhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.delivery.kafka.EmbeddedKafka;
import com.canopyhub.delivery.kafka.KafkaFeed;
import com.canopyhub.testing.HubHarness;
import com.canopyhub.testing.HubProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Two hub processes on one PostgreSQL, schedules in Quartz's clustered JDBC store: each scheduled sync runs once per
 * period across both; killed, one node's schedules go on at the other; the Kafka feed sends each event once.
 */
class ClusterModeTest {

    private static final int PERIOD_SECONDS = 2;

    @Test
    void two_nodes_share_each_schedule_once_per_period_and_one_survives_the_other() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka();
             HubHarness h = new HubHarness(DistruSandbox.Options.defaults(5), "hub.distru.streams", "products",
                     "hub.schedule.enabled", "true", "hub.schedule.store", "jdbc", "hub.schedule.cluster-checkin-interval-ms", "1000",
                     "hub.distru.schedule", "0/" + PERIOD_SECONDS + " * * * * ?", "hub.webhooks.enabled", "false",
                     "hub.webhooks.sandbox-receiver", "false", "hub.kafka.bootstrap-servers", kafka.bootstrapServers(),
                     "hub.kafka.topic-prefix", "cluster", "hub.kafka.poll-interval-ms", "200")) {
            Map<String, String> env = HubProcess.environmentOf(h.overrides());
            HubProcess a = HubProcess.start(env, "run");
            HubProcess b = HubProcess.start(env, "run");
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> scheduled(h) >= 6);
                a.process.destroyForcibly(); // SIGKILL: its Quartz instance stops checking in
                a.process.waitFor();
                long atKill = scheduled(h);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> scheduled(h) >= atKill + 4);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> h.count("SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.KAFKA.unread("o")) == 0);
            } catch (AssertionError | RuntimeException e) {
                System.out.println("node a:\n" + a.output() + "\nnode b:\n" + b.output());
                throw e;
            } finally {
                a.process.destroyForcibly();
                b.terminate();
                b.waitFor(Duration.ofSeconds(60));
            }

            List<Map<String, Object>> runs = h.rows("SELECT scheduled_for, status, pid FROM hub.sync_runs "
                    + "WHERE trigger = 'schedule' AND stream = 'products' ORDER BY started_at");
            assertThat(runs).as("no firing ran twice at once (the loser would be SKIPPED)")
                    .allSatisfy(r -> assertThat(r.get("status")).isEqualTo("SUCCEEDED"));
            assertThat(runs.stream().map(r -> r.get("pid")).distinct().count()).as("the survivor ran some").isGreaterThanOrEqualTo(1);
            // the invariant itself, free of wall-clock gaps: each of the schedule's fire times ran once, on one node
            assertThat(runs).extracting(r -> r.get("scheduled_for")).doesNotContainNull().doesNotHaveDuplicates();

            // the feed: each event published once by the two nodes (nobody was killed mid-round here)
            List<ConsumerRecord<String, String>> messages = kafka.readAll(List.of(KafkaFeed.topic("cluster", "product")));
            assertThat(messages.stream().map(m -> new String(m.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8)))
                    .containsExactlyInAnyOrderElementsOf(h.rows("SELECT id FROM hub.outbox").stream().map(r -> (String) r.get("id")).toList());
        }
    }

    private static long scheduled(HubHarness h) throws Exception {
        return h.count("SELECT count(*) FROM hub.sync_runs WHERE trigger = 'schedule' AND stream = 'products' AND status = 'SUCCEEDED'");
    }
}
