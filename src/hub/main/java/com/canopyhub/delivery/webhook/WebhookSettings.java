package com.canopyhub.delivery.webhook;

import static com.canopyhub.config.HubSettings.longBetween;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The settings of signed webhooks (docs/webhooks.md), declared next to the component that reads them. */
public final class WebhookSettings implements com.canopyhub.config.SettingsGroup {

    public static final String DEFAULT_SCHEDULE = "5s,5m,25m,1h30m,3h,5h,14h";


    public static final Setting ENABLED = Setting.of("hub.webhooks.enabled", "true", "Deliver the outbox's events to the webhook subscriptions (routes/deliver-webhooks.camel.yaml). false: events stay in the outbox.",
            HubSettings::bool);

    public static final Setting FILE = Setting.of("hub.webhooks.file", "config/webhooks.yaml", "The subscriptions file, synced into PostgreSQL at startup. A missing file means no subscriptions. (Its low_stock / document_expiring sections belong in hub.events.file now; still read for this release when that file does not exist.)",
            HubSettings::nonBlank);

    public static final Setting RETRY_SCHEDULE = Setting.of("hub.webhooks.retry-schedule", DEFAULT_SCHEDULE, "The delays between attempts (ms, s, m, h, d; each gets +-10 % jitter): N delays mean N+1 attempts, then the delivery is dead (replayable). The default makes 8 attempts over about 24 hours.",
            WebhookSettings::schedule);

    public static final Setting TIMEOUT_MS = Setting.of("hub.webhooks.timeout-ms", "15000", "A delivery that has not answered 2xx within this time failed (connect and response).",
            v -> longBetween(v, 100, 300_000));

    public static final Setting ALLOWED_PRIVATE_HOSTS = Setting.of("hub.webhooks.allowed-private-hosts", "", "Hosts (as written in subscription URLs) that may use http and resolve to loopback, private or link-local addresses, e.g. 127.0.0.1,localhost. Empty: https to public addresses only.",
            v -> Optional.empty());

    public static final Setting MAX_IN_FLIGHT = Setting.of("hub.webhooks.max-in-flight", "10", "Deliveries in flight to one subscription at once, across every node (a subscription's max_in_flight overrides it).",
            v -> longBetween(v, 1, 1000));

    public static final Setting IN_FLIGHT_DURING_SYNC = Setting.of("hub.webhooks.in-flight-during-sync", "2", "While a sync pass runs on this node, at most this many deliveries are in flight here: the pass's pages get the CPU first (a large initial load's events then go out after it, at full speed).",
            v -> longBetween(v, 1, 1000));

    public static final Setting SENDERS = Setting.of("hub.webhooks.senders", "32", "Threads sending deliveries on this node (all subscriptions together).",
            v -> longBetween(v, 1, 1000));

    public static final Setting POOL_SIZE = Setting.of("hub.webhooks.pool-size", "3", "Database connections of the webhook dispatcher, a pool of its own beside hub.reporting.pool-size (so deliveries never keep a sync's page waiting for a connection).",
            v -> longBetween(v, 1, 100));

    public static final Setting POLL_INTERVAL_MS = Setting.of("hub.webhooks.poll-interval-ms", "2000", "The dispatcher looks for due deliveries this often, besides being woken when a page commits (PostgreSQL LISTEN/NOTIFY).",
            v -> longBetween(v, 50, 3_600_000));

    public static final Setting DISABLE_AFTER = Setting.of("hub.webhooks.disable-after", "5d", "A subscription whose deliveries fail continuously for this long is disabled, with a warning (`webhooks enable` re-enables it).",
            HubSettings::duration);

    public static final Setting ROTATION_OVERLAP = Setting.of("hub.webhooks.rotation-overlap", "24h", "After `webhooks rotate-secret` (or a changed secret in the file), the previous secret keeps signing this long beside the new one.",
            HubSettings::duration);

    public static final Setting SECRET_KEY = Setting.secretOf("hub.webhooks.secret-key", "", "Base64 of 32 bytes: the AES-256 key that encrypts the signing secrets in the database. Empty: a key file (hub.webhooks.secret-key-file), created on first use. Every node of one database needs the same key.");

    public static final Setting SECRET_KEY_FILE = Setting.of("hub.webhooks.secret-key-file", "data/webhook-secret.key", "Where the key of hub.webhooks.secret-key is kept when that setting is empty (created with owner-only permissions).",
            HubSettings::nonBlank);

    public static final Setting SANDBOX_RECEIVER = Setting.of("hub.webhooks.sandbox-receiver", "auto", "Start the built-in webhook receiver, subscribed to every event (subscription 'sandbox'): true, false, or auto (when every configured source runs on its sandbox).",
            HubSettings.oneOf("auto", "true", "false"));


    /** Attempts at 0, 5 s, ~5 min, ~30 min, ~2 h, ~5 h, ~10 h and ~24 h after the first: 8 attempts over a day. */

    public static final List<Setting> SETTINGS = List.of(
            ENABLED,
            FILE,
            RETRY_SCHEDULE,
            TIMEOUT_MS,
            ALLOWED_PRIVATE_HOSTS,
            MAX_IN_FLIGHT,
            IN_FLIGHT_DURING_SYNC,
            SENDERS,
            POOL_SIZE,
            POLL_INTERVAL_MS,
            DISABLE_AFTER,
            ROTATION_OVERLAP,
            SECRET_KEY,
            SECRET_KEY_FILE,
            SANDBOX_RECEIVER);

    @Override
    public List<Setting> settings() {
        return SETTINGS;
    }

    @Override
    public int order() {
        return 10;
    }

    /** Registered in META-INF/services/com.canopyhub.config.SettingsGroup. */
    public WebhookSettings() {
    }


    /** {@code 500ms}, {@code 5s}, {@code 1h30m}, {@code 5d}: empty if the text is not such a duration. */
    public static Optional<Duration> duration(String text) {
        return com.canopyhub.config.Durations.parse(text);
    }

    /** The delays of a retry schedule, in order. */
    public static List<Duration> delays(String schedule) {
        List<Duration> out = new ArrayList<>();
        for (String part : schedule.split(",")) {
            out.add(duration(part).orElseThrow(() -> new IllegalArgumentException("not a duration: " + part)));
        }
        return out;
    }

    static Optional<String> schedule(String v) {
        String[] parts = v.split(",");
        if (parts.length > 30) {
            return Optional.of("at most 30 delays");
        }
        for (String p : parts) {
            if (duration(p).isEmpty()) {
                return Optional.of("'" + p.trim() + "' is not a delay such as 5s, 5m, 1h30m or 1d (comma-separated)");
            }
        }
        return Optional.empty();
    }
}
