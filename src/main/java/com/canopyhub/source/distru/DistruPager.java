package com.canopyhub.source.distru;

import com.canopyhub.sync.EntitySync;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads the next page of an entity's current window and advances the run's paging position. While a page is
 * mapped and written, the following page is already being fetched (at most one page ahead, so memory stays
 * bounded by two pages): the upstream's latency and pacing overlap with the database's work.
 */
public class DistruPager implements AutoCloseable {

    private final DistruClient client;
    private final ExecutorService readAhead = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "distru-read-ahead");
        t.setDaemon(true);
        return t;
    });

    public DistruPager(DistruClient client) {
        this.client = client;
    }

    public DistruPage nextPage(EntitySync sync) {
        DistruEntity entity = DistruEntity.byConfigName(sync.entity());
        DistruPage page = takeReadAhead(sync);
        if (page == null) {
            page = client.fetchPage(entity, sync.nextPage(), sync.window());
        }
        sync.pageFetched(page.records().size(), page.hasMore());
        if (page.hasMore()) {
            int next = sync.nextPage();
            sync.lookahead(new ReadAhead(next, CompletableFuture.supplyAsync(
                    () -> client.fetchPage(entity, next, sync.window()), readAhead)));
        }
        return page;
    }

    /**
     * The page fetched ahead, if it is the one wanted now. A failed read-ahead is rethrown once (so the error
     * handler sees and retries it); the retry then fetches directly.
     */
    private static DistruPage takeReadAhead(EntitySync sync) {
        if (!(sync.lookahead() instanceof ReadAhead ahead) || ahead.page() != sync.nextPage()) {
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

    private record ReadAhead(int page, CompletableFuture<DistruPage> future) {
    }

    @Override
    public void close() {
        readAhead.shutdownNow();
    }
}
