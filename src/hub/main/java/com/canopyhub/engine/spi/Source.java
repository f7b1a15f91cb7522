package com.canopyhub.engine.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A source as the engine sees it, in the spirit of the Airbyte CDK / Meltano SDK: it declares its partitions
 * (Distru: one; Metrc: one per licence), the streams of each partition in dependency order, how each stream can be
 * filtered by time ({@link Windowing}), how long a slice of a closed window may be, and a reader and a mapper. The
 * engine does the rest the same way for every source: cursors, runs and dead letters per (source, stream,
 * partition), windows from the cursor to now − safety lag cut into slices, complete reads page by page, the change
 * stream, retries, locks. No source's name appears in the engine.
 */
public interface Source {

    /** The source's name: {@code source_system} in every table, the prefix of its settings, {@code --source}. */
    String name();

    /** Which upstream the source reads (base URL, or the sandbox); cursors remember it. */
    String upstream();

    /**
     * The partitions this pass syncs ({@link StreamKey#NO_PARTITION} alone for a source without partitions). It
     * may ask the upstream (Metrc: the licences the key can see); a failure fails the pass.
     */
    List<String> partitions();

    /** The streams of a partition, in dependency order (reference data first). */
    List<String> streams(String partition);

    /** Every stream the source knows, whatever partition: what --stream and mapping files may name. */
    List<String> allStreams();

    Windowing windowing(String stream);

    /** A window ends this far behind now (eventual consistency, clock skew). */
    Duration safetyLag();

    /** A window starts this far before the previous window's end, so late-visible records are re-read. */
    Duration overlap();

    /**
     * The longest slice a {@link Windowing#CLOSED} stream may ask for (Metrc: 24 h); a window is cut into slices
     * of at most this, read in order, the cursor moving after each. Null: the window is one slice.
     */
    default Duration maxSlice() {
        return null;
    }

    /** Where a stream without a cursor starts; null: from the beginning (the upstream needs no lower bound). */
    default Instant startDate() {
        return null;
    }

    /**
     * How many pages a run may request ahead of the one being written: the next page of its slice and the first
     * pages of the slices after it. 1 for big pages (Distru: memory); more where pages are small and many
     * (Metrc: 20 records, a slice a day), so the upstream's latency does not idle its rate limit.
     */
    default int readAhead() {
        return 1;
    }

    StreamReader reader(String stream);

    /**
     * Whether the upstream lists this {@link Windowing#OPEN_END} stream in creation order, so that a record's position
     * in the filtered set never decreases while it is paged (the open-ended argument of docs/sync-engine.md). Default
     * false: no order is assumed, and the engine watches for a record that moved past the read position (served
     * again, changed) and then keeps the run's cursor, so the next pass reads the window again.
     */
    default boolean listedInCreationOrder(String stream) {
        return false;
    }

    /**
     * Whether access is granted per stream (Metrc: a user's permissions per endpoint and facility): a 401/403 on one
     * stream of one partition then marks only that stream unavailable for that partition (asked again a day later)
     * instead of ending the pass or the partition. Default false: a refusal is about the key.
     */
    default boolean accessPerStream() {
        return false;
    }

    /**
     * Whether a complete pass of this {@link Windowing#SNAPSHOT} stream that no longer serves a record means the
     * record is gone, and what it becomes then; null (the default): absence means nothing.
     */
    default GoneState goneState(String stream) {
        return null;
    }

    /**
     * Of {@code candidates} (stored records that a snapshot pass of several pages did not serve), the source ids the
     * upstream confirms absent by a consistent read of just those records. Offset paging over a set that shrinks
     * while it is read can push a record past a page boundary unseen; only a confirmed absence is marked gone.
     * Default: none can be confirmed, so multi-page passes mark nothing gone.
     */
    default java.util.Set<String> confirmAbsent(String stream, String partition,
                                                java.util.List<com.canopyhub.canonical.CanonicalRecord> candidates) {
        return java.util.Set.of();
    }

    /**
     * Maps a page of raw records of one partition to the canonical model; records that cannot be mapped are
     * rejected, not thrown.
     */
    MappedPage map(SourcePage page, String partition);
}
