package com.canopyhub.source.origintrace;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Setting;
import com.canopyhub.config.SourceModule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** OriginTrace's settings (hub.origintrace.*), its sandbox's, and the checks that span them. */
public final class OriginTraceSettings implements SourceModule {

    public static final Setting BASE_URL = HubSettings.setting("hub.origintrace.base-url", "", "OriginTrace API base URL, e.g. https://app.origintrace.io. Empty: use the built-in OriginTrace sandbox.",
            HubSettings::optionalHttpUrl);

    public static final Setting API_KEY = HubSettings.secret("hub.origintrace.api-key", "", "OriginTrace API key (Bearer) with the read scope. Required with hub.origintrace.base-url.");

    public static final Setting SANDBOX = HubSettings.setting("hub.origintrace.sandbox", "false", "Allow the built-in OriginTrace sandbox (used while hub.origintrace.base-url is empty) to feed an external database (hub.reporting.jdbc-url).",
            HubSettings::bool);

    public static final Setting SCHEDULE = HubSettings.setting("hub.origintrace.schedule", "0 0 * * * ?", "Quartz cron expression for the scheduled OriginTrace sync (default: hourly). Every pass reads every record (the API has no change filter): check-config prints the shortest period the key's budget allows for a data size.",
            HubSettings::cron);

    public static final Setting STREAMS_TO_SYNC = HubSettings.setting("hub.origintrace.streams", String.join(",", OriginTraceStream.names()),
            "Comma-separated OriginTrace streams to sync, in this order. Known: " + String.join(", ", OriginTraceStream.names()) + ".",
            v -> HubSettings.unknownOf(v, Set.copyOf(OriginTraceStream.names()), "stream"));

    public static final Setting FARM_STATUSES = HubSettings.setting("hub.origintrace.farm-compliance-statuses", "", "Sync only farms of these compliance statuses (comma-separated: pending, approved, rejected). One is asked of the API (compliance_status=…); several are read unfiltered and kept by the hub (the API filters by one value). Empty: every farm. A filtered stream never marks records deleted: a farm outside the filter is not gone.",
            v -> statuses(v, OriginTraceStream.FARMS));

    public static final Setting BATCH_STATUSES = HubSettings.setting("hub.origintrace.batch-statuses", "", "Sync only collection batches of these statuses (collecting, completed, aggregated, shipped), like hub.origintrace.farm-compliance-statuses. Empty: every batch. A filtered stream never marks records deleted.",
            v -> statuses(v, OriginTraceStream.BATCHES));

    public static final Setting SHIPMENT_STATUSES = HubSettings.setting("hub.origintrace.shipment-statuses", "", "Sync only shipments of these statuses (draft, ready, shipped, cancelled), like hub.origintrace.farm-compliance-statuses. Empty: every shipment. A filtered stream never marks records deleted.",
            v -> statuses(v, OriginTraceStream.SHIPMENTS));

    public static final Setting PAGE_SIZE = HubSettings.setting("hub.origintrace.page-size", "500", "Records per request (limit). 500, the reference's maximum, makes the fewest requests; lower it only if OriginTrace serves smaller pages than asked (the client stops with an error naming this key then).",
            v -> HubSettings.longBetween(v, 2, 500));

    public static final Setting RATE_LIMIT_PER_HOUR = HubSettings.setting("hub.origintrace.rate-limit-per-hour", "1000", "The key's request budget per hour (rate_limit_per_hour of the key; the reference's default is 1,000). The client paces by the X-RateLimit-Remaining and X-RateLimit-Reset headers; this sizes the reserve and check-config's schedule advice.",
            v -> HubSettings.longBetween(v, 1, 10_000_000));

    public static final Setting RESERVE_PERCENT = HubSettings.setting("hub.origintrace.reserve-requests", "5", "Percent of the hourly budget the hub leaves unused, so a person using the same key is not locked out.",
            v -> HubSettings.longBetween(v, 0, 90));

