package com.canopyhub.source.distru;

import org.apache.hc.core5.http.ClassicHttpResponse;
import com.canopyhub.source.UpstreamException;
import com.canopyhub.source.UpstreamGet;
import com.canopyhub.source.HttpFailures;
import com.canopyhub.source.RetryableUpstreamException;
import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.source.UpstreamMeters;
import com.canopyhub.source.Upstreams;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * Reads one page of a Distru collection. It classifies every failure (auth, rejected, retryable with the
 * server's Retry-After) and leaves retrying to the routes' error handler: HttpClient's own retries are
 * off because HttpClient 5.5 would otherwise sit out a 429's Retry-After by itself.
 */
public class DistruClient implements AutoCloseable {

    static final String SYSTEM = "distru";
    private static final DateTimeFormatter DISTRU_DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final URI baseUrl;
    private final String authorization;
    private final ObjectMapper json;
    private final Clock clock;
    private final RateLimiter pacing;
    private final CloseableHttpClient http;
    private final Duration maxRetryAfter;
    private final UpstreamMeters meters;

    public DistruClient(URI baseUrl, String apiKey, double requestsPerSecond, Duration connectTimeout,
                        Duration readTimeout, Duration maxRetryAfter, ObjectMapper json, Clock clock, UpstreamMeters meters) {
        this.baseUrl = baseUrl;
        this.meters = meters;
        this.maxRetryAfter = maxRetryAfter;
        this.authorization = "Bearer " + apiKey;
        this.json = json;
        this.clock = clock;
        this.pacing = RateLimiter.of("distru", RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofNanos((long) (1_000_000_000L / requestsPerSecond)))
                .timeoutDuration(Duration.ofHours(1))
                .build());
        this.http = Upstreams.httpClient(connectTimeout, readTimeout, 5, SYSTEM, meters);
    }

    Clock clock() {
        return clock;
    }

    /** Fetches one page of {@code stream}: page {@code request.number()} of the records updated in its range. */
    public SourcePage fetchPage(DistruStream stream, PageRequest request) {
        return fetch(stream, request, pathAndQuery(stream, request));
    }

    private SourcePage fetch(DistruStream stream, PageRequest request, String pathAndQuery) {
        String requestLine = "GET " + pathAndQuery;
        Upstreams.waitOn(SYSTEM, meters, () -> RateLimiter.waitForPermission(pacing));
        return UpstreamGet.get(http, baseUrl.resolve(pathAndQuery), authorization, SYSTEM, requestLine, "hub.distru.base-url",
                new UpstreamGet.Answer<>() {
                    @Override
                    public SourcePage ok(ClassicHttpResponse response, InputStream body) throws IOException {
                        return parse(stream, request, body, requestLine);
                    }

                    @Override
                    public UpstreamException refused(ClassicHttpResponse response, String body) {
                        return HttpFailures.classify(SYSTEM, requestLine, response.getCode(), UpstreamGet.abbreviate(body),
                                UpstreamGet.header(response, "Retry-After"), clock, maxRetryAfter,
                                "not authorised (check hub.distru.api-key)", "not authorised (check hub.distru.api-key)");
                    }
                });
    }

    private SourcePage parse(DistruStream stream, PageRequest request, InputStream in, String requestLine) throws IOException {
        JsonNode root;
        try {
            root = json.readTree(in);
        } catch (JsonProcessingException e) {
            throw new RetryableUpstreamException(SYSTEM, requestLine, 200, "malformed JSON body: " + e.getOriginalMessage(), null, e);
        }
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isArray()) {
            throw new RetryableUpstreamException(SYSTEM, requestLine, 200, "body has no \"data\" array", null, null);
        }
        List<JsonNode> records = new ArrayList<>(data.size());
        data.forEach(records::add);
        // Distru's reference is silent on a next-page marker; honour `next_page` when present and otherwise stop
        // on the first short or empty page (an exact multiple of the page size ends with one empty page).
        JsonNode next = root.get("next_page");
        boolean explicitEnd = next != null && next.isNull();
        boolean hasMore = !explicitEnd && !records.isEmpty() && records.size() >= stream.pageSize();
        return new SourcePage(stream.configName(), request, records, hasMore, SourcePage.UNKNOWN_TOTAL);
    }

    /**
     * One page of the inventory groups of just these products ({@code product_ids[]}, documented in
     * distru-api.txt, inventory): a consistent read of a few groups, used to confirm that a group a multi-page
     * snapshot did not serve is really gone.
     */
    public SourcePage fetchInventoryOf(java.util.Collection<String> productIds) {
        StringBuilder q = new StringBuilder(pathAndQuery(DistruStream.INVENTORY, new PageRequest(null, null, 1)));
        for (String id : productIds) {
            q.append("&product_ids%5B%5D=").append(URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
        return fetch(DistruStream.INVENTORY, new PageRequest(null, null, 1), q.toString());
    }

    /** The request path: {@code updated_datetime=START,END} with an empty side for an unbounded one. */
    static String pathAndQuery(DistruStream stream, PageRequest request) {
        StringBuilder q = new StringBuilder(stream.path()).append("?page%5Bnumber%5D=").append(request.number());
        for (String fixed : stream.fixedQuery()) {
            q.append('&').append(fixed.replace("[", "%5B").replace("]", "%5D"));
        }
        if (stream.incremental() && (request.from() != null || request.to() != null)) {
            String range = format(request.from()) + "," + format(request.to());
            q.append("&updated_datetime=").append(URLEncoder.encode(range, StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    private static String format(Instant instant) {
        return instant == null ? "" : DISTRU_DATETIME.format(instant);
    }


    @Override
    public void close() throws IOException {
        http.close();
    }
}
