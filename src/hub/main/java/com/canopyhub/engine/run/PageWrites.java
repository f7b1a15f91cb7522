package com.canopyhub.engine.run;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A run's write-behind (hub.sync.write-behind-pages): each page's transaction runs on a writer thread while the run's
 * own thread reads, maps and compares the next page, so the hub's CPU work and PostgreSQL's overlap.
 *
 * <p>What stays as it was without it: pages commit one at a time in page order (each write is chained to the one
 * before, and one that fails fails every write after it unrun), so the outbox's order is the pages' order; at most
 * {@code depth} pages wait; the cursor moves only after {@link #drain} (SyncRuns waits for every queued page before
 * it moves a cursor or ends a run); a record of a page still waiting is compared only once that page committed
 * ({@link #holds}); a failed write is thrown on the run's thread at its next page or drain, and fails the run like a
 * failure on that thread; a run that ends otherwise ({@link #abandon}) drops the pages not begun and waits for the
 * one being written, so its lock is never given back with a transaction still open.
 */
final class PageWrites {

    /** One page's transaction. */
    interface Write {
        void run() throws SQLException;
    }

    private final Executor writer;
    private final int depth;
    private final ArrayDeque<CompletableFuture<Void>> queued = new ArrayDeque<>();
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    private volatile boolean abandoned;

    PageWrites(Executor writer, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth " + depth);
        }
        this.writer = writer;
        this.depth = depth;
    }

    /**
     * Queues a page's write behind the ones before it, once fewer than {@code depth} wait; throws the failure of an
     * earlier write instead. {@code sourceIds}: the page's records, held until it committed.
     */
    void submit(Collection<String> sourceIds, Write write) throws SQLException {
        while (queued.size() >= depth) {
            awaitOldest();
        }
        waiting.addAll(sourceIds);
        Context context = Context.current(); // the page's trace: its events carry it
        last = last.thenRunAsync(() -> {
            if (abandoned) {
                throw new CancellationException("the run ended before this page was written");
            }
            try (Scope ignored = context.makeCurrent()) {
                write.run();
            } catch (SQLException e) {
                throw new CompletionException(e);
            } finally {
                waiting.removeAll(sourceIds);
            }
        }, writer);
        queued.add(last);
    }

    /** True when a page still waiting to commit holds one of these records (compare them only after it did). */
    boolean holds(Collection<String> sourceIds) {
        if (waiting.isEmpty()) {
            return false;
        }
        for (String id : sourceIds) {
            if (waiting.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** Waits until every queued page committed; throws the first failure. */
    void drain() throws SQLException {
        while (!queued.isEmpty()) {
            awaitOldest();
        }
    }

    /** The run ends without its queued pages: those not begun are dropped, the one being written is waited for. */
    void abandon() {
        abandoned = true;
        for (CompletableFuture<Void> f : queued) {
            try {
                f.join();
            } catch (CompletionException | CancellationException e) {
                // the run already ends with its own reason; a dropped page is read again by the next run
            }
        }
        queued.clear();
    }

    private void awaitOldest() throws SQLException {
        CompletableFuture<Void> oldest = queued.poll();
        try {
            oldest.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
