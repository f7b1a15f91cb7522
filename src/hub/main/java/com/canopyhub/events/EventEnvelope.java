package com.canopyhub.events;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The envelope every delivered event travels in, the same for webhooks and the Kafka feed (docs/events.md):
 * {@code {"id": "evt_…", "type", "created_at", "data": <the outbox payload>}}, built as text around the payload's
 * exact bytes (no parse, no re-serialisation).
 */
public final class EventEnvelope {

    private EventEnvelope() {
    }

    public static String json(String eventId, String type, Instant occurredAt, String payload) {
        StringBuilder sb = new StringBuilder(payload.length() + 128);
        sb.append("{\"id\":\"").append(eventId).append("\",\"type\":\"").append(type)
                .append("\",\"created_at\":\"").append(DateTimeFormatter.ISO_INSTANT.format(occurredAt.truncatedTo(ChronoUnit.SECONDS)))
                .append("\",\"data\":").append(payload).append('}');
        return sb.toString();
    }
}
