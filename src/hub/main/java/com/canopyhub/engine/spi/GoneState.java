package com.canopyhub.engine.spi;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Tombstone;
import java.util.function.UnaryOperator;

/**
 * What a record of a snapshot stream becomes when a complete pass of the stream no longer serves it, declared by
 * the stream (Distru inventory: a stock group absent from the snapshot holds nothing, so its stock level turns to
 * 0). The engine applies it only after a pass it can prove complete (docs/sync-engine.md, "Absence from a
 * snapshot"); the gone version then travels the change stream like any change: reporting row, change log, event,
 * and so every sink.
 *
 * @param type the canonical type of the stream's records: its reporting table holds what the hub last saw, and the
 *             stream owns that table's rows of its source (and partition, as {@code license_number})
 * @param gone the record once gone upstream, made from the last version the hub holds; a record already in its
 *             gone state maps to an equal record and changes nothing
 * @param deletes the gone state is deletion ({@link #deleted}): the record becomes a {@link Tombstone} (reporting
 *             {@code deleted_at}, a {@code DELETED} change, a {@code <kind>.deleted} event), built from the stored
 *             row's identity alone
 */
public record GoneState(EntityType type, UnaryOperator<CanonicalRecord> gone, boolean deletes) {

    public GoneState(EntityType type, UnaryOperator<CanonicalRecord> gone) {
        this(type, gone, false);
    }

    /** Absent from a complete, unfiltered pass means deleted upstream. */
    public static GoneState deleted(EntityType type) {
        return new GoneState(type, r -> r instanceof Tombstone t ? t : new Tombstone(r.canonicalId(), r.provenance(), type, null), true);
    }
}
