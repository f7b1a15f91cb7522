package com.canopyhub.sync;

/** Outcome of one entity's run ({@code hub.sync_runs.status}). */
public enum SyncStatus {
    RUNNING,
    /** Every page reached the sinks and the cursor moved. */
    SUCCEEDED,
    /** An error ended the run; the cursor did not move, so the next run re-reads the window. */
    FAILED,
    /** The hub was stopping; the cursor did not move. */
    INTERRUPTED,
    /** Not attempted because an earlier entity of the pass failed authentication. */
    SKIPPED
}
