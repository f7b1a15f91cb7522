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
import com.canopyhub.engine.spi.ChildStream;
import com.canopyhub.engine.spi.ParentRecords;
import com.canopyhub.engine.spi.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import com.canopyhub.engine.spi.SyncWindow;

/**
 * Reads the next page of a run, as its {@link ReadPlan} says, through the source's {@link Stream}. While
 * a page is mapped and written the following one is already being fetched (one page ahead, so memory stays
 * bounded by two pages): the upstream's latency and pacing overlap with the database's work.
 */
public class Pager implements AutoCloseable {

    private final Map<String, Source> sources;
    private final ExecutorService readAhead;
    private final AtomicInteger threads = new AtomicInteger();

    private final ParentRecords parentRecords;

    /** One pager for every source: a run's source and stream pick the reader. */
    public Pager(Map<String, Source> sources, ParentRecords parentRecords) {
        this.sources = Map.copyOf(sources);
        this.parentRecords = parentRecords;
        // one read-ahead per run in flight (partitions run side by side); idle threads go after a minute
        this.readAhead = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "read-ahead-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private Stream streamOf(StreamRun sync) {
        Source source = sources.get(sync.sourceSystem());
        if (source == null) {
            throw new IllegalArgumentException("No source '" + sync.sourceSystem() + "'");
        }
        return source.stream(sync.stream());
    }

    /** One page of a stream: from the upstream, or for a child stream, its parents' page from the store, each asked. */
    private SourcePage read(Stream stream, String sourceSystem, String partition, PageRequest request) {
        if (!(stream instanceof ChildStream child)) {
            return stream.read(partition, request);
        }
        // half-open slices, so adjacent slices never both take a parent
        Instant from = request.from() == null ? Instant.EPOCH : request.from();
        Instant toExclusive = request.to() == null ? Instant.parse("9999-12-31T00:00:00Z") : request.to();
        ParentRecords.Page parents = parentRecords.page(sourceSystem, partition, child.parents(), from, toExclusive, request.number());
        List<JsonNode> records = new ArrayList<>(parents.parents().size());
        for (ParentRecords.Parent parent : parents.parents()) {
            records.add(child.readFor(partition, parent));
        }
        boolean hasMore = (long) request.number() * child.parents().pageSize() < parents.total();
        return new SourcePage(child.name(), request, records, hasMore, parents.total());
    }

    public SourcePage nextPage(@org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) {
        PageRequest request = sync.plan().next();
        if (request == null) {
            throw new IllegalStateException(sync.sourceSystem() + "/" + sync.label() + ": no page left to read");
        }
        Stream stream = streamOf(sync);
        String partition = sync.partition();
        if (sync.replayRecords() != null) {
            // a replay: the stored payloads are the run's only page; nothing is read upstream
            SourcePage page = new SourcePage(sync.stream(), request, sync.replayRecords(), false, sync.replayRecords().size());
            sync.pageFetched(page);
            return page;
        }
        SourcePage page = take(sync, request);
        if (page == null) {
            page = read(stream, sync.sourceSystem(), partition, request);
        }
        sync.pageFetched(page);
        readAhead(sync, stream, partition);
        return page;
    }

    /**
     * Requests ahead what the run will want next: the plan's next page, and the first pages of the slices that
     * follow, up to the source's read-ahead depth. While pages are written, these are already on their way: the
     * upstream's latency and pacing overlap with the database's work (memory: depth + 1 pages at most).
     */
    private void readAhead(StreamRun sync, Stream stream, String partition) {
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
            sync.ahead().computeIfAbsent(r, k -> CompletableFuture.supplyAsync(() -> read(stream, sync.sourceSystem(), partition, k), readAhead));
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
