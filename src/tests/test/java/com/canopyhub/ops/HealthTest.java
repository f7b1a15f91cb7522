package com.canopyhub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * /health/live and /health/ready from Camel's health checks, against a PostgreSQL of the test's own that it stops and
 * starts again (the shared test server stays up for the other tests).
 */
class HealthTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void ready_turns_false_when_the_database_stops_and_true_when_it_returns_while_live_stays_up_and_failing_sources_are_details()
            throws Exception {
        Path data = Files.createTempDirectory("health-pg");
        int pgPort = MetricsTest.freePort();
        EmbeddedPostgres pg = start(pgPort, data);
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"))) {
            c.createStatement().execute("CREATE DATABASE hub");
        }
        int port = MetricsTest.freePort();
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(3), "hub.distru.streams", "products",
                "hub.http.enabled", "true", "hub.http.port", Integer.toString(port), "hub.alerts.failed-after", "2",
                "hub.reporting.connect-timeout-seconds", "2")) {
            h.set("hub.reporting.jdbc-url", "jdbc:postgresql://localhost:" + pgPort + "/hub").start();
            JsonNode ready = get(port, "/health/ready", 200);
            assertThat(ready.get("status").asText()).isEqualTo("UP");
            assertThat(ready.get("checks")).as("Camel's route checks, one per route").anySatisfy(
                    c -> assertThat(c.get("id").asText()).isEqualTo("route:sync-pass"));
            assertThat(check(ready, "database").get("state").asText()).isEqualTo("UP");
            assertThat(check(ready, "scheduler").path("details").path("scheduler").asText()).startsWith("off");
            assertThat(get(port, "/health/live", 200).get("status").asText()).isEqualTo("UP");

            // a source failing its last runs is a detail, not a reason to take the node out
            for (int i = 0; i < 2; i++) {
                h.sandbox.inject(Fault.status(401));
                assertThat(h.sync().ok()).isFalse();
            }
            JsonNode failing = get(port, "/health/ready", 200);
            assertThat(check(failing, "sources").path("details").path("failing").asText()).isEqualTo("distru/products: 2 failed runs");

            pg.close(); // the database stops
            await().atMost(Duration.ofSeconds(20)).until(() -> status(port, "/health/ready") == 503);
            JsonNode down = get(port, "/health/ready", 503);
            assertThat(down.get("status").asText()).isEqualTo("DOWN");
            assertThat(check(down, "database").get("state").asText()).isEqualTo("DOWN");
            assertThat(check(down, "database").get("message").asText()).contains("does not answer");
            assertThat(get(port, "/health/live", 200).get("status").asText()).as("the process itself works").isEqualTo("UP");

            pg = start(pgPort, data); // and comes back: ready again, no restart
            await().atMost(Duration.ofSeconds(20)).until(() -> status(port, "/health/ready") == 200);
            assertThat(status(port, "/health")).as("the probe of earlier releases answers as ready").isEqualTo(200);
        } finally {
            pg.close();
        }
    }

    private static EmbeddedPostgres start(int port, Path data) throws Exception {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(data).setCleanDataDirectory(false).start();
    }

    private static JsonNode check(JsonNode health, String id) {
        for (JsonNode c : health.get("checks")) {
            if (c.get("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + health);
    }

    private static int status(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static JsonNode get(int port, String path, int expected) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return JSON.readTree(r.body());
    }
}
