package com.canopyhub.source.metrc;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Setting;
import com.canopyhub.config.SourceModule;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Metrc's settings (hub.metrc.*), its sandbox's, and the checks that span them. */
public final class MetrcSettings implements SourceModule {

    public static final Setting BASE_URL = HubSettings.setting("hub.metrc.base-url", "", "Metrc API base URL of your state, e.g. https://api-ca.metrc.com. Empty: use the built-in Metrc sandbox.",
            HubSettings::optionalHttpUrl);

    public static final Setting INTEGRATOR_KEY = HubSettings.secret("hub.metrc.integrator-key", "", "Metrc integrator (vendor) API key: the user name of HTTP Basic. Required with hub.metrc.base-url.");

    public static final Setting USER_KEY = HubSettings.secret("hub.metrc.user-key", "", "Metrc user API key: the password of HTTP Basic. Required with hub.metrc.base-url.");

    public static final Setting SANDBOX = HubSettings.setting("hub.metrc.sandbox", "false", "Allow the built-in Metrc sandbox (used while hub.metrc.base-url is empty) to feed an external database (hub.reporting.jdbc-url).",
            HubSettings::bool);

    public static final Setting LICENSE_NUMBERS = HubSettings.setting("hub.metrc.license-numbers", "", "Comma-separated licences to sync, one partition each. Empty: every facility the keys can see (GET /facilities/v2/).",
            HubSettings::any);

    public static final Setting START_DATE = HubSettings.setting("hub.metrc.start-date", "", "Where a licence's first sync starts (YYYY-MM-DD, UTC), read in 24 h slices. Empty: hub.metrc.backfill-days before the first sync.",
            MetrcSettings::optionalDate);

    public static final Setting BACKFILL_DAYS = HubSettings.setting("hub.metrc.backfill-days", "30", "How far back a first sync reads when hub.metrc.start-date is empty.",
            v -> HubSettings.longBetween(v, 1, 3650));

    public static final Setting SCHEDULE = HubSettings.setting("hub.metrc.schedule", "0 0/15 * * * ?", "Quartz cron expression for the scheduled Metrc sync (default: every 15 minutes).",
            HubSettings::cron);

    public static final Setting STREAMS_TO_SYNC = HubSettings.setting("hub.metrc.streams", String.join(",", MetrcStream.names()),
            "Comma-separated Metrc streams to sync, in this order. Known: " + String.join(", ", MetrcStream.names()) + ".",
            v -> HubSettings.unknownOf(v, Set.copyOf(MetrcStream.names()), "stream"));

    public static final Setting STREAMS_FOLLOW_LICENSE_TYPE = HubSettings.setting("hub.metrc.streams-follow-license-type", "true", "Sync a stream only for licences whose facility can have it, by the FacilityType flags of GET /facilities/v2/ (CanGrowPlants: plants, plant batches, harvests; CanSellToConsumers/Patients/Caregivers or CanDeliverSalesToConsumers: sales receipts; everything else for every licence); false: every configured stream for every licence.",
            HubSettings::bool);

    public static final Setting FACILITY_REQUESTS_PER_SECOND = HubSettings.setting("hub.metrc.facility-requests-per-second", "50", "GET requests per second per facility. The references state no limit: 50 is the hub's conservative default (the figure integrators commonly work to); the client paces a little under it.",
            v -> HubSettings.decimalBetween(v, 0.1, 10_000));

    public static final Setting FACILITY_IN_FLIGHT = HubSettings.setting("hub.metrc.facility-in-flight", "10", "Most requests in flight at once per facility (not in the references; a conservative default).",
            v -> HubSettings.longBetween(v, 1, 1000));

    public static final Setting INTEGRATOR_REQUESTS_PER_SECOND = HubSettings.setting("hub.metrc.integrator-requests-per-second", "150", "GET requests per second per integrator key, shared by every licence synced at once. The references state no limit: 150 is the hub's conservative default; the client paces a little under it.",
            v -> HubSettings.decimalBetween(v, 0.1, 10_000));

    public static final Setting INTEGRATOR_IN_FLIGHT = HubSettings.setting("hub.metrc.integrator-in-flight", "30", "Most requests in flight at once per integrator key (not in the references; a conservative default).",
            v -> HubSettings.longBetween(v, 1, 1000));

    public static final Setting READ_AHEAD_PAGES = HubSettings.setting("hub.metrc.read-ahead-pages", "4", "Pages a licence's run requests ahead of the one being written (the next page, the next slices' first pages), so Metrc's latency does not idle the rate limit; the in-flight limits still apply.",
            v -> HubSettings.longBetween(v, 1, 10));

    public static final Setting CURRENCY = HubSettings.setting("hub.metrc.currency", "USD", "ISO-4217 currency of Metrc amounts (sales receipts; Metrc sends bare numbers).",
            v -> v.matches("[A-Z]{3}") ? Optional.empty() : Optional.of("'" + v + "' is not a 3-letter ISO-4217 currency code"));

