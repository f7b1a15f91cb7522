package com.canopyhub.sync;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads the next page of a run, as its {@link ReadPlan} says, through the source's {@link StreamReader}. While
 * a page is mapped and written the following one is already being fetched (one page ahead, so memory stays
 * bounded by two pages): the upstream's latency and pacing overlap with the database's work.
 */
public class Pager implements AutoCloseable {

    private final Map<String, StreamReader> readers;
    private final ExecutorService readAhead;

    public Pager(String sourceSystem, Map<String, StreamReader> readers) {
        this.readers = Map.copyOf(readers);
        this.readAhead = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, sourceSystem + "-read-ahead");
            t.setDaemon(true);
            return t;
        });
    }

    public StreamReader reader(String stream) {
        StreamReader r = readers.get(stream);
        if (r == null) {
            throw new IllegalArgumentException("No reader for stream '" + stream + "'");
        }
        return r;
    }

    public SourcePage nextPage(EntitySync sync) {
        PageRequest request = sync.plan().next();
        if (request == null) {
            throw new IllegalStateException(sync.sourceSystem() + "/" + sync.entity() + ": no page left to read");
        }
        StreamReader reader = reader(sync.entity());
        SourcePage page = takeReadAhead(sync, request);
        if (page == null) {
            page = reader.read(request);
        }
        sync.pageFetched(page);
        PageRequest following = sync.plan().next();
        if (following != null) {
            sync.lookahead(new ReadAhead(following, CompletableFuture.supplyAsync(() -> reader.read(following), readAhead)));
        }
        return page;
    }

    /**
     * The page fetched ahead, if it is the one wanted now. A failed read-ahead is rethrown once (so the error
     * handler sees and retries it); the retry then fetches directly.
     */
    private static SourcePage takeReadAhead(EntitySync sync, PageRequest wanted) {
        if (!(sync.lookahead() instanceof ReadAhead ahead) || !ahead.request().equals(wanted)) {
            return null;
        }
        sync.lookahead(null);
        try {
            return ahead.future().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private record ReadAhead(PageRequest request, CompletableFuture<SourcePage> future) {
    }

    @Override
    public void close() {
        readAhead.shutdownNow();
    }
}
