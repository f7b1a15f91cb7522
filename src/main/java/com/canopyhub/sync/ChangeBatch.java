package com.canopyhub.sync;

import com.canopyhub.canonical.EntityType;
import java.util.List;

/** The changed records of one page, as they travel the change stream to every sink in one transaction. */
public record ChangeBatch(String sourceSystem, String entity, EntityType type, long syncRunId, List<Change> changes) {
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The changes {@code [from, to)} of this batch, as a batch of their own. */
    public ChangeBatch part(int from, int to) {
        return new ChangeBatch(sourceSystem, entity, type, syncRunId, changes.subList(from, to));
    }
}
