package com.canopyhub.sandbox.metrc;

import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.FaultPlan;
import com.canopyhub.sandbox.QueryString;
import com.canopyhub.sandbox.RateWindow;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateful simulator of Metrc's v2 Web API (../shared/reference/metrc-api-field-guide.txt and the v2 examples),
 * in-process, for the default run and the tests. What it enforces as Metrc does: HTTP Basic
 * {@code base64(integratorKey:userKey)} (else 401), {@code licenseNumber} required on facility endpoints (400), a
 * facility the user cannot see (403), {@code pageSize} at most 20 (400), {@code lastModifiedStart/End} both or
 * neither, ISO-8601 with offset (a {@code +} sent unencoded arrives as a space: 400, where real Metrc silently
 * misreads it) and at most 24 h apart (400); per facility and per integrator key a request rate and a number of
 * requests in flight (429 with Retry-After). Pages are offset pages over the records ordered by Id, so records
 * modified while a window is paged shift the pages exactly as on Metrc. Faults are injected on request.
 * It never writes anywhere but its own memory.
 */
public final class MetrcSandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetrcSandbox.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ROOT);
    public static final int MAX_PAGE_SIZE = 20;
    public static final Duration MAX_WINDOW = Duration.ofHours(24);

    /** A facility (licence) the sandbox's user can see. */
    /**
     * A facility and its {@code FacilityType} flags: whether it can grow plants, and sell (to consumers). The 3-argument
     * form derives them from a conventional licence type ("…Cultivation…" grows, "…Dispensary…" sells); a test gives
     * them for licence types that name no activity ("Microbusiness").
     */
    public record Facility(String licenseNumber, String name, String licenseType, boolean canGrowPlants, boolean canSell) {
        public Facility(String licenseNumber, String name, String licenseType) {
            this(licenseNumber, name, licenseType, licenseType.toLowerCase(Locale.ROOT).contains("cultivat"),
                    licenseType.toLowerCase(Locale.ROOT).contains("dispensary"));
        }
    }

    /** A package Metrc tracks under the same label as a Distru package, with Metrc's quantity and unit. */
    public record SharedLot(String label, BigDecimal quantity, String unitOfMeasureName) {
    }

    /**
     * @param recordsPerEndpoint records of each endpoint of each facility
     * @param history            records were last modified between now − history and now
     * @param sharedLots         the first facility's first active packages carry these labels and quantities
     */
    public record Options(String integratorKey, String userKey, List<Facility> facilities, int recordsPerEndpoint,
                          long seed, Duration history, int facilityRequestsPerSecond, int facilityInFlight,
                          int integratorRequestsPerSecond, int integratorInFlight, double faultRate,
                          List<SharedLot> sharedLots, int churnPerMinute) {

        /** {@code facilities} facilities (the first a cultivator, then a dispensary, ...), Metrc's default limits. */
        public static Options defaults(int facilities, int recordsPerEndpoint) {
            List<Facility> list = new ArrayList<>();
            String[] types = {"Medical Cultivation", "Retail Dispensary", "Manufacturer", "Testing Laboratory", "Distributor"};
            for (int i = 0; i < facilities; i++) {
                list.add(new Facility(String.format(Locale.ROOT, "SBX-%04d", i + 1), "Sandbox Facility " + (i + 1),
                        types[i % types.length]));
            }
            return new Options("sandbox-integrator-key", "sandbox-user-key", List.copyOf(list), recordsPerEndpoint, 7,
                    Duration.ofDays(14), 50, 10, 150, 30, 0, List.of(), 0);
        }

        /** Active packages changing at this rate while the sandbox runs (from 30 s after start). */
        public Options withChurn(int perMinute) {
            return new Options(integratorKey, userKey, facilities, recordsPerEndpoint, seed, history, facilityRequestsPerSecond,
                    facilityInFlight, integratorRequestsPerSecond, integratorInFlight, faultRate, sharedLots, perMinute);
        }

        public Options withSharedLots(List<SharedLot> lots) {
            return new Options(integratorKey, userKey, facilities, recordsPerEndpoint, seed, history, facilityRequestsPerSecond,
                    facilityInFlight, integratorRequestsPerSecond, integratorInFlight, faultRate, List.copyOf(lots), churnPerMinute);
        }

        public Options withFacilities(List<Facility> list) {
            return new Options(integratorKey, userKey, List.copyOf(list), recordsPerEndpoint, seed, history, facilityRequestsPerSecond,
                    facilityInFlight, integratorRequestsPerSecond, integratorInFlight, faultRate, sharedLots, churnPerMinute);
        }

        public Options withHistory(Duration h) {
            return new Options(integratorKey, userKey, facilities, recordsPerEndpoint, seed, h, facilityRequestsPerSecond,
                    facilityInFlight, integratorRequestsPerSecond, integratorInFlight, faultRate, sharedLots, churnPerMinute);
        }

        public Options withFaultRate(double rate) {
            return new Options(integratorKey, userKey, facilities, recordsPerEndpoint, seed, history, facilityRequestsPerSecond,
                    facilityInFlight, integratorRequestsPerSecond, integratorInFlight, rate, sharedLots, churnPerMinute);
        }
    }

    /** The list endpoints the sandbox serves, per facility. */
    public enum Endpoint {
        PACKAGES_ACTIVE("/packages/v2/active", 1_000_000, false),
        PACKAGES_INACTIVE("/packages/v2/inactive", 2_000_000, false),
        PACKAGES_ONHOLD("/packages/v2/onhold", 3_000_000, false),
        PACKAGES_INTRANSIT("/packages/v2/intransit", 4_000_000, false),
        ITEMS_ACTIVE("/items/v2/active", 5_000_000, false),
        ITEMS_INACTIVE("/items/v2/inactive", 6_000_000, false),
        STRAINS_ACTIVE("/strains/v2/active", 7_000_000, false),
        LOCATIONS_ACTIVE("/locations/v2/active", 8_000_000, false),
        HARVESTS_ACTIVE("/harvests/v2/active", 9_000_000, true),
        HARVESTS_INACTIVE("/harvests/v2/inactive", 10_000_000, true),
        HARVESTS_ONHOLD("/harvests/v2/onhold", 11_000_000, true),
        PLANTBATCHES_ACTIVE("/plantbatches/v2/active", 12_000_000, true),
        PLANTBATCHES_INACTIVE("/plantbatches/v2/inactive", 13_000_000, true),
        PLANTS_VEGETATIVE("/plants/v2/vegetative", 14_000_000, true),
        PLANTS_FLOWERING("/plants/v2/flowering", 15_000_000, true),
        PLANTS_INACTIVE("/plants/v2/inactive", 16_000_000, true),
        SALES_RECEIPTS_ACTIVE("/sales/v2/receipts/active", 17_000_000, false),
        SALES_RECEIPTS_INACTIVE("/sales/v2/receipts/inactive", 18_000_000, false),
        TRANSFERS_INCOMING("/transfers/v2/incoming", 19_000_000, false),
        TRANSFERS_OUTGOING("/transfers/v2/outgoing", 20_000_000, false),
        TRANSFERS_REJECTED("/transfers/v2/rejected", 21_000_000, false);

        public final String path;
        final long idBase;
        /** Only cultivation facilities have it (the field guide files these under the cultivator licence). */
        final boolean cultivatorOnly;

        Endpoint(String path, long idBase, boolean cultivatorOnly) {
            this.path = path;
            this.idBase = idBase;
            this.cultivatorOnly = cultivatorOnly;
        }

        static Endpoint byPath(String path) {
            String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            for (Endpoint e : values()) {
                if (e.path.equals(p)) {
                    return e;
                }
            }
            return null;
        }
    }

    /** One answered request, for tests and the bench. */
    public record Served(long nanos, String license, String pathAndQuery, int status) {
    }

    private final Options options;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService workers;
    private final String expectedAuthorization;
    /** Facility index -> endpoint -> last-modified millis per record (index = record). */
    private final List<Map<Endpoint, long[]>> modified = new ArrayList<>();
    private final List<Map<Endpoint, int[]>> versions = new ArrayList<>();
    private final Map<String, Integer> facilityIndex = new LinkedHashMap<>();
    private final Set<String> forbidden = ConcurrentHashMap.newKeySet();
    private final Map<String, RateWindow> facilityLimits = new ConcurrentHashMap<>();
    private final RateWindow integratorLimit;
    private final FaultPlan faults;
    private final AtomicLong requests = new AtomicLong();
    private final List<Served> served = new CopyOnWriteArrayList<>();
    private volatile java.util.function.BiConsumer<String, String> listListener = (license, pathAndQuery) -> { };
    private final java.util.concurrent.ScheduledExecutorService churn;

    private MetrcSandbox(Options options, Clock clock) throws IOException {
        this.options = options;
        this.clock = clock;
        this.expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(
                (options.integratorKey() + ":" + options.userKey()).getBytes(StandardCharsets.UTF_8));
        this.integratorLimit = new RateWindow(options.integratorRequestsPerSecond(), options.integratorInFlight());
        this.faults = new FaultPlan(options.faultRate(), options.seed());
        long now = clock.millis();
        long span = Math.max(1, options.history().toMillis());
        for (int f = 0; f < options.facilities().size(); f++) {
            Facility facility = options.facilities().get(f);
            facilityIndex.put(facility.licenseNumber(), f);
            facilityLimits.put(facility.licenseNumber(), new RateWindow(options.facilityRequestsPerSecond(), options.facilityInFlight()));
            Map<Endpoint, long[]> m = new EnumMap<>(Endpoint.class);
            Map<Endpoint, int[]> v = new EnumMap<>(Endpoint.class);
            for (Endpoint e : Endpoint.values()) {
                int n = options.recordsPerEndpoint();
                long[] times = new long[n];
                for (int i = 0; i < n; i++) {
                    // spread over the history, oldest first, a deterministic jitter per facility and record
                    long jitter = Math.floorMod((i * 7919L + f * 104729L + e.ordinal() * 1299709L + options.seed()), 60_000L);
                    times[i] = now - span + (span * i) / Math.max(1, n) + jitter;
                    times[i] = Math.min(times[i], now - 1);
                }
                m.put(e, times);
                v.put(e, new int[n]);
            }
            modified.add(m);
            versions.add(v);
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        this.workers = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "metrc-sandbox");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        this.churn = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "metrc-sandbox-churn");
            t.setDaemon(true);
            return t;
        });
        if (options.churnPerMinute() > 0 && !options.facilities().isEmpty() && options.recordsPerEndpoint() > 0) {
            // from 30 s after start, like the Distru sandbox: active packages change, so scheduled passes have work
            java.util.SplittableRandom dice = new java.util.SplittableRandom(options.seed() + 1);
            long periodMillis = Math.max(1, 60_000L / options.churnPerMinute());
            churn.scheduleAtFixedRate(() -> {
                Facility facility;
                int index;
                synchronized (dice) {
                    facility = options.facilities().get(dice.nextInt(options.facilities().size()));
                    index = dice.nextInt(options.recordsPerEndpoint());
                }
                touch(facility.licenseNumber(), Endpoint.PACKAGES_ACTIVE, index);
            }, 30_000, periodMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        LOG.info("Metrc sandbox listening on {} ({} facilities, {} records per endpoint)", baseUrl(),
                options.facilities().size(), options.recordsPerEndpoint());
    }

    public static MetrcSandbox start(Options options, Clock clock) throws IOException {
        return new MetrcSandbox(options, clock);
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public Options options() {
        return options;
    }

    public long requestCount() {
        return requests.get();
    }

    public List<Served> served() {
        return Collections.unmodifiableList(served);
    }

    /** The most requests a facility had in flight at once, and the integrator key. */
    public int peakInFlight(String licenseNumber) {
        return facilityLimits.get(licenseNumber).peakInFlight();
    }

    public int peakIntegratorInFlight() {
        return integratorLimit.peakInFlight();
    }

    /** 429s answered because a limit was exceeded (not injected faults). */
    public long rateLimited() {
        return integratorLimit.rejected() + facilityLimits.values().stream().mapToLong(RateWindow::rejected).sum();
    }

    /** How many records of an endpoint were last modified in {@code [from, to]} (for the bench's minimum). */
    public int countModifiedBetween(String licenseNumber, Endpoint endpoint, Instant from, Instant to) {
        int f = facilityIndex.get(licenseNumber);
        if (!serves(f, endpoint)) {
            return 0;
        }
        long[] times;
        synchronized (modified.get(f)) {
            times = modified.get(f).get(endpoint).clone();
        }
        int n = 0;
        for (long t : times) {
            if (t >= from.toEpochMilli() && t <= to.toEpochMilli()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Called with the licence and request before a list page is served (on the server's thread, so a test may hold
     * it there, e.g. to kill the client mid-backfill).
     */
    public void onListRequest(java.util.function.BiConsumer<String, String> listener) {
        this.listListener = listener;
    }

    /** The user loses access to a facility: its requests are answered 403. */
    public void forbid(String licenseNumber) {
        forbidden.add(licenseNumber);
    }

    /** Packages whose lab state date lies this long before their LastModified (tested, then modified otherwise). */
    private final Map<String, Duration> testedBefore = new ConcurrentHashMap<>();

    /** Package {@code index} of an endpoint was tested {@code before} its last modification (its LabTestingStateDate). */
    public void testedBefore(String licenseNumber, Endpoint endpoint, int index, Duration before) {
        testedBefore.put(licenseNumber + "|" + endpoint + "|" + index, before);
    }

    /** The user lacks the permission for one endpoint of one facility (e.g. "/plants/v2/vegetative"): 403 there only. */
    public void forbid(String licenseNumber, String path) {
        forbidden.add(licenseNumber + "|" + path);
    }

    public void inject(Fault... planned) {
        faults.inject(planned);
    }

    /** Record {@code index} of an endpoint changes now (its quantity, for packages), so the next sync sees it. */
    public void touch(String licenseNumber, Endpoint endpoint, int index) {
        int f = facilityIndex.get(licenseNumber);
        synchronized (modified.get(f)) {
            modified.get(f).get(endpoint)[index] = clock.millis();
            versions.get(f).get(endpoint)[index]++;
        }
    }

    /** The Id Metrc gives record {@code index} of an endpoint at a facility. */
    public long recordId(String licenseNumber, Endpoint endpoint, int index) {
        return endpoint.idBase + facilityIndex.get(licenseNumber) * 100_000L + index;
    }

    /** The package label of record {@code index} (shared lots first for the first facility). */
    public String label(String licenseNumber, Endpoint endpoint, int index) {
        int f = facilityIndex.get(licenseNumber);
        if (f == 0 && endpoint == Endpoint.PACKAGES_ACTIVE && index < options.sharedLots().size()) {
            return options.sharedLots().get(index).label();
        }
        return String.format(Locale.ROOT, "1A4FF%02d%02d%014d", f, endpoint.ordinal(), index);
    }

    /** The quantity a package record carries now (for test oracles). */
    public BigDecimal quantity(String licenseNumber, Endpoint endpoint, int index) {
        int f = facilityIndex.get(licenseNumber);
        if (f == 0 && endpoint == Endpoint.PACKAGES_ACTIVE && index < options.sharedLots().size()) {
            return options.sharedLots().get(index).quantity();
        }
        int version = versions.get(f).get(endpoint)[index];
        return new BigDecimal((index % 97) + version + ".25");
    }

    /** The unit of measure a package record carries. */
    public String unitOfMeasure(String licenseNumber, Endpoint endpoint, int index) {
        int f = facilityIndex.get(licenseNumber);
        if (f == 0 && endpoint == Endpoint.PACKAGES_ACTIVE && index < options.sharedLots().size()) {
            return options.sharedLots().get(index).unitOfMeasureName();
        }
        return UNITS[index % UNITS.length];
    }

    private static final String[] UNITS = {"Grams", "Ounces", "Each", "Pounds"};

    // ------------------------------------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String license = null;
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                error(ex, null, 405, "The requested resource does not support http method '" + ex.getRequestMethod() + "'.");
                return;
            }
            if (!expectedAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                error(ex, null, 401, "Authorization has been denied for this request.");
                return;
            }
            Map<String, List<String>> params = QueryString.parse(ex.getRequestURI().getRawQuery());
            license = first(params, "licenseNumber");
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/facilities/v2")) {
                withinLimits(ex, null, () -> serveFacilities(ex));
                return;
            }
            Endpoint endpoint = Endpoint.byPath(path);
            if (endpoint == null && (path.matches("/transfers/v2/\\d+/deliveries") || path.matches("/transfers/v2/deliveries/\\d+/packages"))) {
                serveTransferPart(ex, path, params);
                return;
            }
            if (path.equals("/unitsofmeasure/v2/active")) {
                serveUnits(ex);
                return;
            }
            if (endpoint == null && path.equals("/labtests/v2/results")) {
                serveLabResults(ex, license, first(params, "packageId"));
                return;
            }
            if (endpoint == null && path.matches("/sales/v2/receipts/\\d+")) {
                serveReceipt(ex, license, Long.parseLong(path.substring(path.lastIndexOf('/') + 1)));
                return;
            }
            if (endpoint == null) {
                error(ex, license, 404, "No HTTP resource was found that matches the request URI.");
                return;
            }
            if (license == null || license.isBlank()) {
                error(ex, null, 400, "licenseNumber is required.");
                return;
            }
            Integer f = facilityIndex.get(license);
            if (f == null || forbidden.contains(license) || forbidden.contains(license + "|" + path)) {
                error(ex, license, f == null ? 401 : 403, f == null ? "Authorization has been denied for this request."
                        : "The user has no access to facility " + license + ".");
                return;
            }
            if (endpoint == Endpoint.ITEMS_INACTIVE || endpoint == Endpoint.TRANSFERS_REJECTED) {
                // their v2 examples take no lastModified filter: silently ignored, as an API ignores what it does not know
                params = new java.util.HashMap<>(params);
                params.remove("lastModifiedStart");
                params.remove("lastModifiedEnd");
            }
            Query q;
            try {
                q = Query.parse(params);
            } catch (IllegalArgumentException bad) {
                error(ex, license, 400, bad.getMessage());
                return;
            }
            Integer facility = f;
            Query query = q;
            Endpoint listed = endpoint;
            String licence = license;
            withinLimits(ex, license, () -> {
                Fault fault = faults.next();
                if (fault != null && fault.kind() == Fault.Kind.STATUS) {
                    if (fault.retryAfterSeconds() >= 0) {
                        ex.getResponseHeaders().add("Retry-After", Long.toString(fault.retryAfterSeconds()));
                    }
                    error(ex, licence, fault.status(), fault.status() == 429 ? "Too many requests." : "An error has occurred.");
                    return;
                }
                if (fault != null && fault.kind() == Fault.Kind.SLOW) {
                    pause(fault.delay());
                }
                listListener.accept(licence, ex.getRequestURI().getRawPath() + "?" + ex.getRequestURI().getRawQuery());
                servePage(ex, licence, facility, listed, query, !serves(facility, listed),
                        fault != null && fault.kind() == Fault.Kind.MALFORMED_BODY);
            });
        } catch (IOException | RuntimeException e) {
            LOG.error("Metrc sandbox failed on {}: {}", ex.getRequestURI(), e.toString());
            throw e;
        }
    }

    /** Something that answers a request. */
    @FunctionalInterface
    private interface Answer {
        void answer() throws IOException;
    }

    /**
     * Answers within the limits: the integrator key's (always) and the facility's (when the request names one); a
     * request over either is answered 429 with Retry-After instead.
     */
    private void withinLimits(HttpExchange ex, String license, Answer answer) throws IOException {
        RateWindow facilityLimit = license == null ? null : facilityLimits.get(license);
        if (!integratorLimit.tryAdmit()) {
            tooMany(ex, license);
            return;
        }
        try {
            if (facilityLimit != null && !facilityLimit.tryAdmit()) {
                tooMany(ex, license);
                return;
            }
            try {
                answer.answer();
            } finally {
                if (facilityLimit != null) {
                    facilityLimit.release();
                }
            }
        } finally {
            integratorLimit.release();
        }
    }

    /** Whether a facility has an endpoint's records: by its flags, growers' plant resources, sellers' sales. */
    private boolean serves(int f, Endpoint endpoint) {
        Facility facility = options.facilities().get(f);
        if (endpoint == Endpoint.SALES_RECEIPTS_ACTIVE || endpoint == Endpoint.SALES_RECEIPTS_INACTIVE) {
            return facility.canSell();
        }
        return !endpoint.cultivatorOnly || facility.canGrowPlants();
    }

    private void tooMany(HttpExchange ex, String license) throws IOException {
        ex.getResponseHeaders().add("Retry-After", "1");
        error(ex, license, 429, "Too many requests.");
    }

    private void serveFacilities(HttpExchange ex) throws IOException {
        record(ex, null, 200);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody(); JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartArray();
            for (int i = 0; i < options.facilities().size(); i++) {
                Facility facility = options.facilities().get(i);
                g.writeStartObject();
                g.writeNumberField("FacilityId", i + 1);
                g.writeStringField("Name", facility.name());
                g.writeStringField("DisplayName", facility.name());
                // the flags the reference's example carries (Facilities/GetFacilities.bru); IsRetail means adult-use,
                // set here from the licence type's text so that reading it as "a shop" would be caught
                g.writeObjectFieldStart("FacilityType");
                g.writeBooleanField("IsMedical", facility.licenseType().toLowerCase(Locale.ROOT).contains("medical"));
                g.writeBooleanField("IsRetail", facility.licenseType().toLowerCase(Locale.ROOT).contains("retail"));
                g.writeBooleanField("CanGrowPlants", facility.canGrowPlants());
                g.writeBooleanField("CanSellToConsumers", facility.canSell());
                g.writeBooleanField("CanSellToPatients", false);
                g.writeBooleanField("CanSellToCaregivers", false);
                g.writeBooleanField("CanDeliverSalesToConsumers", false);
                g.writeEndObject();
                g.writeObjectFieldStart("License");
                g.writeStringField("Number", facility.licenseNumber());
                g.writeStringField("LicenseType", facility.licenseType());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    /** The deliveries of a transfer (1 or 2) and the packages of a delivery (1 to 3), as paged lists. */
    private void serveTransferPart(HttpExchange ex, String path, Map<String, List<String>> params) throws IOException {
        Query parsed;
        try {
            parsed = Query.parse(params);
        } catch (IllegalArgumentException bad) {
            error(ex, null, 400, bad.getMessage());
            return;
        }
        Query q = parsed;
        withinLimits(ex, null, () -> {
            String[] parts = path.split("/");
            record(ex, null, 200);
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody(); JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                int count;
                g.writeStartObject();
                g.writeArrayFieldStart("Data");
                if (path.endsWith("/deliveries")) {
                    long transferId = Long.parseLong(parts[3]);
                    int i = (int) (transferId % 100_000L);
                    int f = (int) ((transferId / 100_000L) % 10);
                    count = 1 + i % 2;
                    for (int d = 0; d < count; d++) {
                        Facility to = options.facilities().get((f + 1 + d) % options.facilities().size());
                        g.writeStartObject();
                        g.writeNumberField("Id", transferId * 10 + d);
                        g.writeNumberField("DeliveryNumber", d + 1);
                        g.writeStringField("RecipientFacilityLicenseNumber", to.licenseNumber());
                        g.writeStringField("RecipientFacilityName", to.name());
                        g.writeStringField("ShipmentTypeName", "Transfer");
                        g.writeStringField("EstimatedDepartureDateTime", String.format(Locale.ROOT, "2026-05-%02dT08:30:00.000", 1 + i % 28));
                        g.writeStringField("EstimatedArrivalDateTime", String.format(Locale.ROOT, "2026-05-%02dT12:00:00.000", 1 + i % 28));
                        g.writeStringField("ReceivedDateTime", i % 3 == 0 ? null
                                : String.format(Locale.ROOT, "2026-05-%02dT12:42:19-07:00", 1 + i % 28));
                        g.writeNumberField("DeliveryPackageCount", 1 + (i + d) % 3);
                        g.writeNumberField("DeliveryReceivedPackageCount", i % 3 == 0 ? 0 : 1 + (i + d) % 3);
                        g.writeEndObject();
                    }
                } else {
                    long deliveryId = Long.parseLong(parts[4]);
                    long transferId = deliveryId / 10;
                    int d = (int) (deliveryId % 10);
                    int i = (int) (transferId % 100_000L);
                    int f = (int) ((transferId / 100_000L) % 10);
                    String license = options.facilities().get(Math.min(f, options.facilities().size() - 1)).licenseNumber();
                    count = 1 + (i + d) % 3;
                    for (int k = 0; k < count; k++) {
                        int pkg = (i + d + k) % Math.max(1, options.recordsPerEndpoint());
                        g.writeStartObject();
                        g.writeNumberField("PackageId", recordId(license, Endpoint.PACKAGES_ACTIVE, pkg));
                        g.writeStringField("PackageLabel", label(license, Endpoint.PACKAGES_ACTIVE, pkg));
                        g.writeStringField("ItemName", "Item " + (pkg % 40));
                        g.writeStringField("ItemCategoryName", pkg % 2 == 0 ? "Buds" : "Infused Edible");
                        g.writeStringField("ShipmentPackageState", i % 3 == 0 ? "Shipped" : "Accepted");
                        g.writeFieldName("ShippedQuantity");
                        g.writeNumber((5 + k) + ".5");
                        g.writeStringField("ShippedUnitOfMeasureName", "Grams");
                        if (i % 3 == 0) {
                            g.writeNullField("ReceivedQuantity");
                            g.writeNullField("ReceivedUnitOfMeasureName");
                        } else {
                            g.writeFieldName("ReceivedQuantity");
                            g.writeNumber((5 + k) + ".5");
                            g.writeStringField("ReceivedUnitOfMeasureName", "Grams");
                        }
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
                g.writeNumberField("Total", count);
                g.writeNumberField("TotalRecords", count);
                g.writeNumberField("PageSize", q.pageSize() == null ? count : q.pageSize());
                g.writeNumberField("RecordsOnPage", count);
                g.writeNumberField("Page", 1);
                g.writeNumberField("CurrentPage", 1);
                g.writeNumberField("TotalPages", 1);
                g.writeEndObject();
            }
        });
    }

    /** GET /unitsofmeasure/v2/active: Metrc's units, a bare array as its example shows (integrator limit only). */
    private void serveUnits(HttpExchange ex) throws IOException {
        withinLimits(ex, null, () -> {
            record(ex, null, 200);
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody(); JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartArray();
                String[][] units = {{"CountBased", "Each", "ea"}, {"WeightBased", "Ounces", "oz"}, {"WeightBased", "Pounds", "lb"},
                        {"WeightBased", "Grams", "g"}, {"WeightBased", "Milligrams", "mg"}, {"WeightBased", "Kilograms", "kg"},
                        {"VolumeBased", "Milliliters", "ml"}};
                for (String[] u : units) {
                    g.writeStartObject();
                    g.writeStringField("QuantityType", u[0]);
                    g.writeStringField("Name", u[1]);
                    g.writeStringField("Abbreviation", u[2]);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        });
    }

    /**
     * GET /labtests/v2/results?packageId=…&licenseNumber=…: a package whose lab testing state is TestPassed has a
     * result of two tests (THC, Microbiologicals) expiring some weeks after the test; other packages none.
     */
    private void serveLabResults(HttpExchange ex, String license, String packageId) throws IOException {
        Integer f = license == null ? null : facilityIndex.get(license);
        if (license == null || packageId == null) {
            error(ex, license, 400, "packageId and licenseNumber are required.");
            return;
        }
        if (f == null || forbidden.contains(license)) {
            error(ex, license, f == null ? 401 : 403, "Authorization has been denied for this request.");
            return;
        }
        if (!packageId.matches("\\d{1,18}")) {
            error(ex, license, 400, "packageId '" + packageId + "' is not a number.");
            return;
        }
        long id = Long.parseLong(packageId);
        Endpoint e = List.of(Endpoint.PACKAGES_ACTIVE, Endpoint.PACKAGES_INACTIVE, Endpoint.PACKAGES_ONHOLD,
                Endpoint.PACKAGES_INTRANSIT).stream().filter(c -> id >= c.idBase && id < c.idBase + 1_000_000).findFirst().orElse(null);
        int i = e == null ? -1 : (int) (id - e.idBase - f * 100_000L);
        if (e == null || i < 0 || i >= options.recordsPerEndpoint()) {
            error(ex, license, 404, "No package " + packageId + " at " + license + ".");
            return;
        }
        withinLimits(ex, license, () -> {
            boolean tested = i % 4 == 0;
            record(ex, license, 200);
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody(); JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeArrayFieldStart("Data");
                if (tested) {
                    String[] types = {"THC", "Microbiologicals"};
                    for (int k = 0; k < types.length; k++) {
                        g.writeStartObject();
                        g.writeNumberField("PackageId", id);
                        g.writeNumberField("LabTestResultId", 900_000_000L + id);
                        g.writeStringField("LabFacilityLicenseNumber", "LAB-0001");
                        g.writeStringField("LabFacilityName", "Sandbox Testing Labs");
                        g.writeStringField("SourcePackageLabel", label(license, e, i));
                        g.writeStringField("ProductName", "Item " + (i % 40));
                        g.writeStringField("TestPerformedDate", String.format(Locale.ROOT, "2026-05-%02d", 1 + i % 28));
                        g.writeBooleanField("OverallPassed", true);
                        g.writeNullField("RevokedDate");
                        g.writeBooleanField("ResultReleased", true);
                        g.writeStringField("ResultReleaseDateTime", String.format(Locale.ROOT, "2026-05-%02dT00:00:00+00:00", 1 + i % 28));
                        g.writeStringField("ExpirationDateTime", String.format(Locale.ROOT, "2026-07-%02dT00:00:00+00:00", 1 + i % 28));
                        g.writeStringField("TestTypeName", types[k]);
                        g.writeBooleanField("TestPassed", true);
                        g.writeFieldName("TestResultLevel");
                        g.writeNumber(k == 0 ? (18 + i % 10) + ".25" : "0.1");
                        g.writeStringField("TestComment", null);
                        g.writeBooleanField("TestInformationalOnly", false);
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
                int n = tested ? 2 : 0;
                g.writeNumberField("Total", n);
                g.writeNumberField("TotalRecords", n);
                g.writeNumberField("PageSize", MAX_PAGE_SIZE);
                g.writeNumberField("RecordsOnPage", n);
                g.writeNumberField("Page", 1);
                g.writeNumberField("CurrentPage", 1);
                g.writeNumberField("TotalPages", 1);
                g.writeEndObject();
            }
        });
    }

    /** GET /sales/v2/receipts/{id}: one receipt with its transactions, within the same limits as the lists. */
    private void serveReceipt(HttpExchange ex, String license, long id) throws IOException {
        Integer f = license == null ? null : facilityIndex.get(license);
        if (f == null || forbidden.contains(license)) {
            error(ex, license, license == null ? 400 : f == null ? 401 : 403, license == null ? "licenseNumber is required."
                    : "Authorization has been denied for this request.");
            return;
        }
        Endpoint e = id >= Endpoint.SALES_RECEIPTS_INACTIVE.idBase ? Endpoint.SALES_RECEIPTS_INACTIVE : Endpoint.SALES_RECEIPTS_ACTIVE;
        int i = (int) (id - e.idBase - f * 100_000L);
        if (!serves(f, e) || i < 0 || i >= options.recordsPerEndpoint()) {
            error(ex, license, 404, "No receipt " + id + ".");
            return;
        }
        withinLimits(ex, license, () -> {
            long modifiedMillis;
            int version;
            synchronized (modified.get(f)) {
                modifiedMillis = modified.get(f).get(e)[i];
                version = versions.get(f).get(e)[i];
            }
            record(ex, license, 200);
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody(); JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                writeReceipt(g, license, f, e, i, modifiedMillis, version, true);
            }
        });
    }

    /**
     * A receipt: every tenth one's list entry leaves its transactions out (as Metrc's own list example shows them
     * empty), so a client must fetch it by id; the by-id answer always has them.
     */
    private void writeReceipt(JsonGenerator g, String license, int f, Endpoint e, int i, long modifiedMillis, int version,
                              boolean byId) throws IOException {
        int lines = 1 + i % 3;
        g.writeStartObject();
        g.writeNumberField("Id", recordId(license, e, i));
        g.writeStringField("ReceiptNumber", String.format(Locale.ROOT, "R-%02d-%06d", f, i));
        g.writeStringField("ExternalReceiptNumber", "POS-" + i);
        g.writeStringField("SalesDateTime", String.format(Locale.ROOT, "2026-05-%02dT%02d:%02d:45.000", 1 + i % 28, 9 + i % 10, i % 60));
        g.writeStringField("SalesCustomerType", i % 4 == 0 ? "Patient" : "Consumer");
        g.writeNumberField("TotalPackages", lines);
        BigDecimal total = BigDecimal.ZERO;
        for (int k = 0; k < lines; k++) {
            total = total.add(lineAmount(i, k, version));
        }
        g.writeFieldName("TotalPrice");
        g.writeNumber(total.toPlainString());
        g.writeArrayFieldStart("Transactions");
        if (byId || i % 10 != 9) {
            for (int k = 0; k < lines; k++) {
                g.writeStartObject();
                g.writeNumberField("PackageId", Endpoint.PACKAGES_ACTIVE.idBase + f * 100_000L + ((i + k) % Math.max(1, options.recordsPerEndpoint())));
                g.writeStringField("PackageLabel", label(license, Endpoint.PACKAGES_ACTIVE, (i + k) % Math.max(1, options.recordsPerEndpoint())));
                g.writeStringField("ProductName", "Item " + ((i + k) % 40));
                g.writeStringField("ProductCategoryName", k % 2 == 0 ? "Buds" : "Infused Edible");
                g.writeFieldName("QuantitySold");
                g.writeNumber(k % 2 == 0 ? "3.5" : "1");
                g.writeStringField("UnitOfMeasureName", k % 2 == 0 ? "Grams" : "Each");
                g.writeFieldName("TotalAmount");
                g.writeNumber(lineAmount(i, k, version).toPlainString());
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.writeBooleanField("IsFinal", e == Endpoint.SALES_RECEIPTS_INACTIVE);
        g.writeNullField("ArchivedDate");
        g.writeStringField("LastModified", stamp(modifiedMillis));
        g.writeEndObject();
    }

    private static BigDecimal lineAmount(int i, int k, int version) {
        return new BigDecimal((10 + (i * 7 + k * 3) % 90 + version) + ".99");
    }

    private void servePage(HttpExchange ex, String license, int f, Endpoint endpoint, Query q, boolean empty,
                           boolean truncate) throws IOException {
        long[] times;
        int[] version;
        List<Integer> matching = new ArrayList<>();
        synchronized (modified.get(f)) {
            times = modified.get(f).get(endpoint).clone();
            version = versions.get(f).get(endpoint).clone();
        }
        if (!empty) {
            for (int i = 0; i < times.length; i++) {
                if ((q.from() == null || times[i] >= q.from()) && (q.to() == null || times[i] <= q.to())) {
                    matching.add(i);
                }
            }
        }
        int pageSize = q.pageSize() == null ? Math.max(1, matching.size()) : q.pageSize();
        int page = q.pageNumber() == null ? 1 : q.pageNumber();
        int totalPages = (matching.size() + pageSize - 1) / pageSize;
        int from = Math.min(matching.size(), (page - 1) * pageSize);
        int to = Math.min(matching.size(), from + pageSize);
        record(ex, license, 200);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8);
            g.writeStartObject();
            g.writeArrayFieldStart("Data");
            for (int k = from; k < to; k++) {
                int i = matching.get(k);
                writeRecord(g, license, f, endpoint, i, times[i], version[i]);
                if (truncate && k == from) {
                    g.flush();
                    out.write("{\"Id\": tru".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    return;
                }
            }
            g.writeEndArray();
            g.writeNumberField("Total", matching.size());
            g.writeNumberField("TotalRecords", matching.size());
            g.writeNumberField("PageSize", pageSize);
            g.writeNumberField("RecordsOnPage", to - from);
            g.writeNumberField("Page", page);
            g.writeNumberField("CurrentPage", page);
            g.writeNumberField("TotalPages", totalPages);
            g.writeEndObject();
            g.close();
        }
    }

    private void writeRecord(JsonGenerator g, String license, int f, Endpoint e, int i, long modifiedMillis, int version)
            throws IOException {
        if (e == Endpoint.SALES_RECEIPTS_ACTIVE || e == Endpoint.SALES_RECEIPTS_INACTIVE) {
            writeReceipt(g, license, f, e, i, modifiedMillis, version, false);
            return;
        }
        long id = recordId(license, e, i);
        g.writeStartObject();
        g.writeNumberField("Id", id);
        switch (e) {
            case PACKAGES_ACTIVE, PACKAGES_INACTIVE, PACKAGES_ONHOLD, PACKAGES_INTRANSIT -> {
                g.writeStringField("Label", label(license, e, i));
                g.writeStringField("PackageType", "Product");
                g.writeNumberField("LocationId", e.idBase + f * 100_000L + (i % 5));
                g.writeStringField("LocationName", "Vault " + (i % 5));
                g.writeFieldName("Quantity");
                g.writeNumber(quantity(license, e, i).toPlainString());
                String unit = unitOfMeasure(license, e, i);
                g.writeStringField("UnitOfMeasureName", unit);
                g.writeStringField("UnitOfMeasureAbbreviation", abbreviation(unit));
                g.writeStringField("PackagedDate", "2026-01-" + String.format(Locale.ROOT, "%02d", 1 + i % 28));
                if (i % 3 == 0) {
                    g.writeNullField("ExpirationDate");
                } else {
                    g.writeStringField("ExpirationDate", "2027-06-" + String.format(Locale.ROOT, "%02d", 1 + i % 28));
                }
                g.writeStringField("LabTestingState", i % 4 == 0 ? "TestPassed" : "NotSubmitted");
                // the lab state changed when the package last did (the day of its LastModified, UTC), unless a test
                // says it was tested earlier and modified since for another reason
                long testedMillis = modifiedMillis - testedBefore.getOrDefault(license + "|" + e + "|" + i, Duration.ZERO).toMillis();
                g.writeStringField("LabTestingStateDate", Instant.ofEpochMilli(testedMillis).atZone(ZoneOffset.UTC).toLocalDate().toString());
                g.writeStringField("ProductionBatchNumber", i % 2 == 0 ? "PB-" + (i / 2) : null);
                g.writeBooleanField("IsTradeSample", i % 50 == 0);
                g.writeBooleanField("IsOnHold", e == Endpoint.PACKAGES_ONHOLD);
                g.writeStringField("LastModified", stamp(modifiedMillis));
                g.writeObjectFieldStart("Item");
                g.writeNumberField("Id", Endpoint.ITEMS_ACTIVE.idBase + f * 100_000L + (i % Math.max(1, options.recordsPerEndpoint())));
                g.writeStringField("Name", "Item " + (i % 40));
                g.writeStringField("ProductCategoryName", i % 2 == 0 ? "Buds" : "Infused Edible");
                g.writeStringField("UnitOfMeasureName", unit);
                g.writeEndObject();
            }
            case ITEMS_ACTIVE, ITEMS_INACTIVE -> {
                g.writeStringField("Name", "Item " + i + (version > 0 ? " v" + version : ""));
                g.writeStringField("ProductCategoryName", i % 2 == 0 ? "Buds" : "Infused Edible");
                g.writeStringField("ProductCategoryType", i % 2 == 0 ? "Buds" : "InfusedEdible");
                g.writeStringField("QuantityType", i % 2 == 0 ? "WeightBased" : "CountBased");
                g.writeStringField("UnitOfMeasureName", i % 2 == 0 ? "Grams" : "Each");
                if (i % 3 == 0) {
                    g.writeNullField("StrainId");
                    g.writeNullField("StrainName");
                } else {
                    g.writeNumberField("StrainId", Endpoint.STRAINS_ACTIVE.idBase + (i % 10));
                    g.writeStringField("StrainName", "Strain " + (i % 10));
                }
                g.writeStringField("ItemBrandName", i % 4 == 0 ? null : "Brand " + (i % 7));
                // "Description" as in Items/GetActiveItems.bru (null there; some items carry one)
                g.writeStringField("Description", i % 3 == 0 ? null : "Item " + i + " description");
            }
            case STRAINS_ACTIVE -> {
                g.writeStringField("Name", "Strain " + i + (version > 0 ? " v" + version : ""));
                g.writeStringField("TestingStatus", "ThirdParty");
                g.writeNumberField("IndicaPercentage", 60.0);
                g.writeNumberField("SativaPercentage", 40.0);
            }
            case LOCATIONS_ACTIVE -> {
                g.writeStringField("Name", "Room " + i + (version > 0 ? " v" + version : ""));
                g.writeNumberField("LocationTypeId", 1);
                g.writeStringField("LocationTypeName", "Default");
                g.writeBooleanField("ForPackages", true);
            }
            case HARVESTS_ACTIVE, HARVESTS_INACTIVE, HARVESTS_ONHOLD -> {
                g.writeStringField("Name", "2026-05-" + String.format(Locale.ROOT, "%02d", 1 + i % 28) + "-Harvest Room-" + i);
                g.writeStringField("HarvestType", i % 3 == 0 ? "WholePlant" : "Product");
                g.writeNumberField("DryingLocationId", Endpoint.LOCATIONS_ACTIVE.idBase + f * 100_000L + (i % 5));
                g.writeStringField("DryingLocationName", "Drying Room " + (i % 5));
                g.writeNumberField("CurrentWeight", new BigDecimal((i * 3 + version) + ".125"));
                g.writeNumberField("TotalWasteWeight", new BigDecimal((i % 7) + ".5"));
                g.writeNumberField("PlantCount", 10 + i);
                g.writeNumberField("TotalWetWeight", new BigDecimal((i * 4) + ".75"));
                g.writeNumberField("PackageCount", i % 6);
                g.writeStringField("UnitOfWeightName", i % 2 == 0 ? "Grams" : "Pounds");
                g.writeBooleanField("IsOnHold", e == Endpoint.HARVESTS_ONHOLD);
                g.writeStringField("HarvestStartDate", "2026-05-" + String.format(Locale.ROOT, "%02d", 1 + i % 28));
                if (e == Endpoint.HARVESTS_INACTIVE) {
                    g.writeStringField("FinishedDate", "2026-05-" + String.format(Locale.ROOT, "%02d", 2 + i % 27));
                } else {
                    g.writeNullField("FinishedDate");
                }
                g.writeStringField("LastModified", stamp(modifiedMillis));
            }
            case PLANTBATCHES_ACTIVE, PLANTBATCHES_INACTIVE -> {
                g.writeStringField("Name", "Plant Batch " + i + (version > 0 ? " v" + version : ""));
                g.writeNumberField("PlantBatchTypeId", 1);
                g.writeStringField("PlantBatchTypeName", i % 2 == 0 ? "Seed" : "Clone");
                g.writeStringField("LocationName", "Veg Room " + (i % 3));
                g.writeNumberField("StrainId", Endpoint.STRAINS_ACTIVE.idBase + f * 100_000L + (i % 10));
                g.writeStringField("StrainName", "Strain " + (i % 10));
                g.writeNumberField("UntrackedCount", 50 + i);
                g.writeNumberField("TrackedCount", i % 10);
                g.writeNumberField("DestroyedCount", i % 4);
                g.writeStringField("PlantedDate", "2026-04-" + String.format(Locale.ROOT, "%02d", 1 + i % 28));
                g.writeStringField("LastModified", stamp(modifiedMillis));
            }
            case SALES_RECEIPTS_ACTIVE, SALES_RECEIPTS_INACTIVE -> throw new IllegalStateException("written by writeReceipt");
            case TRANSFERS_INCOMING, TRANSFERS_OUTGOING, TRANSFERS_REJECTED -> {
                // an incoming transfer of this facility is another facility's outgoing one: the shipper is named
                Facility shipper = e == Endpoint.TRANSFERS_OUTGOING ? options.facilities().get(f)
                        : options.facilities().get((f + options.facilities().size() - 1) % options.facilities().size());
                g.writeStringField("ManifestNumber", String.format(Locale.ROOT, "%010d", id));
                g.writeStringField("ShipperFacilityLicenseNumber", shipper.licenseNumber());
                g.writeStringField("ShipperFacilityName", shipper.name());
                g.writeStringField("TransporterFacilityLicenseNumber", shipper.licenseNumber());
                g.writeStringField("TransporterFacilityName", shipper.name());
                g.writeStringField("ShipmentTypeName", "Transfer");
                g.writeNumberField("DeliveryCount", 1 + i % 2);
                g.writeNumberField("PackageCount", 1 + i % 3);
                g.writeNumberField("ReceivedPackageCount", i % 3 == 0 ? 0 : 1 + i % 3);
                g.writeBooleanField("IsVoided", e == Endpoint.TRANSFERS_REJECTED && i % 2 == 0);
                g.writeStringField("CreatedDateTime", String.format(Locale.ROOT, "2026-05-%02dT08:20:45-07:00", 1 + i % 28));
                g.writeStringField("LastModified", stamp(modifiedMillis));
            }
            case PLANTS_VEGETATIVE, PLANTS_FLOWERING, PLANTS_INACTIVE -> {
                g.writeStringField("Label", String.format(Locale.ROOT, "1A4PP%02d%02d%014d", f, e.ordinal(), i));
                g.writeStringField("State", e == Endpoint.PLANTS_INACTIVE ? "Harvested" : "Tracked");
                g.writeStringField("GrowthPhase", e == Endpoint.PLANTS_FLOWERING ? "Flowering"
                        : e == Endpoint.PLANTS_VEGETATIVE ? "Vegetative" : "Harvested");
                g.writeNumberField("PlantBatchId", Endpoint.PLANTBATCHES_ACTIVE.idBase + f * 100_000L + (i % 5));
                g.writeStringField("PlantBatchName", "Plant Batch " + (i % 5));
                g.writeNumberField("StrainId", Endpoint.STRAINS_ACTIVE.idBase + f * 100_000L + (i % 10));
                g.writeStringField("StrainName", "Strain " + (i % 10));
                g.writeStringField("LocationName", e == Endpoint.PLANTS_FLOWERING ? "Flower Room" : "Veg Room " + (i % 3));
                g.writeStringField("PlantedDate", "2026-03-" + String.format(Locale.ROOT, "%02d", 1 + i % 28));
                g.writeStringField("VegetativeDate", "2026-04-" + String.format(Locale.ROOT, "%02d", 1 + i % 28));
                if (e == Endpoint.PLANTS_VEGETATIVE) {
                    g.writeNullField("FloweringDate");
                } else {
                    g.writeStringField("FloweringDate", "2026-05-" + String.format(Locale.ROOT, "%02d", 1 + i % 28));
                }
                if (e == Endpoint.PLANTS_INACTIVE) {
                    g.writeStringField("HarvestedDate", "2026-05-" + String.format(Locale.ROOT, "%02d", 2 + i % 27));
                } else {
                    g.writeNullField("HarvestedDate");
                }
                g.writeNullField("DestroyedDate");
                g.writeStringField("LastModified", stamp(modifiedMillis));
            }
        }
        g.writeEndObject();
    }

    private static String abbreviation(String unit) {
        return switch (unit) {
            case "Grams" -> "g";
            case "Ounces" -> "oz";
            case "Pounds" -> "lb";
            case "Kilograms" -> "kg";
            case "Milliliters" -> "ml";
            default -> "ea";
        };
    }

    private String stamp(long millis) {
        // Metrc writes microseconds and an offset; the sandbox uses UTC
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC).format(STAMP);
    }

    private void record(HttpExchange ex, String license, int status) {
        served.add(new Served(System.nanoTime(), license, ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()), status));
    }

    private void error(HttpExchange ex, String license, int status, String message) throws IOException {
        record(ex, license, status);
        byte[] body = ("{\"Message\":\"" + message.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static String first(Map<String, List<String>> params, String key) {
        List<String> v = params.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        churn.shutdownNow();
        server.stop(0);
        workers.shutdownNow();
    }

    /** A validated query of a list endpoint. */
    private record Query(Long from, Long to, Integer pageNumber, Integer pageSize) {
        static Query parse(Map<String, List<String>> params) {
            // parameters Metrc does not document for the endpoint are ignored (the reference is silent on them)
            String start = first(params, "lastModifiedStart");
            String end = first(params, "lastModifiedEnd");
            if ((start == null) != (end == null)) {
                throw new IllegalArgumentException("lastModifiedStart and lastModifiedEnd must be given together.");
            }
            Long from = start == null ? null : instant("lastModifiedStart", start);
            Long to = end == null ? null : instant("lastModifiedEnd", end);
            if (from != null && to != null) {
                if (to < from) {
                    throw new IllegalArgumentException("lastModifiedEnd must not be before lastModifiedStart.");
                }
                if (to - from > MAX_WINDOW.toMillis()) {
                    throw new IllegalArgumentException("The date range between lastModifiedStart and lastModifiedEnd "
                            + "must not exceed 24 hours.");
                }
            }
            Integer pageNumber = integer(params, "pageNumber");
            Integer pageSize = integer(params, "pageSize");
            if (pageSize != null && (pageSize < 1 || pageSize > MAX_PAGE_SIZE)) {
                throw new IllegalArgumentException("pageSize must be between 1 and " + MAX_PAGE_SIZE + ".");
            }
            if (pageNumber != null && pageNumber < 1) {
                throw new IllegalArgumentException("pageNumber must be 1 or more.");
            }
            return new Query(from, to, pageNumber, pageSize);
        }

        private static Long instant(String name, String value) {
            if (value.contains(" ")) {
                // an unencoded '+' in the offset arrived as a space: Metrc would misread the filter silently
                throw new IllegalArgumentException(name + " '" + value + "' could not be parsed (encode '+' in the "
                        + "offset as %2B).");
            }
            try {
                return OffsetDateTime.parse(value).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(name + " '" + value + "' is not an ISO-8601 date and time with offset.");
            }
        }

        private static Integer integer(Map<String, List<String>> params, String name) {
            String v = first(params, name);
            if (v == null) {
                return null;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " '" + v + "' is not a whole number.");
            }
        }
    }
}
