package com.canopyhub.delivery.marketplace;

import static com.canopyhub.delivery.marketplace.MarketplaceTesting.awaitSettled;
import static com.canopyhub.delivery.marketplace.MarketplaceTesting.shopHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.shop.ShopPlatformSandbox;
import com.canopyhub.sandbox.terravault.TerraVaultSandbox;
import com.canopyhub.testing.HubHarness;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shop platform from the outbox, end to end, against its stateful sandbox (org1 with shop1 and shop2). */
class ShopPlatformDeliveryTest {

    @Test
    void a_product_is_attached_to_the_shops_only_while_it_has_stock_and_a_platform_ignoring_stock_on_put_is_detected() throws Exception {
        try (ShopPlatformSandbox shop = ShopPlatformSandbox.start(ShopPlatformSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = shopHarness(shop, 12).start()) {
            h.sandbox.setStock(2, BigDecimal.ZERO);
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "shop-platform");

            // every active, priced product with stock is in the org's inventory under its SKU (the mapping's p1-id
            // rule); product 2 has none: it is added once it has (its initial_stock is then what the platform holds)
            assertThat(shop.inventory()).extracting(ShopPlatformSandbox.Product::p1Id).containsExactlyInAnyOrder(
                    "SKU-0000001", "SKU-0000003", "SKU-0000004", "SKU-0000005", "SKU-0000006", "SKU-0000007",
                    "SKU-0000008", "SKU-0000009", "SKU-0000011");
            for (String s : List.of("shop1", "shop2")) {
                assertThat(shop.attached(s)).as("zero stock is never attached").doesNotContainKey("SKU-0000002").hasSize(9);
            }
            assertThat(h.count("SELECT count(*) FROM hub.dead_letters")).as("no attach was refused").isZero();

            // stock above zero: added with it, attached to both shops
            h.sandbox.setStock(2, new BigDecimal("7.900000000"));
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "shop-platform");
            assertThat(product(shop, "SKU-0000002").stock()).as("whole units, toward zero").isEqualTo(7);
            assertThat(product(shop, "SKU-0000002").available()).isTrue();
            assertThat(shop.attached("shop1")).containsKey("SKU-0000002");
            assertThat(shop.attached("shop2")).containsKey("SKU-0000002");

            // a stock change: the PUT's stock_quantity is read back once; this platform ignored it, and says so once
            int before = shop.requests().size();
            h.sandbox.setStock(2, new BigDecimal("3.2"));
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "shop-platform");
            assertThat(shop.requests().subList(before, shop.requests().size())).containsExactly(
                    "PUT /api/v2/public/orgs/org1/products/SKU-0000002", "GET /api/v2/public/orgs/org1/products/SKU-0000002");
            assertThat(product(shop, "SKU-0000002").stock()).as("the platform kept its own").isEqualTo(7);
            assertThat(status(h)).contains("Marketplace shop-platform").contains("it ignores stock_quantity");

