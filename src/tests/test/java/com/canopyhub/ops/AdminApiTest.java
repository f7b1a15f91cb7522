package com.canopyhub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.webhook.WebhookReceiver;
import com.canopyhub.testing.CapturedLogs;
import com.canopyhub.testing.HubHarness;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The admin API (/api/v1) and the console page, on a hub syncing the Distru sandbox into real PostgreSQL. */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "adm_9f2c4e7a1b3d5f60";
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    record Operation(String method, String path) {
    }

    /** Every operation of routes/ops-admin-api.camel.yaml: method and path. */
    static List<Operation> operations() throws Exception {
        String yaml = Files.readString(Path.of("routes/ops-admin-api.camel.yaml"));
        Matcher m = Pattern.compile("name: method\\s+value: (\\w+)\\s+- name: path\\s+value: \"([^\"]+)\"").matcher(yaml);
        List<Operation> ops = new ArrayList<>();
        while (m.find()) {
            ops.add(new Operation(m.group(1), m.group(2)));
        }
        return ops;
    }

    @Test
    void every_operation_answers_with_the_token_and_refuses_without_it_and_the_actions_do_what_they_say() throws Exception {
        int port = MetricsTest.freePort();
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET);
             HubHarness h = new HubHarness(DistruSandbox.Options.defaults(4), "hub.distru.streams", "products,packages",
                     "hub.http.enabled", "true", "hub.http.port", Integer.toString(port), "hub.admin.token", TOKEN)) {
            Path dir = Files.createTempDirectory("admin");
            Files.writeString(dir.resolve("webhooks.yaml"), "subscriptions:\n  - id: hook\n    url: " + receiver.baseUri()
                    + "/hook\n    secret: " + SECRET + "\n    events: [\"product.*\"]\n");
            h.set("hub.webhooks.file", dir.resolve("webhooks.yaml").toString()).set("hub.webhooks.secret-key-file", dir.resolve("key").toString())
                    .set("hub.webhooks.allowed-private-hosts", "localhost").set("hub.webhooks.poll-interval-ms", "100")
                    .set("hub.webhooks.sandbox-receiver", "false");
            // a package the mapper cannot take: a dead letter on the first pass
            h.sandbox.setMalformed(SandboxCollection.PACKAGES, 1, true);
            CapturedLogs logs = new CapturedLogs();
            h.start();
            assertThat(logs.mention("Bearer hub.admin.token required")).isTrue();
            Api api = new Api(port);

            List<Operation> ops = operations();
            assertThat(ops).hasSize(18);
            for (Operation op : ops) {
                String path = op.path().replace("{source}", "distru").replace("{stream}", "products").replace("{id}", "1");
                assertThat(api.call(op.method(), path, null).statusCode()).as("no token: %s %s", op.method(), path).isEqualTo(401);
                assertThat(api.call(op.method(), path, "wrong-token").statusCode()).as("a wrong token: %s %s", op.method(), path).isEqualTo(401);
            }
            JsonNode spec = JSON.readTree(api.call("GET", "/api/v1/openapi.json", null).body());
            for (Operation op : ops) {
                assertThat(spec.path("paths").path(op.path()).has(op.method().toLowerCase())).as("described: %s %s", op.method(), op.path()).isTrue();
            }
            assertThat(spec.path("paths").size()).as("nothing described that does not exist").isEqualTo(ops.size());

            // a pass asked for over the API runs, and shows
            JsonNode accepted = api.json("POST", "/api/v1/sources/distru/sync", 202);
            assertThat(accepted.get("streams")).isEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() -> h.count("SELECT count(*) FROM hub.sync_runs WHERE trigger = 'api' "
                    + "AND status IN ('SUCCEEDED', 'FAILED')") == 2);
            assertThat(h.count("SELECT count(*) FROM reporting.products")).isEqualTo(4);
            JsonNode sources = api.json("GET", "/api/v1/sources", 200);
            JsonNode products = stream(sources, "products");
            assertThat(products.get("last_run_status").asText()).isEqualTo("SUCCEEDED");
            assertThat(products.get("last_run_changed").asLong()).isEqualTo(4);
            assertThat(products.get("cursor").asText()).isNotEmpty();
            assertThat(stream(sources, "packages").get("dead_letters_open").asLong()).isEqualTo(1);
            JsonNode runs = api.json("GET", "/api/v1/runs?source=distru&limit=1", 200);
            assertThat(runs.get("runs")).hasSize(1);
            long newest = runs.get("runs").get(0).get("id").asLong();
            assertThat(runs.get("next_before").asLong()).isEqualTo(newest);
            assertThat(api.json("GET", "/api/v1/runs?source=distru&before=" + newest, 200).get("runs")).hasSize(1);
            assertThat(api.json("GET", "/api/v1/runs?limit=0", 400).get("error").asText()).contains("limit");
            assertThat(api.json("POST", "/api/v1/sources/nope/sync", 404).get("error").asText()).contains("unknown source nope");

            // a backfill reads from the date asked and moves no cursor backwards
            Instant cursor = Instant.parse(products.get("cursor").asText());
            long changes = h.count("SELECT count(*) FROM hub.record_changes");
            api.json("POST", "/api/v1/sources/distru/streams/products/backfill?since=2025-03-01", 202);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.count("SELECT count(*) FROM hub.sync_runs WHERE trigger = 'api' "
                    + "AND stream = 'products' AND status = 'SUCCEEDED' AND window_start = '2025-03-01T00:00:00Z'") == 1);
            Instant after = Instant.parse(stream(api.json("GET", "/api/v1/sources", 200), "products").get("cursor").asText());
            assertThat(after).as("the regular cursor never goes back").isAfterOrEqualTo(cursor);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes")).as("nothing changed: nothing rewritten").isEqualTo(changes);

            // a reset forgets the cursor: the next pass reads from the start
            assertThat(api.json("POST", "/api/v1/sources/distru/streams/products/reset", 200).get("reset").asInt()).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'products'")).isZero();

            // dead letters: the malformed package fails again when replayed (still open, counted), a record an earlier
            // mapping refused but today's maps is written and resolved, and one is discarded
            JsonNode letters = api.json("GET", "/api/v1/dead-letters?source=distru", 200).get("dead_letters");
            assertThat(letters).hasSize(1);
            long malformed = letters.get(0).get("id").asLong();
            assertThat(api.json("GET", "/api/v1/dead-letters/" + malformed, 200).get("payload").asText())
                    .as("the record as it arrived").contains(DistruSandbox.recordId(SandboxCollection.PACKAGES, 1));
            JsonNode again = api.json("POST", "/api/v1/dead-letters/" + malformed + "/replay", 200);
            assertThat(again.get("resolved").asLong()).isZero();
            assertThat(again.get("replayed").get(0).get("attempts").asInt()).isEqualTo(2);

            h.execute("DELETE FROM reporting.products WHERE source_id = '" + DistruSandbox.recordId(SandboxCollection.PRODUCTS, 2) + "'");
            h.execute("INSERT INTO hub.dead_letters (fingerprint, source_system, stream, partition, source_id, route_id, reason, "
                    + "payload, first_failed_at, last_failed_at) VALUES ('earlier-release', 'distru', 'products', '', '"
                    + DistruSandbox.recordId(SandboxCollection.PRODUCTS, 2) + "', 'sync-page', 'unmappable record: refused by an earlier release', '"
                    + h.sandbox.recordJson(SandboxCollection.PRODUCTS, 2).replace("'", "''") + "', now(), now())");
            long fixable = h.count("SELECT id FROM hub.dead_letters WHERE fingerprint = 'earlier-release'");
            JsonNode replayed = api.json("POST", "/api/v1/dead-letters/" + fixable + "/replay", 200);
            assertThat(replayed.get("resolved").asLong()).as(replayed.toString()).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE source_id = ?", DistruSandbox.recordId(SandboxCollection.PRODUCTS, 2)))
                    .as("re-processed: written again").isEqualTo(1);
            assertThat(h.rows("SELECT resolution FROM hub.dead_letters WHERE id = ?", fixable)).singleElement()
                    .satisfies(r -> assertThat(r).containsEntry("resolution", "replayed"));
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE trigger = 'replay' AND window_end IS NULL")).isEqualTo(2);
            assertThat(h.count("SELECT count(*) FROM hub.sync_cursors WHERE stream = 'products'")).as("a replay moves no cursor").isZero();

            assertThat(api.json("POST", "/api/v1/dead-letters/replay?source=distru&stream=packages", 200).get("resolved").asLong()).isZero();
            assertThat(api.json("POST", "/api/v1/dead-letters/" + malformed + "/discard", 200).get("resolution").asText()).isEqualTo("discarded");
            assertThat(api.json("POST", "/api/v1/dead-letters/" + malformed + "/discard", 409).get("error").asText()).contains("already resolved");
            assertThat(api.json("GET", "/api/v1/dead-letters", 200).get("dead_letters")).isEmpty();
            assertThat(api.json("GET", "/api/v1/dead-letters?state=all", 200).get("dead_letters")).hasSize(2);
            assertThat(api.json("GET", "/api/v1/dead-letters/999999", 404).get("error").asText()).contains("no dead letter 999999");

            // webhooks: the subscription, its deliveries, a replay by id and since a time, a test, enable
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/hook").size() == 5);
            JsonNode subs = api.json("GET", "/api/v1/webhooks/subscriptions", 200).get("subscriptions");
            assertThat(subs).singleElement().satisfies(s -> {
                assertThat(s.get("id").asText()).isEqualTo("hook");
                assertThat(s.get("success_rate_24h").asDouble()).isEqualTo(1.0);
            });
            JsonNode deliveries = api.json("GET", "/api/v1/webhooks/deliveries?subscription=hook", 200).get("deliveries");
            assertThat(deliveries).hasSize(5);
            long delivery = deliveries.get(0).get("id").asLong();
            assertThat(api.json("POST", "/api/v1/webhooks/deliveries/" + delivery + "/replay", 200).get("replayed").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/hook").size() == 6);
            assertThat(api.json("POST", "/api/v1/webhooks/deliveries/replay?since=2020-01-01&subscription=hook", 200).get("replayed").asInt())
                    .isEqualTo(5);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/hook").size() == 11);
            assertThat(api.json("POST", "/api/v1/webhooks/subscriptions/hook/test", 202).get("delivery").asLong()).isPositive();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/hook").size() == 12);
            assertThat(api.json("POST", "/api/v1/webhooks/subscriptions/hook/enable", 200).get("enabled").asText()).isEqualTo("hook");
            assertThat(api.json("GET", "/api/v1/marketplaces/listings", 200).get("listings")).isEmpty();
            JsonNode overview = api.json("GET", "/api/v1/overview", 200);
            assertThat(overview.get("records_per_hour")).hasSize(24);
            assertThat(overview.get("outbox_readers")).hasSize(3);

            HttpResponse<String> page = api.call("GET", "/", null);
            assertThat(page.statusCode()).as("the console page holds no data: it asks the API with the token").isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("<title>Canopy Hub</title>").contains("/api/v1/sources");
            assertThat(logs.mention(TOKEN)).as("the token is never logged").isFalse();
            logs.close();
        }
    }

    @Test
    void without_a_token_the_api_answers_this_machine_only_and_says_so_at_startup() throws Exception {
        int port = MetricsTest.freePort();
        CapturedLogs logs = new CapturedLogs();
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(1), "hub.distru.streams", "products",
                "hub.http.enabled", "true", "hub.http.port", Integer.toString(port)).start()) {
            assertThat(logs.mention("no hub.admin.token set: answering requests from this machine only")).isTrue();
            assertThat(new Api(port).call("GET", "/api/v1/sources", null).statusCode()).isEqualTo(200);
        } finally {
            logs.close();
        }
        org.apache.camel.Exchange remote = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        remote.getMessage().setHeader("CamelVertxPlatformHttpRemoteAddress", io.vertx.core.net.SocketAddress.inetSocketAddress(40000, "10.1.2.3"));
        assertThat(AdminApi.fromThisMachine(remote)).isFalse();
        remote.getMessage().setHeader("CamelVertxPlatformHttpRemoteAddress", io.vertx.core.net.SocketAddress.inetSocketAddress(40000, "127.0.0.1"));
        assertThat(AdminApi.fromThisMachine(remote)).isTrue();
    }

    private static JsonNode stream(JsonNode sources, String stream) {
        for (JsonNode s : sources.get("sources").get(0).get("streams")) {
            if (s.get("stream").asText().equals(stream)) {
                return s;
            }
        }
        throw new AssertionError("no stream " + stream + " in " + sources);
    }

    static final class Api {
        private final int port;
        private final HttpClient http = HttpClient.newHttpClient();

        Api(int port) {
            this.port = port;
        }

        HttpResponse<String> call(String method, String path, String token) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode json(String method, String path, int expected) throws Exception {
            HttpResponse<String> r = call(method, path, TOKEN);
            assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(expected);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            return JSON.readTree(r.body());
        }
    }
}
