package com.canopyhub.engine.run;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.StreamReader;
import com.canopyhub.engine.spi.SyncWindow;

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

    private StreamReader reader(StreamRun sync) {
        Source source = sources.get(sync.sourceSystem());
        if (source == null) {
            throw new IllegalArgumentException("No source '" + sync.sourceSystem() + "'");
        }
        return source.reader(sync.stream());
    }

    public SourcePage nextPage(@org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) {
        PageRequest request = sync.plan().next();
        if (request == null) {
            throw new IllegalStateException(sync.sourceSystem() + "/" + sync.label() + ": no page left to read");
        }
        StreamReader reader = reader(sync);
        String partition = sync.partition();
        SourcePage page = take(sync, request);
        if (page == null) {
            page = reader.read(partition, request);
        }
        sync.pageFetched(page);
        readAhead(sync, reader, partition);
        return page;
    }

    /**
     * Requests ahead what the run will want next: the plan's next page, and the first pages of the slices that
     * follow, up to the source's read-ahead depth. While pages are written, these are already on their way: the
     * upstream's latency and pacing overlap with the database's work (memory: depth + 1 pages at most).
     */
    private void readAhead(StreamRun sync, StreamReader reader, String partition) {
        int depth = Math.max(1, sources.get(sync.sourceSystem()).readAhead());
        java.util.List<PageRequest> wanted = new java.util.ArrayList<>();
        PageRequest next = sync.plan().next();
        if (next != null) {
            wanted.add(next);
        }
        for (SyncWindow slice : sync.nextSlices(depth)) {
            if (wanted.size() >= depth) {
                break;
            }
            PageRequest first = new ReadPlan("read-ahead", sync.windowing(), slice).next();
            if (first != null) {
                wanted.add(first);
            }
        }
        // what is no longer wanted (the plan changed its mind: a slice re-read by halves) is dropped
        sync.ahead().keySet().retainAll(wanted);
        for (PageRequest r : wanted) {
            sync.ahead().computeIfAbsent(r, k -> CompletableFuture.supplyAsync(() -> reader.read(partition, k), readAhead));
        }
    }

    /**
     * The page read ahead for {@code wanted}, if any. A failed read-ahead is rethrown once (so the error handler
     * sees and retries it); the retry then fetches directly.
     */
    private static SourcePage take(StreamRun sync, PageRequest wanted) {
        CompletableFuture<SourcePage> ahead = sync.ahead().remove(wanted);
        if (ahead == null) {
            return null;
        }
        try {
            return ahead.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        readAhead.shutdownNow();
    }
}