            // sold out (Distru leaves the group out): detached from both, no second read-back
            before = shop.requests().size();
            h.sandbox.setStock(2, BigDecimal.ZERO);
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "shop-platform");
            assertThat(shop.attached("shop1")).doesNotContainKey("SKU-0000002");
            assertThat(shop.attached("shop2")).doesNotContainKey("SKU-0000002");
            assertThat(shop.requests().subList(before, shop.requests().size())).containsExactly(
                    "PUT /api/v2/public/orgs/org1/products/SKU-0000002",
                    "POST /api/v2/public/orgs/org1/shops/detach-product", "POST /api/v2/public/orgs/org1/shops/detach-product");

            // nothing changed: nothing sent
            before = shop.requests().size();
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "shop-platform");
            assertThat(shop.requests()).hasSize(before);
        }
    }

    @Test
    void a_platform_that_takes_stock_on_put_is_read_back_once_and_not_reported() throws Exception {
        try (ShopPlatformSandbox shop = ShopPlatformSandbox.start(ShopPlatformSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = shopHarness(shop, 4).start()) {
            shop.setStockOnPut(true);
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "shop-platform");
            h.sandbox.setStock(2, new BigDecimal("2"));
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "shop-platform");
            assertThat(product(shop, "SKU-0000002").stock()).isEqualTo(2);
            assertThat(shop.requests()).filteredOn(r -> r.startsWith("GET /api/v2/public/orgs/org1/products/")).hasSize(1);
            assertThat(h.count("SELECT count(*) FROM hub.marketplace_listings WHERE remote_state ->> 'stock_check' = 'honoured'"))
                    .isEqualTo(1);
            assertThat(status(h)).doesNotContain("ignores stock_quantity");
        }
    }

    private static String status(HubHarness h) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        com.canopyhub.db.HubDatabase db = h.hub().bean("hubDatabase", com.canopyhub.db.HubDatabase.class);
        try (java.sql.Connection c = db.dataSource().getConnection()) {
            com.canopyhub.app.StatusCommandAccess.print(c, db, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void shop_overrides_merge_into_what_the_shop_has_or_replace_it_as_the_mapping_says() throws Exception {
        Path mapping = Files.createTempDirectory("mapping").resolve("shop-platform.yaml");
        String shipped = Files.readString(Path.of("config/marketplaces/shop-platform.yaml"));
        Files.writeString(mapping, shipped.replace("  \"*\": {}", "  \"*\": { badge: local }\n  shop2: { price: 1.50 }"));
        try (ShopPlatformSandbox shop = ShopPlatformSandbox.start(ShopPlatformSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = shopHarness(shop, 4, "hub.shop-platform.mapping-file", mapping.toString()).start()) {
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "shop-platform");
            assertThat(shop.attached("shop1").get("SKU-0000002")).isEqualTo(json("{\"badge\":\"local\"}"));
            assertThat(shop.attached("shop2").get("SKU-0000002")).isEqualTo(json("{\"badge\":\"local\",\"price\":1.50}"));

            // merge (the default): new overrides go into what each shop has
            h.stopHub();
            Files.writeString(mapping, shipped.replace("  \"*\": {}", "  \"*\": { featured: true }"));
            h.start();
            awaitSettled(h, "shop-platform");
            assertThat(shop.attached("shop1").get("SKU-0000002")).isEqualTo(json("{\"badge\":\"local\",\"featured\":true}"));
            assertThat(shop.attached("shop2").get("SKU-0000002")).isEqualTo(json("{\"badge\":\"local\",\"featured\":true,\"price\":1.50}"));

            // replace: each shop's overrides become exactly the mapping's
            h.stopHub();
            Files.writeString(mapping, shipped.replace("  \"*\": {}", "  \"*\": { featured: true }")
                    .replace("overrides-mode: merge", "overrides-mode: replace"));
            h.start();
            awaitSettled(h, "shop-platform");
            assertThat(shop.attached("shop1").get("SKU-0000002")).isEqualTo(json("{\"featured\":true}"));
            assertThat(shop.attached("shop2").get("SKU-0000002")).isEqualTo(json("{\"featured\":true}"));
        }
    }

    @Test
    void a_refused_shop_platform_token_stops_that_sink_while_terravault_keeps_pushing() throws Exception {
        try (ShopPlatformSandbox shop = ShopPlatformSandbox.start(ShopPlatformSandbox.Options.defaults(), Clock.systemUTC());
             TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = shopHarness(shop, 12, "hub.shop-platform.token", "shp_revoked_token").start()) {
            h.stopHub();
            h.set("hub.terravault.enabled", "true").set("hub.terravault.base-url", tv.baseUrl().toString()).start();
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            assertThat(tv.listings()).hasSize(6);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    h.count("SELECT count(*) FROM hub.marketplace_sinks WHERE sink = 'shop-platform' AND stopped_at IS NOT NULL") == 1);
            assertThat(h.hub().bean("shop-platformDelivery", MarketplaceDelivery.class).stoppedReason()).contains("401");
            assertThat(h.count("SELECT count(*) FROM hub.marketplace_sinks WHERE sink = 'terravault' AND stopped_at IS NULL")).isEqualTo(1);
            assertThat(shop.inventory()).isEmpty();
        }
    }

    /** JSON as the sandbox keeps it (exact decimals), compared whatever the key order. */
    private static com.fasterxml.jackson.databind.JsonNode json(String text) throws Exception {
        return com.canopyhub.sandbox.JsonAnswers.JSON.readTree(text);
    }

    private static ShopPlatformSandbox.Product product(ShopPlatformSandbox shop, String p1) {
        return shop.inventory().stream().filter(p -> p.p1Id().equals(p1)).findFirst().orElseThrow();
    }
}
