package com.canopyhub.source.metrc;

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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * Reads Metrc v2: the facilities the key can see, and one page of a list endpoint of one licence. Every request
 * passes two limits, each a pace and a number in flight: the facility's (default 50 GET/s, 10 in flight) and the
 * integrator key's (150 GET/s, 30 in flight), shared by every licence synced at once. Paces are even (one
 * permit every 1/rate s) and a little under the limit, so neither a burst nor network jitter takes a sliding
 * second over it. Failures are classified (401: the keys; 403: that facility; 400: the request; 429/5xx/timeouts
 * and broken bodies: retryable, with Retry-After) and never retried here: retries belong to the routes.
 */
public class MetrcClient implements AutoCloseable {

    static final String SYSTEM = "metrc";
    public static final int PAGE_SIZE = 20;
    /** Share of a limit the client paces at: below it, so jitter never shows the upstream a burst over it. */
    static final double PACE_SHARE = 0.95;
    /** ISO-8601 with an explicit offset (never Z), as the field guide's examples: 2026-05-04T08:00:00.000+00:00. */
    private static final DateTimeFormatter METRC_DATETIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx");

    /** One facility the key can see. */
    /**
     * A facility as GET /facilities/v2/ describes it: its licence, and from {@code FacilityType} whether it can grow
     * plants ({@code CanGrowPlants}) and sell ({@code CanSellToConsumers}, {@code CanSellToPatients},
     * {@code CanSellToCaregivers}, {@code CanDeliverSalesToConsumers}); {@code flagsKnown} false when the answer had
     * no FacilityType.
     */
    public record Facility(String licenseNumber, String licenseType, String name, boolean flagsKnown, boolean canGrowPlants,
                           boolean canSell) {

        public Facility(String licenseNumber, String licenseType, String name) {
            this(licenseNumber, licenseType, name, false, false, false);
        }
    }

    /** Limits: per facility and per integrator key, requests per second and requests in flight. */
    public record Limits(double facilityPerSecond, int facilityInFlight, double integratorPerSecond, int integratorInFlight) {
    }

    private final URI baseUrl;
    private final String authorization;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration maxRetryAfter;
    private final Limits limits;
    private final RateLimiter integratorPace;
    private final Semaphore integratorSlots;
    private final Map<String, RateLimiter> facilityPace = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> facilitySlots = new ConcurrentHashMap<>();
    private final CloseableHttpClient http;
    private final UpstreamMeters meters;

