package com.canopyhub.source.origintrace;

import com.canopyhub.source.UpstreamGet;
import com.canopyhub.source.HeaderBudget;
import com.canopyhub.source.HttpFailures;
import com.canopyhub.source.RetryAfter;
import com.canopyhub.source.RetryableUpstreamException;
import com.canopyhub.source.UpstreamAuthException;
import com.canopyhub.source.UpstreamException;
import com.canopyhub.source.UpstreamRejectedException;
import com.canopyhub.source.UpstreamMeters;
import com.canopyhub.source.Upstreams;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;

/**
 * Reads OriginTrace's collections (../shared/reference/origintrace-api.txt): {@code Authorization: Bearer <key>},
 * {@code limit} and {@code offset}, the envelope {@code {"data": [...], "meta": {"total", "limit", "offset"}}}. Every
 * request waits for its slot in the key's hourly budget ({@link HeaderBudget}, fed by the X-RateLimit-* headers of
 * every answer, 429s included). Failures are classified, never retried here: 401 (invalid or expired key) and 403
 * (missing scope) name the setting and carry OriginTrace's {@code error} text; a 429 carries the body's
 * {@code retry_after} (there is no Retry-After header) for the routes' error handler to wait.
 */
public class OriginTraceClient implements AutoCloseable {

    static final String SYSTEM = "origintrace";

    private final URI baseUrl;
    private final String authorization;
    private final int pageSize;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration maxRetryAfter;
    private final HeaderBudget budget;
    private final CloseableHttpClient http;
    private final UpstreamMeters meters;

    public OriginTraceClient(URI baseUrl, String apiKey, int pageSize, HeaderBudget budget, Duration connectTimeout,
                             Duration readTimeout, Duration maxRetryAfter, ObjectMapper json, Clock clock, UpstreamMeters meters) {
        this.baseUrl = baseUrl;
        this.meters = meters;
        this.authorization = "Bearer " + apiKey;
        this.pageSize = pageSize;
        this.budget = budget;
        this.json = json;
        this.clock = clock;
        this.maxRetryAfter = maxRetryAfter;
        this.http = Upstreams.httpClient(connectTimeout, readTimeout, 5, SYSTEM, meters);
    }

    public int pageSize() {
        return pageSize;
    }

    public HeaderBudget budget() {
        return budget;
    }

    /** One answer of a collection: its records, and the set's total when the page was served. */
    public record CollectionPage(List<JsonNode> records, long total, long offset) {
    }

    /** {@code GET <path>?limit=<page size>&offset=<offset>[&<status parameter>=<status>]}. */
    public CollectionPage fetch(OriginTraceStream stream, long offset, String status) {
        StringBuilder q = new StringBuilder(stream.path()).append("?limit=").append(pageSize).append("&offset=").append(offset);
        if (status != null) {
            q.append('&').append(stream.statusParameter()).append('=').append(URLEncoder.encode(status, StandardCharsets.UTF_8));
        }
        String requestLine = "GET " + q;
        java.time.Instant before = clock.instant(); // the budget's clock: a test's moves instead of sleeping
        budget.beforeRequest();
        meters.upstreamWaited(SYSTEM, Duration.between(before, clock.instant()));
        return UpstreamGet.get(http, baseUrl.resolve(q.toString()), authorization, SYSTEM, requestLine, "hub.origintrace.base-url",
                new UpstreamGet.Answer<>() {
                    @Override
                    public CollectionPage ok(ClassicHttpResponse response, InputStream body) throws IOException {
                        budgetFrom(response);
                        return parse(body, requestLine, offset);
                    }

                    @Override
                    public UpstreamException refused(ClassicHttpResponse response, String body) {
                        budgetFrom(response); // 429s carry the budget too
                        return classify(requestLine, response.getCode(), body);
                    }
                });
    }

    private void budgetFrom(ClassicHttpResponse response) {
        budget.answered(UpstreamGet.header(response, "X-RateLimit-Remaining"), UpstreamGet.header(response, "X-RateLimit-Reset"));
    }

    private UpstreamException classify(String requestLine, int code, String body) {
        String error = errorText(body);
        if (code == 401) {
            return new UpstreamAuthException(SYSTEM, requestLine, code, "OriginTrace refused the key: \"" + error
                    + "\" (check hub.origintrace.api-key: a key is invalid once revoked or past its expires_in_days)");
        }
        if (code == 403) {
            return new UpstreamAuthException(SYSTEM, requestLine, code, "OriginTrace refused the request: \"" + error
                    + "\" (hub.origintrace.api-key needs the read scope)");
        }
        // a 429 states its delay in the body's retry_after, not in a header
        String retryAfter = code == 429 ? RetryAfter.fromJsonBody(body, "retry_after") : null;
        return HttpFailures.classify(SYSTEM, requestLine, code, UpstreamGet.abbreviate(body), retryAfter, clock, maxRetryAfter,
                "not authorised (check hub.origintrace.api-key)", "not authorised (check hub.origintrace.api-key)");
    }

    /** The {@code error} field every OriginTrace error body carries ("All error responses include a JSON body with an error field"). */
    private String errorText(String body) {
        try {
            JsonNode n = json.readTree(body);
            if (n != null && n.path("error").isTextual()) {
                return UpstreamGet.abbreviate(n.get("error").asText());
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the status says enough
        }
        return "no error text";
    }

    private CollectionPage parse(InputStream in, String requestLine, long offset) throws IOException {
        JsonNode root;
        try {
            root = json.readTree(in);
        } catch (JsonProcessingException e) {
            throw new RetryableUpstreamException(SYSTEM, requestLine, 200, "malformed JSON body: " + e.getOriginalMessage(), null, e);
        }
        JsonNode data = root == null ? null : root.get("data");
        JsonNode total = root == null ? null : root.path("meta").get("total");
        if (data == null || !data.isArray() || total == null || !total.canConvertToLong()) {
            throw new RetryableUpstreamException(SYSTEM, requestLine, 200, "body has no \"data\" array and \"meta.total\"", null, null);
        }
        if (data.size() > pageSize) {
            throw new UpstreamRejectedException(SYSTEM, requestLine, 200, "served " + data.size() + " records for limit="
                    + pageSize + ": the limit was not honoured, so offsets cannot be trusted");
        }
        List<JsonNode> records = new ArrayList<>(data.size());
        data.forEach(records::add);
        long served = total.asLong();
        if (data.size() < pageSize && offset + data.size() < served && !records.isEmpty()) {
            // a short page in the middle: the server caps limit below what was asked, and offsets computed from the
            // asked size would skip records. Say so rather than guess.
            JsonNode limit = root.path("meta").get("limit");
            throw new UpstreamRejectedException(SYSTEM, requestLine, 200, "served " + data.size() + " of " + pageSize
                    + " records at offset " + offset + " of " + served + " (meta.limit " + (limit == null ? "absent" : limit.asText())
                    + "): OriginTrace pages smaller than asked; set hub.origintrace.page-size to its limit");
        }
        return new CollectionPage(records, served, offset);
    }



    @Override
    public void close() throws IOException {
        http.close();
    }
}
