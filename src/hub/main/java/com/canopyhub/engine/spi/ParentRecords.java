package com.canopyhub.engine.spi;

import java.time.Instant;
import java.util.List;

/** The canonical store's parent records for a {@link ChildStream}'s slice, a page at a time (the store implements it). */
public interface ParentRecords {

    /** A parent record: its source id and label (e.g. a package's id and tag). */
    record Parent(String sourceId, String label) {
    }

    /** One page of parents, ordered by source id, and how many the selection holds in all. */
    record Page(List<Parent> parents, long total) {
    }

    Page page(String sourceSystem, String partition, ParentSelection selection, Instant from, Instant toExclusive,
              int number);
}
