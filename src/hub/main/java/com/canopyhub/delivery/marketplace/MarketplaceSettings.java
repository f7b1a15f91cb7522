package com.canopyhub.delivery.marketplace;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Setting;
import java.util.List;

/** The settings of the marketplace sinks (docs/marketplaces.md), declared next to the components that read them. */
public final class MarketplaceSettings implements com.canopyhub.config.SettingsGroup {

    public static final Setting SENDERS = Setting.of("hub.marketplaces.senders", "4", "Threads sending marketplace requests on this node, per marketplace (each waits for its slot in the key's shared rate limit).",
            v -> HubSettings.longBetween(v, 1, 100));

    public static final Setting POLL_INTERVAL_MS = Setting.of("hub.marketplaces.poll-interval-ms", "500", "How often each marketplace sink looks for changed products (outbox events) and due listings.",
            v -> HubSettings.longBetween(v, 50, 3_600_000));

    public static final Setting TIMEOUT_MS = Setting.of("hub.marketplaces.timeout-ms", "15000", "A marketplace request that has not answered within this time failed (its outcome is unknown: the next try starts with a lookup).",
            v -> HubSettings.longBetween(v, 100, 300_000));

    public static final Setting RETRY_INITIAL_DELAY_MS = Setting.of("hub.marketplaces.retry-initial-delay-ms", "5000", "A listing whose request failed (5xx, timeout) is tried again after this, doubling per failure in a row (+-10 %); it stays due until it goes through.",
            v -> HubSettings.longBetween(v, 10, 3_600_000));

    public static final Setting RETRY_MAX_DELAY_MS = Setting.of("hub.marketplaces.retry-max-delay-ms", "600000", "Upper bound of a listing's retry delay (a Retry-After is honoured up to an hour).",
            v -> HubSettings.longBetween(v, 10, 86_400_000));

    public static final Setting LISTING_ATTEMPTS = Setting.of("hub.marketplaces.listing-attempts", "5", "A listing whose own handling fails (an answer the hub cannot use, a value the database refuses, a lookup that contradicts a 409) backs off like a failed request and, after this many failures in a row, becomes a dead letter with the reason; every other listing goes on.",
            v -> HubSettings.longBetween(v, 1, 100));

    public static final Setting LEASE_SECONDS = Setting.of("hub.marketplaces.lease-seconds", "60", "How long a node holds a listing it claimed without touching it; a hung node's listings go to another after this (a dead node's at once).",
            v -> HubSettings.longBetween(v, 1, 3600));

    public static final Setting POOL_SIZE = Setting.of("hub.marketplaces.pool-size", "3", "Database connections of the marketplace sinks, a pool of their own beside hub.reporting.pool-size.",
            v -> HubSettings.longBetween(v, 1, 100));

    public static final Setting ALLOW_SANDBOX_DATA = Setting.of("hub.marketplaces.allow-sandbox-data", "false", "Allow a real marketplace (a base URL set) to receive products while a source runs on its built-in sandbox. Off: startup fails rather than list generated products for sale.",
            HubSettings::bool);

    // terravault
    public static final Setting TERRAVAULT_ENABLED = Setting.of("hub.terravault.enabled", "auto", "Push listings to TerraVault (routes/deliver-terravault.camel.yaml): true, false, or auto (when hub.terravault.base-url is set, or every source runs on its sandbox: then the built-in TerraVault sandbox).",
            HubSettings.oneOf("auto", "true", "false"));

    public static final Setting TERRAVAULT_BASE_URL = Setting.of("hub.terravault.base-url", "", "TerraVault API base URL, e.g. https://terravault.app. Empty: the built-in TerraVault sandbox.",
            HubSettings::optionalHttpUrl);

    public static final Setting TERRAVAULT_API_KEY = Setting.secretOf("hub.terravault.api-key", "", "TerraVault API key (tv_live_…, sent as Bearer) with the scopes products:read, products:write and inventory:write. Required when hub.terravault.base-url is set.");

