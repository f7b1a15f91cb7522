package com.canopyhub.source.distru;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Setting;
import com.canopyhub.config.SourceModule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Distru's settings (hub.distru.*) and its sandbox's (hub.sandbox.*), with the checks that span them. */
public final class DistruSettings implements SourceModule {

    /** Distru's streams, in sync order (reference data first). */
    public static final List<String> STREAMS =
            List.of("strains", "companies", "locations", "products", "batches", "packages", "inventory", "orders");


    // distru
    public static final Setting BASE_URL = HubSettings.setting("hub.distru.base-url", "", "Distru API base URL, e.g. https://app.distru.com. Empty: use the built-in Distru sandbox.",
            HubSettings::optionalHttpUrl);

    public static final Setting API_KEY = HubSettings.secret("hub.distru.api-key", "", "Distru API key (Bearer token). Required when hub.distru.base-url is set.");

    public static final Setting SANDBOX = HubSettings.setting("hub.distru.sandbox", "false", "Allow the built-in Distru sandbox (generated data, used while hub.distru.base-url is empty) to feed an external database (hub.reporting.jdbc-url). The embedded database may always be fed by it.",
            HubSettings::bool);

    public static final Setting SCHEDULE = HubSettings.setting("hub.distru.schedule", "0 0/5 * * * ?", "Quartz cron expression for the scheduled Distru sync (default: every 5 minutes).",
            HubSettings::cron);

    public static final Setting STREAMS_TO_SYNC = HubSettings.setting("hub.distru.streams", String.join(",", STREAMS),
            "Comma-separated Distru streams to sync, in this order. Known: " + String.join(", ", STREAMS) + ". (Formerly hub.distru.entities, still read for this release with a warning.)",
            v -> HubSettings.unknownOf(v, Set.copyOf(STREAMS), "stream"));

    public static final Setting REQUESTS_PER_SECOND = HubSettings.setting("hub.distru.requests-per-second", "2", "Client pacing towards Distru. The Distru reference states no rate limit: 2 requests/s is the hub's conservative default.",
            v -> HubSettings.decimalBetween(v, 0.01, 1000));

    public static final Setting SAFETY_LAG_MS = HubSettings.setting("hub.distru.safety-lag-ms", "2000", "A window ends this long before now: Distru is eventually consistent (up to 1 s) and clocks drift.",
            v -> HubSettings.longBetween(v, 0, 3_600_000));

    public static final Setting OVERLAP_MS = HubSettings.setting("hub.distru.overlap-ms", "300000", "A window starts this long before the previous window's end, so late-visible records are re-read (writes are idempotent).",
            v -> HubSettings.longBetween(v, 0, 86_400_000));

    public static final Setting CONNECT_TIMEOUT_MS = HubSettings.setting("hub.distru.connect-timeout-ms", "5000", "TCP connect timeout for Distru calls.", v -> HubSettings.longBetween(v, 1, 600_000));

    public static final Setting READ_TIMEOUT_MS = HubSettings.setting("hub.distru.read-timeout-ms", "30000", "Response timeout for one Distru page; a timeout is retried.", v -> HubSettings.longBetween(v, 1, 600_000));

    public static final Setting CURRENCY = HubSettings.setting("hub.distru.currency", "USD", "ISO-4217 currency of Distru prices (Distru sends bare numbers).",
            v -> v.matches("[A-Z]{3}") ? Optional.empty() : Optional.of("'" + v + "' is not a 3-letter ISO-4217 currency code"));

    // sandbox
    public static final Setting SANDBOX_RECORDS = HubSettings.setting("hub.sandbox.records", "3000", "Records per entity the Distru sandbox generates.", v -> HubSettings.longBetween(v, 0, 10_000_000));

    public static final Setting SANDBOX_SEED = HubSettings.setting("hub.sandbox.seed", "42", "Seed of the sandbox's data generator: the same seed gives the same data.", v -> HubSettings.longBetween(v, Long.MIN_VALUE, Long.MAX_VALUE));

    public static final Setting SANDBOX_CHURN_PER_MINUTE = HubSettings.setting("hub.sandbox.churn-per-minute", "30", "Products and packages the sandbox changes per minute while it runs, so scheduled syncs have work.",
            v -> HubSettings.longBetween(v, 0, 1_000_000));

    public static final Setting SANDBOX_REQUESTS_PER_SECOND = HubSettings.setting("hub.sandbox.requests-per-second", "20", "Rate limit the sandbox enforces (429 with Retry-After above it); 0 disables it.",
            v -> HubSettings.longBetween(v, 0, 1_000_000));

    public static final Setting SANDBOX_VISIBILITY_LAG_MS = HubSettings.setting("hub.sandbox.visibility-lag-ms", "500", "How long a sandbox change stays invisible to reads (Distru is eventually consistent, up to 1 s).",
            v -> HubSettings.longBetween(v, 0, 60_000));

    public static final Setting SANDBOX_FAULT_RATE = HubSettings.setting("hub.sandbox.fault-rate", "0", "Share of sandbox requests answered with an injected fault (429, 500, slow); 0 disables faults.",
            v -> HubSettings.decimalBetween(v, 0, 1));



    public static final DistruSettings MODULE = new DistruSettings();

    /** Built on first use, so HubSettings and this module may initialise in either order. */
    private static final class Declared {
        static final List<Setting> SETTINGS = List.of(
            BASE_URL,
            API_KEY,
            SANDBOX,
            SCHEDULE,
            STREAMS_TO_SYNC,
            REQUESTS_PER_SECOND,
            SAFETY_LAG_MS,
            OVERLAP_MS,
            CONNECT_TIMEOUT_MS,
            READ_TIMEOUT_MS,
            CURRENCY,
            SANDBOX_RECORDS,
            SANDBOX_SEED,
            SANDBOX_CHURN_PER_MINUTE,
            SANDBOX_REQUESTS_PER_SECOND,
            SANDBOX_VISIBILITY_LAG_MS,
            SANDBOX_FAULT_RATE);
    }

    @Override
    public Map<String, String> renamedKeys() {
        return Map.of("hub.distru.entities", "hub.distru.streams");
    }

    @Override
    public Keys keys() {
        return new Keys(BASE_URL, SCHEDULE, STREAMS_TO_SYNC, CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS);
    }

    @Override
    public int order() {
        return 100;
    }

    /** Registered in META-INF/services/com.canopyhub.config.SettingsGroup ({@link #MODULE} is the same settings). */
    public DistruSettings() {
    }

    @Override
    public String source() {
        return "distru";
    }

    @Override
    public List<String> streams() {
        return STREAMS;
    }

    @Override
    public List<Setting> settings() {
        return Declared.SETTINGS;
    }

    @Override
    public void crossCheck(Map<String, String> values, List<String> problems) {
        HubSettings.credentialsNeedTheirUrl(values, problems, "hub.distru.base-url", "hub.distru.api-key");
        if (!enabled(values)) {
            return;
        }
        if (!values.get("hub.distru.base-url").isEmpty() && values.get("hub.distru.api-key").isEmpty()
                && problems.stream().noneMatch(p -> p.startsWith("hub.distru.base-url"))) {
            problems.add("hub.distru.api-key: required when hub.distru.base-url is set (env HUB_DISTRU_API_KEY)");
        }
        HubSettings.sandboxGuard(values, problems, "distru", "Distru", "hub.distru.api-key");
    }
}
