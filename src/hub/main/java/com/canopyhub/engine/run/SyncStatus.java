package com.canopyhub.engine.run;

import com.canopyhub.engine.spi.Source;

/** Outcome of one stream's run ({@code hub.sync_runs.status}). */
public enum SyncStatus {
    /** Requested by the pass, not started yet. Never stored; a summary never ends with it. */
    PENDING,
    RUNNING,
    /** Every page reached the sinks and the cursor moved. */
    SUCCEEDED,
    /** An error ended the run; the cursor did not move, so the next run re-reads the window. */
    FAILED,
    /** The hub was stopping; the cursor did not move. */
    INTERRUPTED,
    /**
     * Not attempted: an earlier stream of the pass failed authentication, the hub was stopping, or another hub
     * process is syncing the stream right now.
     */
    SKIPPED,
    /** Left RUNNING by a process that died or lost the database; found and closed by a later one. */
    ABANDONED,
    /**
     * The upstream refuses this stream of this partition (401/403) while it answers the partition's other streams
     * (a source with {@link Source#accessPerStream()}): recorded in {@code hub.stream_unavailable}, asked again a day
     * later. A pass with such runs still counts as OK: nothing was lost, and {@code status} shows it.
     */
    UNAVAILABLE,
    /**
     * Every page was read and written, but the snapshot could not be proven complete (a counted snapshot whose set kept
     * changing while it was paged, in every one of its reads): nothing was marked deleted, so nothing was lost. The
     * next pass reads it again. A pass with such runs still counts as OK.
     */
    INCOMPLETE
}
