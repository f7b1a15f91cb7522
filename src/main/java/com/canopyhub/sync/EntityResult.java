package com.canopyhub.sync;

/**
 * The figures of one entity's run, as the summary table shows them; {@code runId} is its {@code hub.sync_runs} row
 * (0 when none was recorded).
 */
public record EntityResult(String sourceSystem, String entity, SyncStatus status, long fetched, long changed,
                           long written, long deadLettered, double seconds, String error, long runId) {
}
