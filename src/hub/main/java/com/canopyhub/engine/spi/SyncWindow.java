package com.canopyhub.engine.spi;

import java.time.Instant;

/**
 * The change window one sync reads: records updated in {@code [start, end]}. A null start means
 * "from the beginning" (first or full sync); a null end means "up to now" (sources without a date filter).
 */
public record SyncWindow(Instant start, Instant end) {
    public static final SyncWindow EVERYTHING = new SyncWindow(null, null);
}
