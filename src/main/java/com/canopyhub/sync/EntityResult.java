package com.canopyhub.sync;

/** The figures of one entity's run, as the summary table shows them. */
public record EntityResult(String sourceSystem, String entity, SyncStatus status, long fetched, long changed,
                           long written, long deadLettered, double seconds, String error) {
}
