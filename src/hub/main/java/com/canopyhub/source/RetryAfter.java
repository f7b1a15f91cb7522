package com.canopyhub.source;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Parses an HTTP Retry-After header: delta-seconds or an HTTP-date. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * A retry delay an upstream states in its JSON error body rather than in the header (OriginTrace: "the API returns
     * a 429 status with a retry_after field in seconds"), as a header value for {@link #parse}; null when absent.
     */
    private static final ObjectMapper JSON = new ObjectMapper();

    public static String fromJsonBody(String body, String field) {
        try {
            JsonNode n = JSON.readTree(body);
            JsonNode v = n == null ? null : n.get(field);
            if (v != null && v.isNumber()) {
                return Long.toString((long) Math.ceil(v.asDouble()));
            }
            return v != null && v.isTextual() ? v.asText() : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    public static Optional<Duration> parse(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException notADate) {
                return Optional.empty();
            }
        }
    }
}
