package com.canopyhub.source.metrc;

import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.engine.spi.StreamCatalogue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metrc as a source of the engine: one partition per licence (hub.metrc.license-numbers, or every facility the
 * keys can see), the configured streams its facility's FacilityType flags allow (plants, plant batches and
 * harvests where it can grow plants, sales receipts where it can sell), windows from the cursor (or hub.metrc.start-date) cut into slices of at most 24 h.
 */
public final class MetrcSource implements Source {

    /** Metrc refuses lastModified windows longer than this. */
    public static final Duration MAX_SLICE = Duration.ofHours(24);

    private final MetrcClient client;
    private final MetrcMapper mapper;
    private final List<String> licenseNumbers;
    private final List<String> streams;
    private final boolean followLicenseType;
    private final LocalDate startDate;
    private final Duration defaultBackfill;
    private final Duration safetyLag;
    private final Duration overlap;
    private final String upstream;
    private final Clock clock;
    private final int readAhead;
    private final StreamCatalogue all;
    /** Licence number to its facility, as the last facilities call reported. */
    private final Map<String, MetrcClient.Facility> facilities = new ConcurrentHashMap<>();

    public MetrcSource(MetrcClient client, MetrcMapper mapper, List<String> licenseNumbers, List<String> streams,
                       boolean followLicenseType, LocalDate startDate, Duration defaultBackfill, Duration safetyLag,
                       Duration overlap, String upstream, Clock clock, int readAhead) {
        this.readAhead = readAhead;
        this.client = client;
        this.mapper = mapper;
        this.licenseNumbers = List.copyOf(licenseNumbers);
        this.streams = List.copyOf(streams);
        this.followLicenseType = followLicenseType;
        this.startDate = startDate;
        this.defaultBackfill = defaultBackfill;
        this.safetyLag = safetyLag;
        this.overlap = overlap;
        this.upstream = upstream;
        this.clock = clock;
        this.all = new StreamCatalogue(MetrcClient.SYSTEM, Arrays.stream(MetrcStream.values()).map(s -> s == MetrcStream.LAB_RESULTS
                ? (Stream) new MetrcLabResultsStream(client) : new MetrcApiStream(client, s)).toList());
    }

    @Override
    public String name() {
        return MetrcClient.SYSTEM;
    }

    @Override
    public String upstream() {
        return upstream;
    }

    /** The licences: configured ones, or every facility the keys see. Asks Metrc once per pass for their types. */
    @Override
    public List<String> partitions() {
        List<MetrcClient.Facility> facilities = client.facilities();
        facilities.forEach(f -> this.facilities.put(f.licenseNumber(), f));
        return licenseNumbers.isEmpty() ? facilities.stream().map(MetrcClient.Facility::licenseNumber).toList() : licenseNumbers;
    }

    @Override
    public List<Stream> streams(String licenseNumber) {
        MetrcClient.Facility facility = facilities.get(licenseNumber);
        return streams.stream().filter(s -> !followLicenseType || MetrcStream.byConfigName(s).availableTo(facility))
                .map(this::stream).toList();
    }

    @Override
    public List<String> allStreams() {
        return all.names();
    }

    /** A Metrc user's permissions are per endpoint and facility: a 401/403 on one stream stops only that stream. */
    @Override
    public boolean accessPerStream() {
        return true;
    }

    @Override
    public Duration safetyLag() {
        return safetyLag;
    }

    @Override
    public Duration overlap() {
        return overlap;
    }

    @Override
    public Duration maxSlice() {
        return MAX_SLICE;
    }

    /** hub.metrc.start-date, or (when empty) hub.metrc.backfill-days before now. */
    @Override
    public Instant startDate() {
        return startDate != null ? startDate.atStartOfDay(ZoneOffset.UTC).toInstant() : clock.instant().minus(defaultBackfill);
    }

    /** Small pages, many slices: a few ahead keep a licence's requests in flight while pages are written. */
    @Override
    public int readAhead() {
        return readAhead;
    }

    @Override
    public Stream stream(String name) {
        return all.get(name);
    }

    @Override
    public MappedPage map(SourcePage page, String licenseNumber) {
        return mapper.map(page, licenseNumber);
    }
}
