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
 * @param since    a backfill: read the streams' windows from this instant, whatever their cursors say (a bounded
 *                 pass: cursors never move backwards, deletions are never judged); null for a regular pass
 * @param replay   a replay of dead-lettered records: their stored payloads are mapped and written again as the run's
 *                 one page, nothing is read upstream and no cursor moves; null for a regular pass
 */
public record SyncRequest(String source, List<String> streams, boolean full, String trigger, java.time.Instant scheduledFor,
                          java.time.Instant since, Replay replay) {

    /** The dead letters (ids) of one partition a replay pass maps and writes again. */
    public record Replay(String partition, List<Long> deadLetters) {
    }

    public SyncRequest(String source, List<String> streams, boolean full, String trigger, java.time.Instant scheduledFor) {
        this(source, streams, full, trigger, scheduledFor, null, null);
    }

    /** A backfill of {@code streams} from {@code since} (docs/operations.md). */
    public static SyncRequest backfill(String source, List<String> streams, java.time.Instant since, String trigger) {
        return new SyncRequest(source, streams, false, trigger, null, since, null);
    }

    /** A replay of one stream's dead-lettered records of one partition. */
    public static SyncRequest replay(String source, String stream, String partition, List<Long> deadLetters, String trigger) {
        return new SyncRequest(source, List.of(stream), false, trigger, null, null, new Replay(partition, List.copyOf(deadLetters)));
    }

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