    public static final Setting STORE_PERSONAL_DATA = HubSettings.setting("hub.origintrace.store-personal-data", "false", "Store farmers' phone numbers in reporting.farms.farmer_phone. Default false: the number is dropped when the record is read. Never in logs, events or dead letters either way.",
            HubSettings::bool);

    public static final Setting CONNECT_TIMEOUT_MS = HubSettings.setting("hub.origintrace.connect-timeout-ms", "5000", "TCP connect timeout for OriginTrace calls.", v -> HubSettings.longBetween(v, 1, 600_000));

    public static final Setting READ_TIMEOUT_MS = HubSettings.setting("hub.origintrace.read-timeout-ms", "30000", "Response timeout for one OriginTrace page; a timeout is retried.", v -> HubSettings.longBetween(v, 1, 600_000));

    public static final Setting SANDBOX_FARMS = HubSettings.setting("hub.origintrace.sandbox-farms", "120", "Farms the OriginTrace sandbox generates (collection batches: twice as many; shipments: a tenth).",
            v -> HubSettings.longBetween(v, 0, 10_000_000));

    public static final Setting SANDBOX_RATE_LIMIT_PER_HOUR = HubSettings.setting("hub.origintrace.sandbox-rate-limit-per-hour", "1000", "The OriginTrace sandbox key's budget per hour (the reference's default).",
            v -> HubSettings.longBetween(v, 1, 10_000_000));

    public static final OriginTraceSettings MODULE = new OriginTraceSettings();

    /** Built on first use, so HubSettings and this module may initialise in either order. */
    private static final class Declared {
        static final List<Setting> SETTINGS = List.of(BASE_URL, API_KEY, SANDBOX, SCHEDULE, STREAMS_TO_SYNC, FARM_STATUSES,
                BATCH_STATUSES, SHIPMENT_STATUSES, PAGE_SIZE, RATE_LIMIT_PER_HOUR, RESERVE_PERCENT, STORE_PERSONAL_DATA, CONNECT_TIMEOUT_MS,
                READ_TIMEOUT_MS, SANDBOX_FARMS, SANDBOX_RATE_LIMIT_PER_HOUR);
    }

    /** Registered in META-INF/services/com.canopyhub.config.SettingsGroup ({@link #MODULE} is the same settings). */
    public OriginTraceSettings() {
    }

    @Override
    public Keys keys() {
        return new Keys(BASE_URL, SCHEDULE, STREAMS_TO_SYNC, CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS);
    }

    @Override
    public int order() {
        return 120;
    }

    @Override
    public String source() {
        return "origintrace";
    }

    @Override
    public List<String> streams() {
        return OriginTraceStream.names();
    }

    @Override
    public List<Setting> settings() {
        return Declared.SETTINGS;
    }

    /** The status filter setting of a stream. */
    static Setting statusFilter(OriginTraceStream stream) {
        return switch (stream) {
            case FARMS -> FARM_STATUSES;
            case BATCHES -> BATCH_STATUSES;
            case SHIPMENTS -> SHIPMENT_STATUSES;
        };
    }

    @Override
    public void crossCheck(Map<String, String> values, List<String> problems) {
        HubSettings.credentialsNeedTheirUrl(values, problems, "hub.origintrace.base-url", "hub.origintrace.api-key");
        if (!enabled(values)) {
            return;
        }
        if (!values.get("hub.origintrace.base-url").isEmpty() && values.get("hub.origintrace.api-key").isEmpty()
                && problems.stream().noneMatch(p -> p.startsWith("hub.origintrace.base-url"))) {
            problems.add("hub.origintrace.api-key: required when hub.origintrace.base-url is set (env HUB_ORIGINTRACE_API_KEY)");
        }
        HubSettings.sandboxGuard(values, problems, "origintrace", "OriginTrace", "hub.origintrace.api-key");
    }

