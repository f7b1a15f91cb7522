package com.canopyhub.engine.changes;

import com.canopyhub.canonical.EntityType;
import java.util.List;

/**
 * The changed records of one page, as they travel the change stream to every sink in one transaction.
 *
 * @param stream    the stream the page came from (config and CLI name, e.g. {@code packages})
 * @param partition   the stream's partition ('' when it has none)
 * @param initialLoad the page belongs to the stream's initial load (no run of it succeeded before)
 */
public record ChangeBatch(String sourceSystem, String stream, String partition, EntityType type, long syncRunId,
                          List<Change> changes, boolean initialLoad) {

    public ChangeBatch(String sourceSystem, String stream, String partition, EntityType type, long syncRunId,
                       List<Change> changes) {
        this(sourceSystem, stream, partition, type, syncRunId, changes, false);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The changes {@code [from, to)} of this batch, as a batch of their own. */
    public ChangeBatch part(int from, int to) {
        return new ChangeBatch(sourceSystem, stream, partition, type, syncRunId, changes.subList(from, to), initialLoad);
    }
}
