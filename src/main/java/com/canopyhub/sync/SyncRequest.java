package com.canopyhub.sync;

import java.util.List;

/**
 * What one sync pass should do.
 *
 * @param source   source system, e.g. {@code distru}
 * @param entities entities to sync, or empty for every configured one
 * @param full     ignore the cursor and re-read everything (change detection still skips unchanged records)
 * @param trigger  who asked: {@code schedule}, {@code cli}, {@code bench}…
 */
public record SyncRequest(String source, List<String> entities, boolean full, String trigger) {
    /** The trigger of a pass the source's Quartz schedule fired. */
    public static final String SCHEDULE = "schedule";

    public static SyncRequest scheduled(String source) {
        return new SyncRequest(source, List.of(), false, SCHEDULE);
    }
}
