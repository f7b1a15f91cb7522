package com.canopyhub.source.metrc;

import com.canopyhub.sync.PageRequest;
import com.canopyhub.sync.SourcePage;
import com.canopyhub.sync.StreamReader;
import com.canopyhub.sync.Windowing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The {@code labresults} stream of a licence: Metrc has no "results changed since" list, so the hub asks for the
 * results of exactly the packages whose lab testing state changed, by package id. Which packages those are, the
 * packages streams (read before this one in the licence's pass) already wrote: the licence's packages Metrc
 * modified in the slice ({@code LastModified}) whose {@code LabTestingStateDate} is on or after the slice's first
 * day (the state changed then, not some other field). A window's overlap re-asks the packages of its first minutes;
 * unchanged results write nothing. A page is up to 20 such packages, each
 * with its results as {@code LabResults}; the page count is the number of packages, so a slice is read completely.
 */
public final class MetrcLabResultsReader implements StreamReader {

    private static final String MATCHING = "FROM reporting.inventory_lots WHERE source_system = 'metrc' AND license_number = ? "
            + "AND source_updated_at >= ? AND source_updated_at < ? AND (custom_data ->> 'LabTestingStateDate')::date >= ?::date";

    private final MetrcClient client;
    private final DataSource dataSource;

    public MetrcLabResultsReader(MetrcClient client, DataSource dataSource) {
        this.client = client;
        this.dataSource = dataSource;
    }

    @Override
    public String stream() {
        return MetrcStream.LAB_RESULTS.configName();
    }

    @Override
    public Windowing windowing() {
        return Windowing.CLOSED;
    }

    @Override
    public SourcePage read(String licenseNumber, PageRequest request) {
        // packages Metrc modified in the slice (half-open, so adjacent slices never both ask) whose lab testing state
        // changed on or after the slice's first day: a package modified for another reason is not asked
        Instant from = request.from() == null ? Instant.EPOCH : request.from();
        Instant toExclusive = request.to() == null ? Instant.parse("9999-12-31T00:00:00Z") : request.to();
        List<String[]> packages = new ArrayList<>();
        long total;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) " + MATCHING)) {
                bind(ps, licenseNumber, from, toExclusive);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT source_id, label " + MATCHING
                    + " ORDER BY source_id LIMIT ? OFFSET ?")) {
                bind(ps, licenseNumber, from, toExclusive);
                ps.setInt(5, MetrcClient.PAGE_SIZE);
                ps.setLong(6, (long) (request.number() - 1) * MetrcClient.PAGE_SIZE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        packages.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the packages whose lab state changed: " + e.getMessage(), e);
        }
        List<JsonNode> records = new ArrayList<>(packages.size());
        for (String[] p : packages) {
            ObjectNode record = JsonNodeFactory.instance.objectNode();
            record.put("PackageId", p[0]);
            record.put("Label", p[1]);
            record.putArray("LabResults").addAll(client.labResults(licenseNumber, p[0]));
            records.add(record);
        }
        boolean hasMore = (long) request.number() * MetrcClient.PAGE_SIZE < total;
        return new SourcePage(stream(), request, records, hasMore, total);
    }

    private static void bind(PreparedStatement ps, String licenseNumber, Instant from, Instant toExclusive) throws SQLException {
        ps.setString(1, licenseNumber);
        ps.setObject(2, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        ps.setObject(3, OffsetDateTime.ofInstant(toExclusive, ZoneOffset.UTC));
        ps.setObject(4, from.atZone(ZoneOffset.UTC).toLocalDate());
    }
}
