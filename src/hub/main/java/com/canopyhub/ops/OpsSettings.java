package com.canopyhub.ops;

import static com.canopyhub.config.HubSettings.longBetween;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Setting;
import java.util.List;
import java.util.Optional;

/** The settings of operations (docs/operations.md): alerts, the admin API, traces. */
public final class OpsSettings implements com.canopyhub.config.SettingsGroup {

    public static final Setting ALERTS_ENABLED = Setting.of(com.canopyhub.observe.Alerts.ENABLED_KEY, "true",
            "Emit operational events (hub.stream.failed, hub.stream.stale, hub.stream.recovered, hub.webhook.exhausted, "
                    + "hub.webhook.endpoint_disabled, hub.marketplace.stopped) through the outbox, once per change of state.",
            HubSettings::bool);

    public static final Setting ALERTS_FAILED_AFTER = Setting.of("hub.alerts.failed-after", "3",
            "A stream whose last N runs failed raises hub.stream.failed (and is listed in /health/ready's details).",
            v -> longBetween(v, 1, 1000));

    public static final Setting ALERTS_STALE_AFTER = Setting.of("hub.alerts.stale-after", "auto",
            "A stream with no successful run for longer than this raises hub.stream.stale: a duration (e.g. 2h), or auto: "
                    + "three periods of its source's schedule (a source without a schedule is never stale).",
            v -> v.equals("auto") || com.canopyhub.config.Durations.parse(v).isPresent() ? Optional.empty()
                    : Optional.of("auto, or a duration such as 90m or 2h"));

    public static final Setting ALERTS_CHECK_INTERVAL = Setting.of("hub.alerts.check-interval", "30s",
            "How often the staleness of every stream is checked.", HubSettings::duration);

    public static final Setting ADMIN_TOKEN = Setting.secretOf("hub.admin.token", "",
            "Bearer token of the admin API (/api/v1) and the console (/). Empty: they answer only requests from this machine (localhost).");

    public static final Setting OTEL_ENDPOINT = Setting.of("hub.otel.endpoint", "",
            "OTLP/HTTP endpoint traces are exported to (e.g. http://localhost:4318). Empty: no traces (no span is made, nothing costs).",
            v -> v.isEmpty() || v.startsWith("http://") || v.startsWith("https://") ? Optional.empty()
                    : Optional.of("an http:// or https:// URL, or empty"));

    @Override
    public List<Setting> settings() {
        return List.of(ALERTS_ENABLED, ALERTS_FAILED_AFTER, ALERTS_STALE_AFTER, ALERTS_CHECK_INTERVAL, ADMIN_TOKEN, OTEL_ENDPOINT);
    }

    @Override
    public int order() {
        return 5;
    }

    /** Registered in META-INF/services/com.canopyhub.config.SettingsGroup. */
    public OpsSettings() {
    }
}
