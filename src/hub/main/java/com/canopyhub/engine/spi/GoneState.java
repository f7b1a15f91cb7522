package com.canopyhub.engine.spi;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
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
 */
public record GoneState(EntityType type, UnaryOperator<CanonicalRecord> gone) {
}
