package com.canopyhub.engine.spi;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/** Reads back the canonical records the reporting tables hold, for the types whose streams declare a {@link GoneState}. */
public interface StoredRecords {

    /** A record as stored, with the content hash it was stored under. */
    record Stored(CanonicalRecord record, String contentHash) {
    }

    /** The stored records of {@code sourceSystem} with these source ids (those that exist), in no particular order. */
    List<Stored> load(Connection c, EntityType type, String sourceSystem, Collection<String> sourceIds) throws SQLException;
}
