package com.canopyhub.engine.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A source as the engine sees it, in the spirit of the Airbyte CDK / Meltano SDK: it declares its partitions
 * (Distru: one; Metrc: one per licence), the {@link Stream} objects of each partition in dependency order (each knows
 * how it is filtered by time, read a page at a time, listed, and what its absences mean), how long a slice of a
 * closed window may be, and a mapper. The
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

    /** The streams of a partition, in dependency order (reference data first; a child after its parent). */
    List<Stream> streams(String partition);

    /** Every stream the source knows, whatever partition: what --stream and mapping files may name. */
    List<String> allStreams();

    /**
     * The stream of that name (a run looks its stream up once, when it begins).
     *
     * @throws IllegalArgumentException for a name {@link #allStreams()} does not hold
     */
    Stream stream(String name);

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

    /**
     * Whether access is granted per stream (Metrc: a user's permissions per endpoint and facility): a 401/403 on one
     * stream of one partition then marks only that stream unavailable for that partition (asked again a day later)
     * instead of ending the pass or the partition. Default false: a refusal is about the key.
     */
    default boolean accessPerStream() {
        return false;
    }

    /**
     * Maps a page of raw records of one partition to the canonical model; records that cannot be mapped are
     * rejected, not thrown.
     */
    MappedPage map(SourcePage page, String partition);
}
