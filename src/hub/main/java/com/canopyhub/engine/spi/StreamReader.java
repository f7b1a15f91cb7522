package com.canopyhub.engine.spi;

/**
 * What the engine needs of a source to read one of its streams: one page at a time, of one partition.
 * Implementations classify failures (auth, rejected, unreachable, retryable) and never retry: retries belong to
 * the routes' error handler (routes/errors.camel.yaml), one budget per page.
 */
public interface StreamReader {

    /** The stream's name, e.g. {@code products}: the name in config, cursors and runs. */
    String stream();

    Windowing windowing();

    /**
     * Fetches one page of a partition ({@link StreamKey#NO_PARTITION} for a stream without partitions); blocking,
     * safe to call from a read-ahead thread.
     */
    SourcePage read(String partition, PageRequest request);
}
