package com.canopyhub.sandbox.origintrace;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The OriginTrace sandbox answers as origintrace-api.txt says (docs/origintrace-sandbox.md), over real HTTP. */
class OriginTraceSandboxTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(OriginTraceSandbox s, String pathAndQuery, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + pathAndQuery));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void paging_limits_filters_keys_and_the_budget_follow_the_reference() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        try (OriginTraceSandbox s = OriginTraceSandbox.start(OriginTraceSandbox.Options.of(20, 3), clock)) {
            String key = OriginTraceSandbox.DEFAULT_KEY;
            HttpResponse<String> first = get(s, "/api/v1/farms?limit=7&offset=14&sort=name", key);
            assertThat(first.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(first.body());
            assertThat(body.path("data")).hasSize(6);
            assertThat(body.path("meta").path("total").asInt()).isEqualTo(20);
            assertThat(body.path("meta").path("limit").asInt()).isEqualTo(7);
            assertThat(body.path("meta").path("offset").asInt()).isEqualTo(14);
            assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
            long reset = Long.parseLong(first.headers().firstValue("X-RateLimit-Reset").orElseThrow());
            assertThat(reset).isEqualTo(clock.instant().plus(Duration.ofHours(1)).getEpochSecond());

            HttpResponse<String> tooBig = get(s, "/api/v1/batches?limit=501", key);
            assertThat(tooBig.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(tooBig.body()).path("error").asText()).contains("500");

            HttpResponse<String> filtered = get(s, "/api/v1/farms?compliance_status=rejected", key);
            assertThat(JSON.readTree(filtered.body()).path("data")).allMatch(f -> f.path("compliance_status").asText().equals("rejected"))
                    .hasSize(4);
            assertThat(JSON.readTree(filtered.body()).path("meta").path("limit").asInt()).as("default limit").isEqualTo(100);

            HttpResponse<String> limited = get(s, "/api/v1/shipments", key);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).as("the delay is in the body").isEmpty();
            assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
            assertThat(JSON.readTree(limited.body()).path("retry_after").asLong()).isEqualTo(3600);
            clock.advance(Duration.ofHours(1));
            assertThat(get(s, "/api/v1/shipments", key).statusCode()).as("a new window").isEqualTo(200);

            assertThat(get(s, "/api/v1/farms", null).statusCode()).isEqualTo(401);
            s.addKey("expired", Set.of("read"), clock.instant(), 10);
            HttpResponse<String> expired = get(s, "/api/v1/farms", "expired");
            assertThat(expired.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(expired.body()).path("error").asText()).isEqualTo("Invalid or expired API key");
            s.addKey("writer", Set.of("write"), null, 10);
            HttpResponse<String> unscoped = get(s, "/api/v1/farms", "writer");
            assertThat(unscoped.statusCode()).isEqualTo(403);
            assertThat(unscoped.headers().firstValue("X-RateLimit-Remaining")).isPresent();
        }
    }
}
