package com.canopyhub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.webhook.WebhookReceiver;
import com.canopyhub.testing.HubHarness;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Traces with OpenTelemetry's in-memory exporter: one trace per page, and the deliveries its events caused linked to it. */
class TracesTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void a_page_is_one_trace_from_the_upstream_request_to_its_transaction_and_each_webhook_attempt_links_to_it() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = new HubHarness(DistruSandbox.Options.defaults(3), "hub.distru.streams", "products")) {
            Path dir = Files.createTempDirectory("traces");
            Files.writeString(dir.resolve("webhooks.yaml"), "subscriptions:\n  - id: hook\n    url: " + receiver.baseUri()
                    + "/hook\n    secret: " + SECRET + "\n    events: [\"product.*\"]\n");
            h.set("hub.webhooks.file", dir.resolve("webhooks.yaml").toString()).set("hub.webhooks.secret-key-file", dir.resolve("key").toString())
                    .set("hub.webhooks.allowed-private-hosts", "localhost").set("hub.webhooks.poll-interval-ms", "100")
                    .set("hub.webhooks.sandbox-receiver", "false")
                    .withBean(Tracing.PROCESSOR_BEAN, SimpleSpanProcessor.create(spans)).start();
            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/hook").size() == 3);
            await().atMost(Duration.ofSeconds(20)).until(() -> named(spans, "webhook attempt").size() == 3);

            SpanData page = named(spans, "page distru/products").stream().filter(s -> !s.getParentSpanContext().isValid())
                    .findFirst().orElseThrow();
            assertThat(page.getAttributes().asMap().toString()).contains("canopyhub.source=distru").contains("canopyhub.stream=products");
            List<SpanData> steps = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(page.getTraceId()) && s.getParentSpanId().equals(page.getSpanId())).toList();
            assertThat(steps).extracting(SpanData::getName).containsExactlyInAnyOrder("upstream request", "map and compare",
                    "handed to the writer", "database transaction");
            // the route's steps end within the page; its transaction may end after it (written behind, on the writer's thread)
            assertThat(steps).filteredOn(s -> !s.getName().equals("database transaction"))
                    .allSatisfy(s -> assertThat(s.getEndEpochNanos()).isLessThanOrEqualTo(page.getEndEpochNanos()));

            String traceParent = "00-" + page.getTraceId() + "-" + page.getSpanId() + "-" + page.getSpanContext().getTraceFlags().asHex();
            assertThat(h.rows("SELECT DISTINCT trace_parent FROM hub.outbox")).as("the events the page's transaction wrote carry it")
                    .singleElement().satisfies(r -> assertThat(r.get("trace_parent")).isEqualTo(traceParent));
            assertThat(named(spans, "webhook attempt")).allSatisfy(attempt -> {
                assertThat(attempt.getTraceId()).as("a delivery is a trace of its own").isNotEqualTo(page.getTraceId());
                assertThat(attempt.getLinks()).singleElement().satisfies(link -> {
                    assertThat(link.getSpanContext().getTraceId()).isEqualTo(page.getTraceId());
                    assertThat(link.getSpanContext().getSpanId()).isEqualTo(page.getSpanId());
                });
                assertThat(attempt.getAttributes().asMap().toString()).contains("canopyhub.outcome=DELIVERED");
            });
            // a second pass reads a page that changes nothing: a trace of its own, no event, no attempt
            assertThat(h.sync().ok()).isTrue();
            assertThat(named(spans, "page distru/products").stream().filter(s -> !s.getParentSpanContext().isValid())
                    .map(SpanData::getTraceId).distinct()).hasSize(2);
            assertThat(named(spans, "webhook attempt")).hasSize(3);
        }
    }

    private static List<SpanData> named(InMemorySpanExporter spans, String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }
}
