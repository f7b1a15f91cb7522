package com.canopyhub.sync;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a source's windows are cut.
 *
 * @param sourceSystem      e.g. {@code distru}
 * @param entities          configured entities, in sync order
 * @param windowing         how each entity can be filtered by date ({@link Windowing#SNAPSHOT}: read whole)
 * @param safetyLag         windows end this far behind now (eventual consistency, clock skew)
 * @param overlap           windows start this far before the previous end
 * @param upstream          which upstream the source reads (e.g. the Distru base URL, or the sandbox); cursors
 *                          remember it, so a database pointed at another upstream does not trust foreign cursors
 */
public record SourcePolicy(String sourceSystem, List<String> entities, Map<String, Windowing> windowing,
                           Duration safetyLag, Duration overlap, String upstream) {

    public Windowing windowing(String entity) {
        Windowing w = windowing.get(entity);
        if (w == null) {
            throw new IllegalArgumentException(sourceSystem + " has no stream '" + entity + "'");
        }
        return w;
    }
}