    public static final Setting TERRAVAULT_REQUESTS_PER_MINUTE = Setting.of("hub.terravault.requests-per-minute", "100", "TerraVault's limit per API key. Every node and route using the key shares it (through PostgreSQL); requests are paced at 97 % of it.",
            v -> HubSettings.longBetween(v, 1, 100_000));

    public static final Setting TERRAVAULT_RATE_WINDOW = Setting.of("hub.terravault.rate-window", "1m", "The window TerraVault counts requests-per-minute in: a minute. (Tests shorten it, with the sandbox's.)",
            HubSettings::duration);

    public static final Setting TERRAVAULT_MAPPING_FILE = Setting.of("hub.terravault.mapping-file", "config/marketplaces/terravault.yaml", "What is listed on TerraVault and how listing fields are filled (Camel Simple over the product's facts; docs/marketplaces.md).",
            HubSettings::nonBlank);

    public static final Setting TERRAVAULT_WEBHOOK_SECRET = Setting.secretOf("hub.terravault.webhook-secret", "", "The secret TerraVault signs its order webhooks with (HMAC-SHA256). Empty: order webhooks are refused (401), except from the built-in sandbox, which gets a generated one.");

    public static final Setting TERRAVAULT_WEBHOOK_SIGNATURE = Setting.of("hub.terravault.webhook-signature", "body", "Where TerraVault's webhook signature travels: body (as the reference's example shows it: a \"signature\": \"sha256=…\" member, the HMAC of the body as received without that member; retries up to 24 h later are accepted, the event id dedupes them) or header (X-TerraVault-Timestamp and X-TerraVault-Signature over timestamp.body, within hub.terravault.webhook-tolerance-seconds).",
            HubSettings.oneOf("body", "header"));

    public static final Setting TERRAVAULT_WEBHOOK_TOLERANCE_SECONDS = Setting.of("hub.terravault.webhook-tolerance-seconds", "300", "With hub.terravault.webhook-signature=header: an order webhook whose signed timestamp is further than this from now is a replay, refused with 401.",
            v -> HubSettings.longBetween(v, 10, 86_400));

    // shop platform
    public static final Setting SHOP_PLATFORM_ENABLED = Setting.of("hub.shop-platform.enabled", "auto", "Push products to the shop platform's org and shops (routes/deliver-shop-platform.camel.yaml): true, false, or auto (when hub.shop-platform.base-url is set, or every source runs on its sandbox).",
            HubSettings.oneOf("auto", "true", "false"));

    public static final Setting SHOP_PLATFORM_BASE_URL = Setting.of("hub.shop-platform.base-url", "", "Shop platform API base URL. Empty: the built-in shop platform sandbox.",
            HubSettings::optionalHttpUrl);

    public static final Setting SHOP_PLATFORM_TOKEN = Setting.secretOf("hub.shop-platform.token", "", "Shop platform API token (Bearer) with the scopes products.read and products.write. Required when hub.shop-platform.base-url is set.");

    public static final Setting SHOP_PLATFORM_ORG_ID = Setting.of("hub.shop-platform.org-id", "", "The organization whose inventory the hub keeps. Required when hub.shop-platform.base-url is set (the sandbox's is org1).",
            HubSettings::any);

    public static final Setting SHOP_PLATFORM_SHOPS = Setting.of("hub.shop-platform.shops", "", "The org's shops products are attached to (when in stock), comma-separated shop_ids. Empty with the sandbox: shop1,shop2.",
            HubSettings::any);

    public static final Setting SHOP_PLATFORM_REQUESTS_PER_MINUTE = Setting.of("hub.shop-platform.requests-per-minute", "60", "Requests per minute per token, shared by every node (paced at 97 % of it). The shop platform's reference states no limit: 60 is the hub's conservative default.",
            v -> HubSettings.longBetween(v, 1, 100_000));

    public static final Setting SHOP_PLATFORM_RATE_WINDOW = Setting.of("hub.shop-platform.rate-window", "1m", "The window requests-per-minute counts in.",
            HubSettings::duration);

