package com.canopyhub.sandbox.terravault;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.Fault;
import com.canopyhub.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The TerraVault sandbox enforces what the marketplace sink must cope with: keys and scopes, validation with the
 * fields at fault, one listing per external reference, the per-key sliding-minute limit, injected faults.
 */
class TerraVaultSandboxTest {

    private static final String KEY = "tv_live_all_scopes";
    private static final String READ_ONLY = "tv_live_read_only";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));

    private TerraVaultSandbox start(int perMinute) throws Exception {
        return TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults().withKeys(Map.of(
                KEY, Set.of("products:read", "products:write", "inventory:write"), READ_ONLY, Set.of("products:read")))
                .withRequestsPerMinute(perMinute), clock);
    }

    private HttpResponse<String> call(TerraVaultSandbox tv, String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(tv.baseUrl() + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static final String LISTING = """
            {"external_reference":"canopy:6f1c","name":"Cherry Diesel","category":"flower","price_cents":8500,"quantity_lbs":"12.5"}""";

    @Test
    void keys_and_scopes_are_enforced() throws Exception {
        try (TerraVaultSandbox tv = start(0)) {
            assertThat(call(tv, null, "GET", "/api/v1/products", null).statusCode()).isEqualTo(401);
            assertThat(call(tv, "tv_live_unknown", "GET", "/api/v1/products", null).statusCode()).isEqualTo(401);
            HttpResponse<String> denied = call(tv, READ_ONLY, "POST", "/api/v1/products", LISTING);
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(json(denied).path("required_scope").asText()).isEqualTo("products:write");
            assertThat(call(tv, READ_ONLY, "GET", "/api/v1/products", null).statusCode()).isEqualTo(200);
            assertThat(tv.listings()).isEmpty();
        }
    }

    @Test
    void listings_are_created_once_per_external_reference_found_by_it_updated_by_id_and_validated() throws Exception {
        try (TerraVaultSandbox tv = start(0)) {
            HttpResponse<String> created = call(tv, KEY, "POST", "/api/v1/products", LISTING);
            assertThat(created.statusCode()).isEqualTo(200);
            String id = json(created).path("data").path("id").asText();
            assertThat(id).startsWith("prod_");

            HttpResponse<String> again = call(tv, KEY, "POST", "/api/v1/products", LISTING);
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(json(again).path("id").asText()).isEqualTo(id);

            JsonNode found = json(call(tv, KEY, "GET", "/api/v1/products?external_reference=canopy%3A6f1c", null));
            assertThat(found.path("total").asInt()).isEqualTo(1);
            assertThat(found.path("data").get(0).path("id").asText()).isEqualTo(id);

            HttpResponse<String> updated = call(tv, KEY, "PUT", "/api/v1/products", "{\"id\":\"" + id
                    + "\",\"name\":\"Cherry Diesel AAA\",\"category\":\"flower\",\"price_cents\":9000}");
            assertThat(updated.statusCode()).isEqualTo(200);
            // a listing's quantity moves only through inventory events
            assertThat(call(tv, KEY, "PUT", "/api/v1/products", "{\"id\":\"" + id
                    + "\",\"name\":\"x\",\"category\":\"flower\",\"price_cents\":9000,\"quantity_lbs\":\"10\"}").body())
                    .contains("quantity_lbs").contains("POST /api/inventory");
            assertThat(tv.listings()).singleElement().satisfies(l -> {
                assertThat(l.priceCents()).isEqualTo(9000);
                assertThat(l.externalReference()).isEqualTo("canopy:6f1c");
            });

            HttpResponse<String> invalid = call(tv, KEY, "POST", "/api/v1/products",
                    "{\"external_reference\":\"x\",\"name\":\"\",\"category\":\"weed\",\"price_cents\":85.5,\"quantity_lbs\":\"-1\"}");
            assertThat(invalid.statusCode()).isEqualTo(422);
            assertThat(json(invalid).path("fields").fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("name", "category", "price_cents", "quantity_lbs");
            assertThat(call(tv, KEY, "PUT", "/api/v1/products", "{\"name\":\"x\",\"category\":\"flower\",\"price_cents\":1,\"quantity_lbs\":1}")
                    .statusCode()).isEqualTo(422);
            assertThat(call(tv, KEY, "POST", "/api/v1/products", "not json").statusCode()).isEqualTo(400);
            assertThat(tv.listings()).hasSize(1);
        }
    }

    @Test
    void inventory_events_move_the_listed_quantity_and_never_below_zero() throws Exception {
        try (TerraVaultSandbox tv = start(0)) {
            String id = json(call(tv, KEY, "POST", "/api/v1/products", LISTING)).path("data").path("id").asText();
            assertThat(call(tv, KEY, "POST", "/api/inventory", "{\"product_id\":\"" + id + "\",\"type\":\"restock\",\"quantity_lbs\":\"2.5\"}")
                    .statusCode()).isEqualTo(200);
            assertThat(json(call(tv, KEY, "POST", "/api/inventory", "{\"product_id\":\"" + id + "\",\"type\":\"sale\",\"quantity_lbs\":\"5\"}"))
                    .path("data").path("quantity_lbs_after").decimalValue()).isEqualByComparingTo("10");
            assertThat(call(tv, KEY, "POST", "/api/inventory", "{\"product_id\":\"" + id + "\",\"type\":\"sale\",\"quantity_lbs\":\"11\"}")
                    .statusCode()).isEqualTo(422);
            assertThat(call(tv, KEY, "POST", "/api/inventory", "{\"product_id\":\"" + id + "\",\"type\":\"adjustment\",\"quantity_lbs\":\"-0.25\"}")
                    .statusCode()).isEqualTo(200);
            assertThat(call(tv, KEY, "POST", "/api/inventory", "{\"product_id\":\"prod_none\",\"type\":\"restock\",\"quantity_lbs\":\"1\"}")
                    .statusCode()).isEqualTo(404);
            assertThat(call(tv, READ_ONLY, "POST", "/api/inventory", "{\"product_id\":\"" + id + "\",\"type\":\"restock\",\"quantity_lbs\":\"1\"}")
                    .statusCode()).isEqualTo(403);
            assertThat(tv.listings().get(0).quantityLbs()).isEqualByComparingTo("9.75");
            assertThat(tv.inventoryEvents()).extracting(TerraVaultSandbox.InventoryEvent::type).containsExactly("restock", "sale", "adjustment");
        }
    }

    @Test
    void a_key_gets_at_most_its_limit_in_any_sliding_minute_and_429_says_when_to_come_back() throws Exception {
        try (TerraVaultSandbox tv = start(5)) {
            for (int i = 0; i < 5; i++) {
                assertThat(call(tv, KEY, "GET", "/api/v1/products", null).statusCode()).isEqualTo(200);
                clock.advance(Duration.ofSeconds(1));
            }
            HttpResponse<String> limited = call(tv, KEY, "GET", "/api/v1/products", null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).contains("55");
            assertThat(call(tv, READ_ONLY, "GET", "/api/v1/products", null).statusCode()).as("limits are per key").isEqualTo(200);
            clock.advance(Duration.ofSeconds(55));
            assertThat(call(tv, KEY, "GET", "/api/v1/products", null).statusCode()).isEqualTo(200);
            assertThat(tv.peakRequestsPerMinute(KEY)).isEqualTo(5);
            assertThat(tv.rateLimited()).isEqualTo(1);
        }
    }

    @Test
    void injected_faults_answer_before_anything_is_changed() throws Exception {
        try (TerraVaultSandbox tv = start(0)) {
            tv.inject(Fault.status(503), Fault.tooManyRequests(7), Fault.malformedBody());
            assertThat(call(tv, KEY, "POST", "/api/v1/products", LISTING).statusCode()).isEqualTo(503);
            HttpResponse<String> busy = call(tv, KEY, "POST", "/api/v1/products", LISTING);
            assertThat(busy.statusCode()).isEqualTo(429);
            assertThat(busy.headers().firstValue("Retry-After")).contains("7");
            HttpResponse<String> broken = call(tv, KEY, "GET", "/api/v1/products", null);
            assertThat(broken.statusCode()).isEqualTo(200);
            assertThat(broken.body()).doesNotEndWith("}");
            assertThat(tv.listings()).isEmpty();
            assertThat(call(tv, KEY, "POST", "/api/v1/products", LISTING).statusCode()).isEqualTo(200);
        }
    }
}
