package com.canopyhub.sync;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the next page of a run, as its {@link ReadPlan} says, through the source's {@link StreamReader}. While
 * a page is mapped and written the following one is already being fetched (one page ahead, so memory stays
 * bounded by two pages): the upstream's latency and pacing overlap with the database's work.
 */
public class Pager implements AutoCloseable {

    private final Map<String, Source> sources;
    private final ExecutorService readAhead;
    private final AtomicInteger threads = new AtomicInteger();

    /** One pager for every source: a run's source and stream pick the reader. */
    public Pager(Map<String, Source> sources) {
        this.sources = Map.copyOf(sources);
        // one read-ahead per run in flight (partitions run side by side); idle threads go after a minute
        this.readAhead = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "read-ahead-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private StreamReader reader(EntitySync sync) {
        Source source = sources.get(sync.sourceSystem());
        if (source == null) {
            throw new IllegalArgumentException("No source '" + sync.sourceSystem() + "'");
        }
        return source.reader(sync.entity());
    }

    public SourcePage nextPage(EntitySync sync) {
        PageRequest request = sync.plan().next();
        if (request == null) {
            throw new IllegalStateException(sync.sourceSystem() + "/" + sync.entity() + ": no page left to read");
        }
        StreamReader reader = reader(sync);
        String partition = sync.partition();
        SourcePage page = takeReadAhead(sync, request);
        if (page == null) {
            page = reader.read(partition, request);
        }
        sync.pageFetched(page);
        PageRequest following = sync.plan().next();
        if (following != null) {
            sync.lookahead(new ReadAhead(following,
                    CompletableFuture.supplyAsync(() -> reader.read(partition, following), readAhead)));
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
