package com.canopyhub.sandbox.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shop platform sandbox over HTTP: what it enforces is what the sink is tested against. */
class ShopPlatformSandboxTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ORG = "/api/v2/public/orgs/org1";

    @Test
    void tokens_scopes_catalogue_stock_rule_and_overrides_are_enforced() throws Exception {
        ShopPlatformSandbox.Options options = new ShopPlatformSandbox.Options(Map.of("rw", Set.of("products.read", "products.write"),
                "ro", Set.of("products.read")), "org1", java.util.List.of("shop1"), id -> id.startsWith("P"), 1000,
                Duration.ofMinutes(1), 0, 1);
        try (ShopPlatformSandbox shop = ShopPlatformSandbox.start(options, Clock.systemUTC())) {
            assertThat(call(shop, "nope", "GET", ORG + "/shops", null).statusCode()).isEqualTo(401);
            assertThat(call(shop, "ro", "POST", ORG + "/products/add-to-inventory", "{\"p1_id\":\"P1\"}").statusCode()).isEqualTo(403);
            assertThat(call(shop, "rw", "POST", ORG + "/products/add-to-inventory", "{\"p1_id\":\"X1\"}").statusCode())
                    .as("not in the catalogue").isEqualTo(404);
            assertThat(call(shop, "rw", "POST", ORG + "/products/add-to-inventory", "{\"p1_id\":\"P1\",\"initial_stock\":0,\"price\":8.99}")
                    .statusCode()).isEqualTo(200);
            assertThat(call(shop, "rw", "POST", ORG + "/products/add-to-inventory", "{\"p1_id\":\"P1\"}").statusCode())
                    .as("already in inventory").isEqualTo(409);
            HttpResponse<String> zero = call(shop, "rw", "POST", ORG + "/shops/attach-product", "{\"shop_id\":\"shop1\",\"p1_id\":\"P1\"}");
            assertThat(zero.statusCode()).as("stock must be > 0").isEqualTo(422);
            assertThat(zero.body()).contains("stock > 0");
            assertThat(call(shop, "rw", "PUT", ORG + "/products/P1", "{\"price\":9.999}").statusCode()).as("two places").isEqualTo(422);
            assertThat(call(shop, "rw", "PUT", ORG + "/products/P1", "{\"stock_quantity\":3,\"price\":9.99}").statusCode()).isEqualTo(200);
            assertThat(call(shop, "rw", "GET", ORG + "/products/P1?shop_id=shop1", null).body())
                    .as("stock_quantity is not among PUT's fields (S l. 87): accepted, ignored").contains("\"stock_quantity\":0");
            shop.setStockOnPut(true);
            assertThat(call(shop, "rw", "PUT", ORG + "/products/P1", "{\"stock_quantity\":3,\"price\":9.99}").statusCode()).isEqualTo(200);
            assertThat(call(shop, "rw", "POST", ORG + "/shops/attach-product",
                    "{\"shop_id\":\"shop1\",\"p1_id\":\"P1\",\"overrides\":{\"a\":{\"x\":1}}}").statusCode()).isEqualTo(200);
            assertThat(call(shop, "rw", "POST", ORG + "/shops/product-overrides",
                    "{\"shop_id\":\"shop1\",\"p1_id\":\"P1\",\"overrides\":{\"a\":{\"y\":2}},\"mode\":\"merge\"}").statusCode()).isEqualTo(200);
            assertThat(shop.attached("shop1").get("P1").toString()).isEqualTo("{\"a\":{\"x\":1,\"y\":2}}");
            assertThat(call(shop, "rw", "POST", ORG + "/shops/product-overrides",
                    "{\"shop_id\":\"shop1\",\"p1_id\":\"P1\",\"overrides\":{\"b\":true},\"mode\":\"replace\"}").statusCode()).isEqualTo(200);
            assertThat(shop.attached("shop1").get("P1").toString()).isEqualTo("{\"b\":true}");
            assertThat(call(shop, "rw", "GET", ORG + "/products/P1?shop_id=shop1", null).body()).contains("\"stock_quantity\":3");
            assertThat(call(shop, "rw", "GET", "/api/v2/public/orgs/org2/shops", null).statusCode()).as("another org").isEqualTo(404);
        }
    }

    @Test
    void the_per_token_limit_holds_over_a_sliding_window_with_retry_after() throws Exception {
        try (ShopPlatformSandbox shop = ShopPlatformSandbox.start(ShopPlatformSandbox.Options.defaults().withLimit(3, Duration.ofMinutes(1)),
                Clock.systemUTC())) {
            String token = ShopPlatformSandbox.Options.defaults().firstToken();
            for (int i = 0; i < 3; i++) {
                assertThat(call(shop, token, "GET", ORG + "/shops", null).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> limited = call(shop, token, "GET", ORG + "/shops", null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
            assertThat(shop.rateLimited()).isEqualTo(1);
            assertThat(shop.peakRequestsPerWindow(token)).isEqualTo(3);
        }
    }

    private static HttpResponse<String> call(ShopPlatformSandbox shop, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(shop.baseUrl() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
