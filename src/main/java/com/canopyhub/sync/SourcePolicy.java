package com.canopyhub.sync;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How a source's windows are cut.
 *
 * @param sourceSystem      e.g. {@code distru}
 * @param entities          configured entities, in sync order
 * @param snapshotEntities  entities the source cannot filter by date: always read whole
 * @param safetyLag         windows end this far behind now (eventual consistency, clock skew)
 * @param overlap           windows start this far before the previous end
 */
public record SourcePolicy(String sourceSystem, List<String> entities, Set<String> snapshotEntities,
                           Duration safetyLag, Duration overlap) {
}