    public MetrcClient(URI baseUrl, String integratorKey, String userKey, Limits limits, Duration connectTimeout,
                       Duration readTimeout, Duration maxRetryAfter, ObjectMapper json, Clock clock, UpstreamMeters meters) {
        this.baseUrl = baseUrl;
        this.meters = meters;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (integratorKey + ":" + userKey).getBytes(StandardCharsets.UTF_8));
        this.json = json;
        this.clock = clock;
        this.maxRetryAfter = maxRetryAfter;
        this.limits = limits;
        this.integratorPace = pace("metrc-integrator", limits.integratorPerSecond());
        this.integratorSlots = new Semaphore(limits.integratorInFlight(), true);
        this.http = Upstreams.httpClient(connectTimeout, readTimeout, Math.max(2, limits.integratorInFlight() + 2), SYSTEM, meters);
    }

    /** One permit every 1/(rate x PACE_SHARE) s: never a burst, so no sliding second goes over the limit. */
    private static RateLimiter pace(String name, double perSecond) {
        return RateLimiter.of(name, RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofNanos((long) (1_000_000_000L / (perSecond * PACE_SHARE))))
                .timeoutDuration(Duration.ofHours(1))
                .build());
    }

    /** The facilities (licences) the keys can see: GET /facilities/v2/. */
    public List<Facility> facilities() {
        String pathAndQuery = "/facilities/v2/";
        JsonNode root = get(pathAndQuery, null);
        if (root == null || !root.isArray()) {
            throw new RetryableUpstreamException(SYSTEM, "GET " + pathAndQuery, 200, "body is not a list of facilities", null, null);
        }
        List<Facility> out = new ArrayList<>();
        for (JsonNode f : root) {
            JsonNode license = f.path("License");
            if (license.path("Number").isTextual()) {
                JsonNode type = f.path("FacilityType");
                boolean known = type.isObject();
                boolean sells = type.path("CanSellToConsumers").asBoolean(false) || type.path("CanSellToPatients").asBoolean(false)
                        || type.path("CanSellToCaregivers").asBoolean(false) || type.path("CanDeliverSalesToConsumers").asBoolean(false);
                out.add(new Facility(license.get("Number").asText(), license.path("LicenseType").asText(null),
                        f.path("Name").asText(null), known, type.path("CanGrowPlants").asBoolean(false), sells));
            }
        }
        return out;
    }

    /** One page of a stream of one licence, within the request's window (both bounds: Metrc's rule). */
    public SourcePage fetchPage(MetrcStream stream, String licenseNumber, PageRequest request) {
        if (stream == MetrcStream.UNITS_OF_MEASURE) {
            // a bare array, no licence, no paging
            JsonNode list = get(stream.path(), licenseNumber);
            if (list == null || !list.isArray()) {
                throw new RetryableUpstreamException(SYSTEM, "GET " + stream.path(), 200, "body is not a list", null, null);
            }
            List<JsonNode> all = new ArrayList<>();
            list.forEach(all::add);
            return new SourcePage(stream.configName(), request, all, false, all.size());
        }
        String pathAndQuery = pathAndQuery(stream, licenseNumber, request);
        JsonNode root = get(pathAndQuery, licenseNumber);
        JsonNode data = data(root, "GET " + pathAndQuery);
        List<JsonNode> records = new ArrayList<>(data.size());
        data.forEach(records::add);
        long totalPages = root.path("TotalPages").asLong(-1);
        long total = root.has("TotalRecords") ? root.get("TotalRecords").asLong() : root.path("Total").asLong(SourcePage.UNKNOWN_TOTAL);
        boolean hasMore = totalPages >= 0 ? request.number() < totalPages : records.size() >= PAGE_SIZE;
        return new SourcePage(stream.configName(), request, records, hasMore, total);
    }

    /**
     * Every record of a sub-resource list (a transfer's deliveries, a delivery's packages), page by page while
     * {@code TotalPages} says there are more. These endpoints take no licence; the request still counts against the
     * licence's limits here, since it is that licence's pass that needs it.
     */
    public List<JsonNode> subList(String path, String licenseNumber) {
        return allPages(path, licenseNumber);
    }

    /** Every lab test of a package's results: GET /labtests/v2/results?packageId=…&licenseNumber=…, page by page. */
    public List<JsonNode> labResults(String licenseNumber, String packageId) {
        return allPages("/labtests/v2/results?packageId=" + URLEncoder.encode(packageId, StandardCharsets.UTF_8)
                + "&licenseNumber=" + URLEncoder.encode(licenseNumber, StandardCharsets.UTF_8), licenseNumber);
    }

    /** Every record of a paged list, page by page (pageSize 20) while {@code TotalPages} says there are more. */
    private List<JsonNode> allPages(String pathAndQuery, String licenseNumber) {
        List<JsonNode> out = new ArrayList<>();
        String separator = pathAndQuery.contains("?") ? "&" : "?";
        for (int page = 1; ; page++) {
            String request = pathAndQuery + separator + "pageNumber=" + page + "&pageSize=" + PAGE_SIZE;
            JsonNode root = get(request, licenseNumber);
            JsonNode data = data(root, "GET " + request);
            data.forEach(out::add);
            if (page >= root.path("TotalPages").asLong(1) || data.isEmpty()) {
                return out;
            }
        }
    }

    /** The envelope's {@code Data} array, or a retryable failure naming the request (a broken body). */
    private static JsonNode data(JsonNode root, String requestLine) {
        JsonNode data = root == null ? null : root.get("Data");
        if (data == null || !data.isArray()) {
            throw new RetryableUpstreamException(SYSTEM, requestLine, 200, "body has no \"Data\" array", null, null);
        }
        return data;
    }

    /** One sales receipt with its transactions: GET /sales/v2/receipts/{id}?licenseNumber=…. */
    public JsonNode receipt(String licenseNumber, String id) {
        String pathAndQuery = "/sales/v2/receipts/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?licenseNumber="
                + URLEncoder.encode(licenseNumber, StandardCharsets.UTF_8);
        JsonNode root = get(pathAndQuery, licenseNumber);
        if (root == null || !root.isObject()) {
            throw new RetryableUpstreamException(SYSTEM, "GET " + pathAndQuery, 200, "body is not a receipt", null, null);
        }
        return root;
    }

    /**
     * {@code /packages/v2/active?licenseNumber=…&lastModifiedStart=…&lastModifiedEnd=…&pageNumber=N&pageSize=20},
     * times ISO-8601 with their offset, the {@code +} encoded as %2B (unencoded, Metrc misreads the filter).
     */
    static String pathAndQuery(MetrcStream stream, String licenseNumber, PageRequest request) {
        StringBuilder q = new StringBuilder(stream.path()).append("?licenseNumber=")
                .append(URLEncoder.encode(licenseNumber, StandardCharsets.UTF_8));
        if (request.from() != null && request.to() != null) {
            q.append("&lastModifiedStart=").append(URLEncoder.encode(format(request.from()), StandardCharsets.UTF_8))
                    .append("&lastModifiedEnd=").append(URLEncoder.encode(format(request.to()), StandardCharsets.UTF_8));
        }
        return q.append("&pageNumber=").append(request.number()).append("&pageSize=").append(PAGE_SIZE).toString();
    }

    static String format(Instant instant) {
        return METRC_DATETIME.format(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    private JsonNode get(String pathAndQuery, String licenseNumber) {
        String requestLine = "GET " + pathAndQuery;
        Semaphore facility = licenseNumber == null ? null
                : facilitySlots.computeIfAbsent(licenseNumber, k -> new Semaphore(limits.facilityInFlight(), true));
        try {
            // a slot of the facility, then of the key (always in this order), then the paces
            if (facility != null) {
                facility.acquire();
            }
            try {
                integratorSlots.acquire();
                try {
                    if (licenseNumber != null) {
                        RateLimiter facilityLimiter = facilityPace.computeIfAbsent(licenseNumber,
                                k -> pace("metrc-" + k, limits.facilityPerSecond()));
                        Upstreams.waitOn(SYSTEM, meters, () -> RateLimiter.waitForPermission(facilityLimiter));
                    }
                    Upstreams.waitOn(SYSTEM, meters, () -> RateLimiter.waitForPermission(integratorPace));
                    return execute(pathAndQuery, requestLine);
                } finally {
                    integratorSlots.release();
                }
            } finally {
                if (facility != null) {
                    facility.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableUpstreamException(SYSTEM, requestLine, 0, "interrupted while waiting for a request slot", null, e);
        }
    }

    private JsonNode execute(String pathAndQuery, String requestLine) {
        return UpstreamGet.get(http, baseUrl.resolve(pathAndQuery), authorization, SYSTEM, requestLine, "hub.metrc.base-url",
                new UpstreamGet.Answer<>() {
                    @Override
                    public JsonNode ok(ClassicHttpResponse response, InputStream body) throws IOException {
                        try {
                            return json.readTree(body);
                        } catch (JsonProcessingException e) {
                            throw new RetryableUpstreamException(SYSTEM, requestLine, 200, "malformed JSON body: "
                                    + e.getOriginalMessage(), null, e);
                        }
                    }

                    @Override
                    public UpstreamException refused(ClassicHttpResponse response, String body) {
                        return HttpFailures.classify(SYSTEM, requestLine, response.getCode(), UpstreamGet.abbreviate(body),
                                UpstreamGet.header(response, "Retry-After"), clock, maxRetryAfter, "not authorised (check hub.metrc.integrator-key and hub.metrc.user-key)",
                        "no access to this facility (check the user key's permissions for it, or leave it out of "
                                + "hub.metrc.license-numbers)");
                    }
                });
    }


    /** Requests currently waiting or in flight per facility are bounded; for the bench's report. */
    public Map<String, Integer> facilitySlotsFree() {
        Map<String, Integer> out = new LinkedHashMap<>();
        facilitySlots.forEach((k, v) -> out.put(k, v.availablePermits()));
        return out;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