    /**
     * The schedule advice: requests a complete pass takes for the records the hub holds (or for typical sizes when it
     * holds none), the time it takes at the key's budget, and the most frequent schedule that budget allows.
     */
    @Override
    public List<String> advice(HubSettings settings, java.util.function.ToLongFunction<String> storedRows) {
        int page = settings.getInt(PAGE_SIZE);
        long limit = settings.getLong(RATE_LIMIT_PER_HOUR);
        long usable = limit - (long) Math.ceil(limit * settings.getInt(RESERVE_PERCENT) / 100.0);
        List<String> lines = new java.util.ArrayList<>();
        long records = 0;
        long requests = 0;
        boolean known = true;
        for (String name : settings.getList(STREAMS_TO_SYNC)) {
            long n = storedRows.applyAsLong(OriginTraceStream.of(name).canonicalType().table());
            if (n < 0) {
                known = false;
                break;
            }
            records += n;
            requests += requestsPerPass(n, page);
        }
        if (known && records > 0) {
            Schedule s = recommendedSchedule(requests, usable);
            lines.add(String.format(java.util.Locale.ROOT, "%,d records held: a complete pass takes %,d requests (%.1f min at %,d "
                    + "usable requests an hour); schedule it no more often than every %s: %s = %s", records, requests,
                    requests * 60.0 / usable, usable, s.every(), SCHEDULE.key(), s.cron()));
        } else {
            lines.add(String.format(java.util.Locale.ROOT, "no records held yet; at %,d usable requests an hour (limit %,d, "
                    + "reserve %s %%), the schedule for N records per stream:", usable, limit, settings.get(RESERVE_PERCENT)));
            for (long n : new long[] {1_000, 10_000, 100_000, 1_000_000}) {
                long r = requestsPerPass(n, page) * settings.getList(STREAMS_TO_SYNC).size();
                Schedule s = recommendedSchedule(r, usable);
                lines.add(String.format(java.util.Locale.ROOT, "  %,9d records per stream: %,6d requests a pass, every %s (%s)", n, r,
                        s.every(), s.cron()));
            }
        }
        return lines;
    }

    /**
     * Requests a counted pass of {@code records} takes in pages of {@code page}: one page, then pages that each repeat
     * the previous page's last record (the continuity check), so each further page brings {@code page − 1} records.
     */
    public static long requestsPerPass(long records, int page) {
        return records <= page ? 1 : 1 + (records - page + page - 2) / (page - 1);
    }

    /** A schedule: how often, and its Quartz cron expression. */
    public record Schedule(String every, String cron) {
    }

    /**
     * The most frequent of the usual schedules (every 5, 10, 15, 20, 30 minutes; every 1, 2, 3, 4, 6, 8, 12 hours;
     * daily) at which passes of {@code requests} fit the {@code usablePerHour} budget.
     */
    public static Schedule recommendedSchedule(long requests, long usablePerHour) {
        double minutes = requests * 60.0 / usablePerHour;
        for (int m : new int[] {5, 10, 15, 20, 30}) {
            if (minutes <= m) {
                return new Schedule(m + " minutes", "0 0/" + m + " * * * ?");
            }
        }
        for (int h : new int[] {1, 2, 3, 4, 6, 8, 12}) {
            if (minutes <= h * 60) {
                return new Schedule(h == 1 ? "hour" : h + " hours", h == 1 ? "0 0 * * * ?" : "0 0 0/" + h + " * * ?");
            }
        }
        long days = (long) Math.ceil(minutes / 1440);
        return new Schedule(days == 1 ? "day" : days + " days (a pass takes longer than a day)",
                days == 1 ? "0 0 0 * * ?" : "0 0 0 1/" + days + " * ?");
    }

    private static Optional<String> statuses(String v, OriginTraceStream stream) {
        for (String s : HubSettings.splitList(v)) {
            if (!stream.statuses().contains(s)) {
                return Optional.of("'" + s + "' is not a " + stream.configName() + " status the reference documents ("
                        + String.join(", ", stream.statuses()) + ")");
            }
        }
        return Optional.empty();
    }
}
