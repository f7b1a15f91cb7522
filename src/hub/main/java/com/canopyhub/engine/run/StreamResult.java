package com.canopyhub.engine.run;

import com.canopyhub.engine.spi.StreamKey;

/**
 * The figures of one run (a stream, or one partition of it), as the summary table shows them; {@code runId} is
 * its {@code hub.sync_runs} row (0 when none was recorded).
 */
public record StreamResult(String sourceSystem, String stream, String partition, SyncStatus status, long fetched,
                           long changed, long written, long deadLettered, double seconds, String error, long runId) {

    /** {@code stream} or {@code stream[partition]}. */
    public String label() {
        return StreamKey.label(stream, partition);
    }
}
