package com.canopyhub.observe;

import com.canopyhub.events.DerivedEvents;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Operational events (docs/operations.md, "Alerts"): written into the outbox in the caller's transaction, next to
 * the state change that raised them, so webhooks and the Kafka feed carry them like any other event and each change
 * of state raises one event, never a flood. Their aggregate is the alert's subject (a stream, a subscription, a
 * sink), a name-based UUID, so one subject's events keep their order.
 */
public final class Alerts {

    /** The setting that turns alerts on (declared with the operations settings, read by the delivery modules too). */
    public static final String ENABLED_KEY = "hub.alerts.enabled";
    /** The outbox aggregate type of every alert (Kafka topic canopy.hub-alert.v1). */
    public static final String AGGREGATE_TYPE = "hub_alert";
    public static final String STREAM_FAILED = "hub.stream.failed";
    public static final String STREAM_STALE = "hub.stream.stale";
    public static final String STREAM_RECOVERED = "hub.stream.recovered";
    public static final String WEBHOOK_EXHAUSTED = "hub.webhook.exhausted";
    public static final String WEBHOOK_ENDPOINT_DISABLED = "hub.webhook.endpoint_disabled";
    public static final String MARKETPLACE_STOPPED = "hub.marketplace.stopped";

    private Alerts() {
    }

    /** Whether an event type is an operational one (a delivery of one raises no alert of its own: no chains). */
    public static boolean isAlert(String eventType) {
        return eventType.startsWith("hub.");
    }

    /**
     * Writes one alert. {@code subject} names what it is about ({@code stream:distru/products/}, {@code webhook:hook});
     * {@code facts} become the payload with {@code alert}, {@code subject} and {@code schema_version}.
     */
    public static void emit(Connection tx, String type, String subject, String sourceSystem, String stream, String partition,
                            Map<String, ?> facts) throws SQLException {
        Map<String, Object> payload = new TreeMap<>(facts);
        payload.put("alert", type);
        payload.put("subject", subject);
        payload.put("schema_version", "1");
        Object[] pairs = new Object[payload.size() * 2];
        int i = 0;
        for (Map.Entry<String, Object> e : payload.entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        DerivedEvents.write(tx, AGGREGATE_TYPE, UUID.nameUUIDFromBytes(("canopyhub-alert:" + subject).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                type, DerivedEvents.jsonOf(pairs), sourceSystem, stream, partition, null);
    }
}
