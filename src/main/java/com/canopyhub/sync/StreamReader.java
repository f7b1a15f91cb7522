package com.canopyhub.sync;

/**
 * What the engine needs of a source to read one of its streams: how it can be filtered, and one page at a time.
 * Implementations classify failures (auth, rejected, retryable) and never retry: retries belong to the routes'
 * error handler (routes/errors.camel.yaml), one budget per page.
 */
public interface StreamReader {

    /** The stream's name, e.g. {@code products}: the entity name in config, cursors and runs. */
    String stream();

    Windowing windowing();

    /** Fetches one page; blocking, safe to call from a read-ahead thread. */
    SourcePage read(PageRequest request);
}