    public static final Setting SAFETY_LAG_MS = HubSettings.setting("hub.metrc.safety-lag-ms", "5000", "A window ends this long before now (eventual consistency, clock skew).",
            v -> HubSettings.longBetween(v, 0, 3_600_000));

    public static final Setting OVERLAP_MS = HubSettings.setting("hub.metrc.overlap-ms", "300000", "A window starts this long before the previous window's end, so late-visible records are re-read (writes are idempotent).",
            v -> HubSettings.longBetween(v, 0, 86_400_000));

    public static final Setting CONNECT_TIMEOUT_MS = HubSettings.setting("hub.metrc.connect-timeout-ms", "5000", "TCP connect timeout for Metrc calls.", v -> HubSettings.longBetween(v, 1, 600_000));

    public static final Setting READ_TIMEOUT_MS = HubSettings.setting("hub.metrc.read-timeout-ms", "30000", "Response timeout for one Metrc page; a timeout is retried.", v -> HubSettings.longBetween(v, 1, 600_000));

    public static final Setting SANDBOX_FACILITIES = HubSettings.setting("hub.metrc.sandbox-facilities", "3", "Facilities the Metrc sandbox simulates (a cultivator, a dispensary, a manufacturer, ...).",
            v -> HubSettings.longBetween(v, 1, 100));

    public static final Setting SANDBOX_CHURN_PER_MINUTE = HubSettings.setting("hub.metrc.sandbox-churn-per-minute", "20", "Active packages the Metrc sandbox changes per minute while it runs (from 30 s after start), so scheduled syncs have work.",
            v -> HubSettings.longBetween(v, 0, 100_000));

    public static final Setting SANDBOX_RECORDS = HubSettings.setting("hub.metrc.sandbox-records", "40", "Records per endpoint and facility the Metrc sandbox generates, spread over its last 14 days.",
            v -> HubSettings.longBetween(v, 0, 1_000_000));


    public static final MetrcSettings MODULE = new MetrcSettings();

    /** Built on first use, so HubSettings and this module may initialise in either order. */
    private static final class Declared {
        static final List<Setting> SETTINGS = List.of(
            BASE_URL,
            INTEGRATOR_KEY,
            USER_KEY,
            SANDBOX,
            LICENSE_NUMBERS,
            START_DATE,
            BACKFILL_DAYS,
            SCHEDULE,
            STREAMS_TO_SYNC,
            STREAMS_FOLLOW_LICENSE_TYPE,
            FACILITY_REQUESTS_PER_SECOND,
            FACILITY_IN_FLIGHT,
            INTEGRATOR_REQUESTS_PER_SECOND,
            INTEGRATOR_IN_FLIGHT,
            READ_AHEAD_PAGES,
            CURRENCY,
            SAFETY_LAG_MS,
            OVERLAP_MS,
            CONNECT_TIMEOUT_MS,
            READ_TIMEOUT_MS,
            SANDBOX_FACILITIES,
            SANDBOX_CHURN_PER_MINUTE,
            SANDBOX_RECORDS);
    }

    @Override
    public Keys keys() {
        return new Keys(BASE_URL, SCHEDULE, STREAMS_TO_SYNC, CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS);
    }

    @Override
    public int order() {
        return 110;
    }

    /** Registered in META-INF/services/com.canopyhub.config.SettingsGroup ({@link #MODULE} is the same settings). */
    public MetrcSettings() {
    }

    @Override
    public String source() {
        return "metrc";
    }

    @Override
    public List<String> streams() {
        return MetrcStream.names();
    }

    @Override
    public List<Setting> settings() {
        return Declared.SETTINGS;
    }

    @Override
    public void crossCheck(Map<String, String> values, List<String> problems) {
        HubSettings.credentialsNeedTheirUrl(values, problems, "hub.metrc.base-url", "hub.metrc.integrator-key", "hub.metrc.user-key");
        if (!enabled(values)) {
            return;
        }
        if (!values.get("hub.metrc.base-url").isEmpty()) {
            for (String key : List.of("hub.metrc.integrator-key", "hub.metrc.user-key")) {
                if (values.get(key).isEmpty() && problems.stream().noneMatch(p -> p.startsWith("hub.metrc.base-url"))) {
                    problems.add(key + ": required when hub.metrc.base-url is set (env "
                            + HubSettings.find(key).orElseThrow().environmentVariable() + ")");
                }
            }
        }
        HubSettings.sandboxGuard(values, problems, "metrc", "Metrc", "hub.metrc.integrator-key", "hub.metrc.user-key");
    }

    private static Optional<String> optionalDate(String v) {
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            LocalDate.parse(v);
            return Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.of("'" + v + "' is not a date (YYYY-MM-DD)");
        }
    }
}
