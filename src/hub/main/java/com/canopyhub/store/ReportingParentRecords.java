package com.canopyhub.store;

import com.canopyhub.canonical.EntityType;
import com.canopyhub.engine.spi.ParentRecords;
import com.canopyhub.engine.spi.ParentSelection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The parent records of a child stream's slice, from the reporting tables ({@link ParentSelection} says which).
 * The relations the canonical model has: inventory lots (a partition's packages) and the lab results stored for them
 * ({@code lab_results.package_source_id}); the partition is the lot's licence.
 */
public final class ReportingParentRecords implements ParentRecords {

    /** Parent type → (table, child type, child table, child's parent-key column). */
    private record Relation(String table, EntityType childType, String childTable, String childKey) {
    }

    private static final Map<EntityType, Relation> RELATIONS = Map.of(EntityType.INVENTORY_LOT,
            new Relation("reporting.inventory_lots", EntityType.LAB_RESULT, "reporting.lab_results", "package_source_id"));

    private final DataSource dataSource;

    public ReportingParentRecords(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Page page(String sourceSystem, String partition, ParentSelection selection, Instant from, Instant toExclusive,
                     int number) {
        Relation relation = RELATIONS.get(selection.parentType());
        if (relation == null || relation.childType() != selection.childType()) {
            throw new IllegalArgumentException("the store has no " + selection.childType() + " records kept per "
                    + selection.parentType());
        }
        // the keys are the child stream's declared custom-data keys, bound as parameters, never spliced in
        String matching = "FROM " + relation.table() + " p WHERE p.source_system = ? AND p.license_number = ? "
                + "AND p.source_updated_at >= ? AND p.source_updated_at < ? "
                + "AND coalesce(p.custom_data ->> ?, ?) <> ? "
                + "AND (NOT EXISTS (SELECT 1 FROM " + relation.childTable() + " r WHERE r.source_system = p.source_system "
                + "       AND r.license_number = p.license_number AND r." + relation.childKey() + " = p.source_id AND r.first_seen_at < ?) "
                + "     OR (p.custom_data ->> ?)::date BETWEEN ?::date - 1 AND ?::date + 1)";
        List<Parent> parents = new ArrayList<>();
        long total;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) " + matching)) {
                bind(ps, sourceSystem, partition, selection, from, toExclusive);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT p.source_id, p.label " + matching
                    + " ORDER BY p.source_id LIMIT ? OFFSET ?")) {
                int next = bind(ps, sourceSystem, partition, selection, from, toExclusive);
                ps.setInt(next, selection.pageSize());
                ps.setLong(next + 1, (long) (number - 1) * selection.pageSize());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        parents.add(new Parent(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the " + selection.parentType() + " records a "
                    + selection.childType() + " slice asks for: " + e.getMessage(), e);
        }
        return new Page(parents, total);
    }

    private static int bind(PreparedStatement ps, String sourceSystem, String partition, ParentSelection selection,
                            Instant from, Instant toExclusive) throws SQLException {
        ps.setString(1, sourceSystem);
        ps.setString(2, partition);
        ps.setObject(3, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        ps.setObject(4, OffsetDateTime.ofInstant(toExclusive, ZoneOffset.UTC));
        ps.setString(5, selection.stateKey());
        ps.setString(6, selection.inactiveState());
        ps.setString(7, selection.inactiveState());
        ps.setObject(8, OffsetDateTime.ofInstant(toExclusive, ZoneOffset.UTC));
        ps.setString(9, selection.stateDateKey());
        ps.setObject(10, from.atZone(ZoneOffset.UTC).toLocalDate());
        ps.setObject(11, toExclusive.atZone(ZoneOffset.UTC).toLocalDate());
        return 12;
    }
}
