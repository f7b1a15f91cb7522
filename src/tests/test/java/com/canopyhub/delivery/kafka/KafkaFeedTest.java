package com.canopyhub.delivery.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.testing.HubHarness;
import com.canopyhub.testing.HubProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The normalized feed on a real Kafka broker (KRaft, in-process), from a real hub on real PostgreSQL. */
class KafkaFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = new EmbeddedKafka();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    private static HubHarness harness(String prefix, int records) throws Exception {
        return new HubHarness(DistruSandbox.Options.defaults(records), "hub.distru.streams", "products,packages,inventory",
                "hub.webhooks.enabled", "false", "hub.webhooks.sandbox-receiver", "false",
                "hub.kafka.bootstrap-servers", kafka.bootstrapServers(), "hub.kafka.topic-prefix", prefix,
                "hub.kafka.poll-interval-ms", "100");
    }

    private static List<String> topics(String prefix) {
        return KafkaFeed.TYPES.stream().map(t -> KafkaFeed.topic(prefix, t)).toList();
    }

    private static void awaitPublished(HubHarness h) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> h.count("SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.KAFKA.unread("o")) == 0);
    }

    @Test
    void a_sync_publishes_one_message_per_change_keyed_by_canonical_id_in_the_documented_envelope_and_a_no_op_sync_nothing()
            throws Exception {
        // traces on (a span processor of the test's own), so events carry their page's traceparent to the consumer
        try (HubHarness h = harness("t1", 5).withBean(com.canopyhub.ops.Tracing.PROCESSOR_BEAN,
                io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create())).start()) {
            assertThat(h.sync().ok()).isTrue();
            awaitPublished(h);
            List<Map<String, Object>> outbox = h.rows("SELECT seq, id, aggregate_type, aggregate_id::text AS aggregate_id, type, payload, "
                    + "trace_parent FROM hub.outbox ORDER BY seq");
            assertThat(outbox).hasSize(15);
            List<ConsumerRecord<String, String>> messages = kafka.readAll(topics("t1"));
            assertThat(messages).hasSize(outbox.size());
            Map<String, Map<String, Object>> byId = outbox.stream().collect(Collectors.toMap(r -> (String) r.get("id"), r -> r));
            Map<String, Long> lastSeqOfKey = new HashMap<>();
            for (ConsumerRecord<String, String> m : messages) {
                String eventId = new String(m.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8);
                Map<String, Object> event = byId.get(eventId);
                assertThat(event).as("a message per outbox event").isNotNull();
                assertThat(m.topic()).isEqualTo(KafkaFeed.topic("t1", (String) event.get("aggregate_type")));
                assertThat(m.key()).isEqualTo(event.get("aggregate_id"));
                JsonNode value = JSON.readTree(m.value());
                assertThat(value.path("id").asText()).isEqualTo(eventId);
                assertThat(value.path("type").asText()).isEqualTo(event.get("type"));
                assertThat(value.path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
                assertThat(value.path("data")).isEqualTo(JSON.readTree((String) event.get("payload")));
                assertThat(value.path("data").path("schema_version").asText()).isNotEmpty();
                assertThat(value.path("data").path("record").isObject()).isTrue();
                assertThat(new String(m.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                        .as("the trace of the page that wrote it, for the consumer").isEqualTo(event.get("trace_parent"));
                // within a key (one partition), events come in outbox order
                long seq = (Long) event.get("seq");
                assertThat(seq).isGreaterThan(lastSeqOfKey.getOrDefault(m.key(), 0L));
                lastSeqOfKey.put(m.key(), seq);
            }
            assertThat(messages.stream().map(m -> new String(m.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8)).distinct())
                    .as("each event once").hasSize(outbox.size());

            // a change: its events only
            h.sandbox.touch(SandboxCollection.PRODUCTS, 2);
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            awaitPublished(h);
            assertThat(kafka.readAll(topics("t1"))).hasSize(outbox.size() + 1);

            // nothing changed: nothing published
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM hub.outbox")).isEqualTo(outbox.size() + 1);
            awaitPublished(h);
            assertThat(kafka.readAll(topics("t1"))).hasSize(outbox.size() + 1);
        }
    }

    @Test
    void feed_republish_publishes_the_whole_current_state_of_a_type_once() throws Exception {
        try (HubHarness h = harness("t3", 5).start()) {
            assertThat(h.sync().ok()).isTrue();
            h.sandbox.touch(SandboxCollection.PRODUCTS, 1); // product 1 has two events: its current state is the second
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            awaitPublished(h);
            List<String> topic = List.of(KafkaFeed.topic("t3", "product"));
            int before = kafka.readAll(topic).size();
            assertThat(before).isEqualTo(6);

            KafkaFeed feed = h.hub().bean("kafkaFeed", KafkaFeed.class);
            long published = feed.republish(h.hub().context().createProducerTemplate(), "product", null, n -> { });
            assertThat(published).isEqualTo(5);
            List<ConsumerRecord<String, String>> messages = kafka.readAll(topic);
            assertThat(messages).hasSize(before + 5);
            List<String> republished = messages.subList(0, messages.size()).stream()
                    .map(m -> new String(m.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8)).toList();
            List<String> latest = h.rows("SELECT DISTINCT ON (aggregate_id) id FROM hub.outbox WHERE aggregate_type = 'product' "
                    + "ORDER BY aggregate_id, seq DESC").stream().map(r -> (String) r.get("id")).toList();
            for (String id : latest) {
                assertThat(republished.stream().filter(id::equals)).as("the last event of each product: once more").hasSize(2);
            }
            assertThat(feed.republish(h.hub().context().createProducerTemplate(), "product", java.time.Instant.now().plusSeconds(3600), n -> { }))
                    .as("--since after every change: nothing").isZero();
        }
    }

    @Test
    void a_hub_killed_mid_publish_leaves_nothing_unpublished_and_duplicates_only_with_the_same_event_id() throws Exception {
        try (HubHarness h = harness("t2", 1500)) {
            h.set("hub.kafka.batch-size", "50");
            // scheduled syncs every second: the first one's events are published while the process runs
            h.set("hub.schedule.enabled", "true").set("hub.distru.schedule", "* * * * * ?");
            Map<String, String> env = HubProcess.environmentOf(h.overrides());
            HubProcess first = HubProcess.start(env, "run");
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).ignoreExceptions() // until it migrated
                        // published some, and some still waiting (a page committed since): the kill lands mid-publish
                        .until(() -> h.count("SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.KAFKA.read("o")) >= 200
                                && h.count("SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.KAFKA.unread("o")) > 0);
            } finally {
                first.process.destroyForcibly(); // SIGKILL mid-publish: nothing runs on the way out
                first.process.waitFor();
            }
            long total = h.count("SELECT count(*) FROM hub.outbox");
            assertThat(h.count("SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.KAFKA.unread("o"))).as("killed mid-publish (%d events, readers %s)", total, h.rows("SELECT * FROM hub.outbox_readers WHERE reader = 'kafka'")).isPositive();

            HubProcess second = HubProcess.start(env, "run");
            try {
                awaitPublished(h);
            } finally {
                second.terminate();
                second.waitFor(Duration.ofSeconds(60));
            }
            total = h.count("SELECT count(*) FROM hub.outbox");
            List<ConsumerRecord<String, String>> messages = kafka.readAll(topics("t2"));
            Map<String, String> valueOf = new HashMap<>();
            for (ConsumerRecord<String, String> m : messages) {
                String eventId = new String(m.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8);
                String before = valueOf.putIfAbsent(eventId, m.value());
                if (before != null) {
                    assertThat(m.value()).as("a duplicate is the same event").isEqualTo(before);
                }
            }
            assertThat(valueOf.keySet()).as("every event published").containsExactlyInAnyOrderElementsOf(
                    h.rows("SELECT id FROM hub.outbox").stream().map(r -> (String) r.get("id")).toList());
            assertThat(valueOf).hasSize((int) total);
        }
    }
}
