package com.canopyhub.source.metrc;

import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.StreamReader;
import com.canopyhub.engine.spi.Windowing;
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
 * results of packages by package id. Which packages, the packages streams (read before this one in the licence's
 * pass) already wrote: the licence's packages Metrc modified in the slice ({@code LastModified}, half-open so adjacent
 * slices never both ask) that are in a tested state ({@code LabTestingState} other than {@code NotSubmitted}) and
 * either have no results stored yet (a package tested before its last modification, or before the hub first read
 * it) or whose {@code LabTestingStateDate} falls in the slice (a re-test). The state date is the facility's local date:
 * it is compared with the slice's UTC days widened by a day on each side. "Stored yet" means stored before the slice's
 * end, so the set does not change while it is paged (results this pass writes are stored later than that). A
 * window's overlap re-asks the packages of its first minutes; unchanged results write nothing. A page is up to 20
 * such packages, each with its results as {@code LabResults}; the page count is the number of packages, so a slice is
 * read completely.
 */
public final class MetrcLabResultsReader implements StreamReader {

    private static final String MATCHING = "FROM reporting.inventory_lots p WHERE p.source_system = 'metrc' AND p.license_number = ? "
            + "AND p.source_updated_at >= ? AND p.source_updated_at < ? "
            + "AND coalesce(p.custom_data ->> 'LabTestingState', 'NotSubmitted') <> 'NotSubmitted' "
            + "AND (NOT EXISTS (SELECT 1 FROM reporting.lab_results r WHERE r.source_system = 'metrc' "
            + "       AND r.license_number = p.license_number AND r.package_source_id = p.source_id AND r.first_seen_at < ?) "
            + "     OR (p.custom_data ->> 'LabTestingStateDate')::date BETWEEN ?::date - 1 AND ?::date + 1)";

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
            try (PreparedStatement ps = c.prepareStatement("SELECT p.source_id, p.label " + MATCHING
                    + " ORDER BY p.source_id LIMIT ? OFFSET ?")) {
                bind(ps, licenseNumber, from, toExclusive);
                ps.setInt(7, MetrcClient.PAGE_SIZE);
                ps.setLong(8, (long) (request.number() - 1) * MetrcClient.PAGE_SIZE);
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
        ps.setObject(4, OffsetDateTime.ofInstant(toExclusive, ZoneOffset.UTC));
        ps.setObject(5, from.atZone(ZoneOffset.UTC).toLocalDate());
        ps.setObject(6, toExclusive.atZone(ZoneOffset.UTC).toLocalDate());
    }
}
