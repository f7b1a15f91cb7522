package com.canopyhub.delivery.marketplace;

import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.terravault.TerraVaultSandbox;
import com.canopyhub.testing.HubHarness;
import java.time.Duration;

/** A hub harness pushing to a TerraVault sandbox of the test's own (its limit generous unless a test sets one). */
final class MarketplaceTesting {

    private MarketplaceTesting() {
    }

    static HubHarness harness(TerraVaultSandbox terravault, int records, String... overrides) throws Exception {
        HubHarness h = new HubHarness(DistruSandbox.Options.defaults(records));
        h.set("hub.distru.streams", "products,packages,inventory")
                .set("hub.webhooks.enabled", "false")
                .set("hub.webhooks.sandbox-receiver", "false")
                .set("hub.terravault.enabled", "true")
                .set("hub.terravault.base-url", terravault == null ? "" : terravault.baseUrl().toString())
                .set("hub.terravault.api-key", TerraVaultSandbox.Options.defaults().firstKey())
                .set("hub.terravault.requests-per-minute", "6000")
                .set("hub.shop-platform.enabled", "false")
                .set("hub.marketplaces.poll-interval-ms", "100")
                .set("hub.marketplaces.timeout-ms", "1000")
                .set("hub.marketplaces.retry-initial-delay-ms", "100")
                .set("hub.marketplaces.retry-max-delay-ms", "1000");
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            h.set(overrides[i], overrides[i + 1]);
        }
        return h;
    }

    /** A hub harness pushing to a shop platform sandbox of the test's own (org1, shop1 and shop2). */
    static HubHarness shopHarness(com.canopyhub.sandbox.shop.ShopPlatformSandbox shop, int records, String... overrides) throws Exception {
        HubHarness h = harness(null, records, overrides);
        h.set("hub.terravault.enabled", "false")
                .set("hub.shop-platform.enabled", "true")
                .set("hub.shop-platform.base-url", shop.baseUrl().toString())
                .set("hub.shop-platform.token", com.canopyhub.sandbox.shop.ShopPlatformSandbox.Options.defaults().firstToken())
                .set("hub.shop-platform.org-id", "org1")
                .set("hub.shop-platform.shops", "shop1,shop2")
                .set("hub.shop-platform.requests-per-minute", "6000");
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            h.set(overrides[i], overrides[i + 1]);
        }
        return h;
    }

    /** Waits until every outbox event was looked at and no listing of the sink is due or claimed. */
    static void awaitSettled(HubHarness h, String sink) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                (h.hub() == null || h.hub().bean("marketplacePlanner", MarketplacePlanner.class).lookedAtMappings())
                        && h.count("SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.MARKETPLACES.unread("o")) == 0
                        && h.count("SELECT count(*) FROM hub.marketplace_sinks WHERE sink = ?", sink) == 1
                        && h.count("SELECT count(*) FROM hub.marketplace_listings WHERE sink = ? AND (dirty OR claimed_by IS NOT NULL)", sink) == 0);
    }
}
