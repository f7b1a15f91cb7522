package com.canopyhub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** GET /metrics (docs/operations.md) against a hub syncing the Distru sandbox into real PostgreSQL. */
class MetricsTest {

    @Test
    void metrics_show_a_passes_exact_counts_the_build_camels_routes_and_freshness_growing_while_the_source_fails() throws Exception {
        int port = freePort();
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(30), "hub.distru.streams", "products,inventory",
                "hub.http.enabled", "true", "hub.http.port", Integer.toString(port)).start()) {
            assertThat(h.sync().ok()).isTrue();
            String text = scrape(port);
            assertThat(value(text, "canopyhub_stream_records_fetched_total", "source", "distru", "stream", "products")).isEqualTo(30);
            assertThat(value(text, "canopyhub_stream_records_changed_total", "source", "distru", "stream", "products")).isEqualTo(30);
            assertThat(value(text, "canopyhub_stream_records_written_total", "source", "distru", "stream", "inventory"))
                    .isEqualTo(h.count("SELECT count(*) FROM reporting.stock_levels"));
            assertThat(value(text, "canopyhub_stream_runs_total", "stream", "products", "outcome", "succeeded")).isEqualTo(1);
            assertThat(value(text, "canopyhub_upstream_requests_total", "source", "distru", "status_class", "2xx"))
                    .isEqualTo(h.sandbox.requestCount());
            assertThat(value(text, "canopyhub_build_info", "version", "0.1.0-SNAPSHOT")).isEqualTo(1);
            assertThat(text).as("Camel's own route metrics, from the same registry").contains("camel_exchanges_total{");
            assertThat(value(text, "canopyhub_outbox_unread", "reader", "kafka")).as("the feed is off: every event unread by it")
                    .isEqualTo(h.count("SELECT count(*) FROM hub.outbox"));
            assertThat(text).doesNotContain(h.sandbox.apiKey());

            assertThat(h.sync().ok()).as("a no-op pass").isTrue();
            String again = scrape(port);
            assertThat(value(again, "canopyhub_stream_records_changed_total", "source", "distru", "stream", "products"))
                    .as("nothing changed the second time").isEqualTo(30);
            assertThat(value(again, "canopyhub_stream_consecutive_failures", "stream", "products")).isZero();

            // the source now refuses the key: each pass fails, and the time since the last success only grows
            h.sandbox.inject(Fault.status(401));
            assertThat(h.sync("products").ok()).isFalse();
            String failing = scrape(port);
            double first = value(failing, "canopyhub_stream_seconds_since_success_seconds", "stream", "products");
            assertThat(value(failing, "canopyhub_stream_consecutive_failures", "stream", "products")).isEqualTo(1);
            assertThat(value(failing, "canopyhub_upstream_requests_total", "source", "distru", "status_class", "4xx")).isEqualTo(1);
            h.sandbox.inject(Fault.status(401));
            assertThat(h.sync("products").ok()).isFalse();
            String stillFailing = scrape(port);
            assertThat(value(stillFailing, "canopyhub_stream_seconds_since_success_seconds", "stream", "products")).isGreaterThan(first);
            assertThat(value(stillFailing, "canopyhub_stream_consecutive_failures", "stream", "products")).isEqualTo(2);
            assertThat(value(stillFailing, "canopyhub_stream_runs_total", "stream", "products", "outcome", "failed")).isEqualTo(2);
        }
    }

    static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return r.body();
    }

    /** The value of the one sample of {@code name} whose labels include every given pair. */
    static double value(String text, String name, String... labels) {
        Double found = null;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(text);
        while (m.find()) {
            boolean all = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                all &= m.group(1).contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                assertThat(found).as("one sample of %s %s", name, String.join(",", labels)).isNull();
                found = Double.parseDouble(m.group(2));
            }
        }
        assertThat(found).as("a sample of %s with %s in:%n%s", name, String.join(",", labels), text).isNotNull();
        return found;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