    public static final Setting SHOP_PLATFORM_MAPPING_FILE = Setting.of("hub.shop-platform.mapping-file", "config/marketplaces/shop-platform.yaml", "What is put in the org's inventory, its catalogue id (p1_id) and fields, and per-shop overrides (docs/marketplaces.md).",
            HubSettings::nonBlank);


    public static final List<Setting> SETTINGS = List.of(
            SENDERS,
            POLL_INTERVAL_MS,
            TIMEOUT_MS,
            RETRY_INITIAL_DELAY_MS,
            RETRY_MAX_DELAY_MS,
            LISTING_ATTEMPTS,
            LEASE_SECONDS,
            POOL_SIZE,
            ALLOW_SANDBOX_DATA,
            TERRAVAULT_ENABLED,
            TERRAVAULT_BASE_URL,
            TERRAVAULT_API_KEY,
            TERRAVAULT_REQUESTS_PER_MINUTE,
            TERRAVAULT_RATE_WINDOW,
            TERRAVAULT_MAPPING_FILE,
            TERRAVAULT_WEBHOOK_SECRET,
            TERRAVAULT_WEBHOOK_SIGNATURE,
            TERRAVAULT_WEBHOOK_TOLERANCE_SECONDS,
            SHOP_PLATFORM_ENABLED,
            SHOP_PLATFORM_BASE_URL,
            SHOP_PLATFORM_TOKEN,
            SHOP_PLATFORM_ORG_ID,
            SHOP_PLATFORM_SHOPS,
            SHOP_PLATFORM_REQUESTS_PER_MINUTE,
            SHOP_PLATFORM_RATE_WINDOW,
            SHOP_PLATFORM_MAPPING_FILE);

    /**
     * One marketplace's keys, typed: the marketplaces share the shape of their settings, so the delivery wiring reads
     * either one's through this instead of building key names. Null where a marketplace has no such key.
     */
    public record Keys(String marketplace, Setting enabled, Setting baseUrl, Setting credential, Setting orgId, Setting shops,
                       Setting requestsPerMinute, Setting rateWindow, Setting mappingFile, Setting webhookSecret,
                       Setting webhookSignature, Setting webhookTolerance) {

        /** The keys of {@code terravault} or {@code shop-platform}. */
        public static Keys of(String marketplace) {
            return switch (marketplace) {
                case "terravault" -> TERRAVAULT_KEYS;
                case "shop-platform" -> SHOP_PLATFORM_KEYS;
                default -> throw new IllegalArgumentException("no marketplace '" + marketplace + "'");
            };
        }
    }

    public static final Keys TERRAVAULT_KEYS = new Keys("terravault", TERRAVAULT_ENABLED, TERRAVAULT_BASE_URL, TERRAVAULT_API_KEY,
            null, null, TERRAVAULT_REQUESTS_PER_MINUTE, TERRAVAULT_RATE_WINDOW, TERRAVAULT_MAPPING_FILE, TERRAVAULT_WEBHOOK_SECRET,
            TERRAVAULT_WEBHOOK_SIGNATURE, TERRAVAULT_WEBHOOK_TOLERANCE_SECONDS);

    public static final Keys SHOP_PLATFORM_KEYS = new Keys("shop-platform", SHOP_PLATFORM_ENABLED, SHOP_PLATFORM_BASE_URL,
            SHOP_PLATFORM_TOKEN, SHOP_PLATFORM_ORG_ID, SHOP_PLATFORM_SHOPS, SHOP_PLATFORM_REQUESTS_PER_MINUTE,
            SHOP_PLATFORM_RATE_WINDOW, SHOP_PLATFORM_MAPPING_FILE, null, null, null);

    @Override
    public List<Setting> settings() {
        return SETTINGS;
    }

    @Override
    public int order() {
        return 20;
    }

    /** Registered in META-INF/services/com.canopyhub.config.SettingsGroup. */
    public MarketplaceSettings() {
    }

}
