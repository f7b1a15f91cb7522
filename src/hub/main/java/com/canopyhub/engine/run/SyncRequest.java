package com.canopyhub.engine.run;

import java.util.List;

/**
 * What one sync pass should do.
 *
 * @param source   source system, e.g. {@code distru}
 * @param streams streams to sync, or empty for every configured one
 * @param full     ignore the cursor and re-read everything (change detection still skips unchanged records)
 * @param trigger  who asked: {@code schedule}, {@code cli}, {@code bench}…
 * @param scheduledFor the Quartz fire time a scheduled pass is for (null for a pass nobody scheduled)
 */
public record SyncRequest(String source, List<String> streams, boolean full, String trigger, java.time.Instant scheduledFor) {
    /** The trigger of a pass the source's Quartz schedule fired. */
    public static final String SCHEDULE = "schedule";

    public SyncRequest(String source, List<String> streams, boolean full, String trigger) {
        this(source, streams, full, trigger, null);
    }

    public static SyncRequest scheduled(String source) {
        return scheduled(source, null);
    }

    /** A pass the source's schedule fired for {@code fireTime} (camel-quartz's {@code scheduledFireTime} header). */
    public static SyncRequest scheduled(String source, java.util.Date fireTime) {
        return new SyncRequest(source, List.of(), false, SCHEDULE, fireTime == null ? null : fireTime.toInstant());
    }
}
