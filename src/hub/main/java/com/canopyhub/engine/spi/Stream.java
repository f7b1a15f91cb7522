package com.canopyhub.engine.spi;

import com.canopyhub.canonical.CanonicalRecord;
import java.util.List;
import java.util.Set;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * One stream of a source, as an object (in the spirit of airbyte-cdk's {@code HttpStream} and the singer-sdk's
 * {@code Stream}): its name, how it can be filtered by time, how one page of a partition is read, and what its list
 * order and its absences mean. A source returns its streams ({@link Source#streams}); the engine runs each the same
 * way. Implementations classify failures (auth, rejected, unreachable, retryable) and never retry: retries belong to
 * the routes' error handler (routes/errors.camel.yaml), one budget per page.
 */
public interface Stream {

    /** The stream's name, e.g. {@code products}: the name in config, cursors, runs and mapping files. */
    String name();

    Windowing windowing();

    /**
     * Fetches one page of a partition ({@link StreamKey#NO_PARTITION} for a stream without partitions): the request
     * parameters of the slice and page, the call, the parsing. Blocking, safe to call from a read-ahead thread.
     */
    SourcePage read(String partition, PageRequest request);

    /**
     * Whether the upstream lists this {@link Windowing#OPEN_END} stream in creation order, so that a record's position
     * in the filtered set never decreases while it is paged (the open-ended argument of docs/sync-engine.md). Default
     * false: no order is assumed, and the engine watches for a record that moved past the read position (served
     * again, changed) and then keeps the run's cursor, so the next pass reads the window again.
     */
    default boolean listedInCreationOrder() {
        return false;
    }

    /**
     * Whether a complete pass of this {@link Windowing#SNAPSHOT} stream that no longer serves a record means the
     * record is gone, and what it becomes then; null (the default): absence means nothing.
     */
    default GoneState goneState() {
        return null;
    }

    /**
     * For a {@link Windowing#SNAPSHOT} stream whose upstream reports the set's total with every page and can start a
     * page on the previous page's last record (offset paging with a one-record overlap): the key of a raw record. A
     * multi-page pass of such a stream proves itself complete (docs/sync-engine.md, "Counted snapshots"): every page
     * reported the same total, every page began where the one before ended, and that many distinct keys were served;
     * otherwise the engine reads it again (bounded) and, if it never settles, the run is {@code INCOMPLETE}: written,
     * but nothing is marked gone. Null (the default): passes are not counted.
     */
    default Function<JsonNode, String> snapshotKey() {
        return null;
    }

    /**
     * Of {@code candidates} (stored records that a snapshot pass of several pages did not serve), the source ids the
     * upstream confirms absent by a consistent read of just those records. Offset paging over a set that shrinks
     * while it is read can push a record past a page boundary unseen; only a confirmed absence is marked gone.
     * Default: none can be confirmed, so multi-page passes mark nothing gone.
     */
    default Set<String> confirmAbsent(String partition, List<CanonicalRecord> candidates) {
        return Set.of();
    }
}
