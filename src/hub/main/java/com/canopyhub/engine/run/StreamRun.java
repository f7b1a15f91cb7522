package com.canopyhub.engine.run;

import java.util.function.BooleanSupplier;
import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.StreamKey;
import com.canopyhub.engine.spi.SyncWindow;
import com.canopyhub.engine.spi.Windowing;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * One stream's run within a pass, from the moment the pass is opened (PENDING) to its outcome: window, read
 * plan, the stream's lock, and counters. Every requested stream has one, so every summary lists every stream.
 */
public final class StreamRun {

    /** The exchange property a run travels in through the engine's routes (routes/engine-sync.camel.yaml). */
    public static final String PROPERTY = "run";

    private final SyncPass pass;
    private final String sourceSystem;
    private final String stream;
    private final String partition;
    private final BooleanSupplier stopRequested;
    private long startedNanos = System.nanoTime();
    private long runId;
    private SyncWindow window;
    /** A replay run's records (stored payloads of dead letters): its one page; null for a run that reads upstream. */
    private java.util.List<JsonNode> replayRecords;
    private final java.util.ArrayDeque<SyncWindow> slicesLeft = new java.util.ArrayDeque<>();
    private SyncWindow slice;
    private Windowing windowing;
    private Function<JsonNode, String> countedKey;
    private ReadPlan plan;
    private StreamLocks.Lease lease;
    private long fetched;
    /** The source ids served, for a snapshot stream with a gone state (null otherwise). */
    private SeenIds seen;
    /** What was served, for an open-ended stream not listed in creation order (null otherwise). */
    private ServedVersions served;
    /** Why this run must not move its cursor although it read every page (a record moved past the read position). */
    private volatile String cursorHeld;
    private boolean initialLoad;
    private long changed;
    // counted on the run's thread and on its writer's (PageWrites)
    private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong deadLettered = new java.util.concurrent.atomic.AtomicLong();
    /** The run's write-behind, once its first page is written behind (null: every page is written on the run's thread). */
    private PageWrites writes;
    private volatile SyncStatus status = SyncStatus.PENDING;
    private String error;
    private long lastProgressNanos = startedNanos;
    private long finishedNanos;
    /** Pages requested ahead of the one being written (the pager's), by request. */
    private final java.util.Map<PageRequest, java.util.concurrent.CompletableFuture<SourcePage>> ahead = new java.util.LinkedHashMap<>();

    StreamRun(SyncPass pass, String sourceSystem, String stream, String partition, BooleanSupplier stopRequested) {
        this.partition = partition;
        this.pass = pass;
        this.sourceSystem = sourceSystem;
        this.stream = stream;
        this.stopRequested = stopRequested;
    }

    /**
     * The run holds its stream's lock and has its row: pages may flow, slice by slice.
     *
     * @param w      the run's whole window (from the cursor to now − safety lag)
     * @param slices {@code w} cut into the slices the source allows, in time order (one for most streams)
     */
    void start(long id, SyncWindow w, java.util.List<SyncWindow> slices, Windowing windowing, StreamLocks.Lease held,
               boolean initialLoad, boolean trackSeen, boolean trackMoves,
               Function<JsonNode, String> countedKey) {
        this.countedKey = countedKey;
        this.seen = trackSeen ? new SeenIds() : null;
        this.served = trackMoves ? new ServedVersions() : null;
        this.initialLoad = initialLoad;
        this.runId = id;
        this.window = w;
        this.windowing = windowing;
        this.slicesLeft.addAll(slices);
        this.slice = slicesLeft.poll();
        this.plan = new ReadPlan(sourceSystem + "/" + label(), windowing, slice, countedKey);
        this.lease = held;
        this.startedNanos = System.nanoTime();
        this.lastProgressNanos = startedNanos;
        this.status = SyncStatus.RUNNING;
    }

    void replay(java.util.List<JsonNode> records) {
        this.replayRecords = java.util.List.copyOf(records);
    }

    /** The records a replay run writes again, or null. */
    public java.util.List<JsonNode> replayRecords() {
        return replayRecords;
    }

    /** Loop condition of the sync routes: pages left (in this slice or a later one), still running, not stopping. */
    public boolean continuePaging() {
        return status == SyncStatus.RUNNING && plan != null && (!plan.complete() || !slicesLeft.isEmpty())
                && !stopRequested.getAsBoolean();
    }

    /** The slice being read. */
    SyncWindow slice() {
        return slice;
    }

    /** True when the current slice is read completely and another one follows. */
    boolean sliceFinishedWithMoreToCome() {
        return plan != null && plan.complete() && !slicesLeft.isEmpty();
    }

    /** True when every slice was read completely: the run may succeed. */
    boolean allSlicesRead() {
        return plan != null && plan.complete() && slicesLeft.isEmpty();
    }

    /** The slice after the current one, or null (the pager reads its first page ahead). */
    SyncWindow peekNextSlice() {
        return slicesLeft.peek();
    }

    Windowing windowing() {
        return windowing;
    }

    /** Moves on to the next slice (after the finished one's cursor moved). */
    void nextSlice() {
        slice = slicesLeft.poll();
        plan = new ReadPlan(sourceSystem + "/" + label(), windowing, slice, countedKey);
    }

    /** A page arrived: counts it and lets the plan decide what to read next. */
    void pageFetched(SourcePage page) {
        plan.served(page);
        fetched += page.records().size();
        lastPageSize = page.records().size();
    }

    private volatile long lastPageSize;

    /** Records in the page read last (for its trace). */
    public long lastPageSize() {
        return lastPageSize;
    }

    void recordChanged(long n) {
        changed += n;
    }

    void recordWritten(long n) {
        written.addAndGet(n);
    }

    public void recordDeadLettered(long n) {
        deadLettered.addAndGet(n);
    }

    /** The run's write-behind, made on first use. */
    PageWrites writes(java.util.function.Supplier<PageWrites> make) {
        if (writes == null) {
            writes = make.get();
        }
        return writes;
    }

    /** The run's write-behind, or null when it has none. */
    PageWrites writes() {
        return writes;
    }

    /** Waits until every page the run queued committed (before its cursor moves or it succeeds); throws a write's failure. */
    void drainWrites() throws java.sql.SQLException {
        if (writes != null) {
            writes.drain();
        }
    }

    /** Sets the outcome in memory (the summary's truth even when the database cannot be told). */
    void finish(SyncStatus s, String err) {
        if (writes != null) {
            // a run that ends otherwise than by success drops the pages not begun, and waits for the one being written
            writes.abandon();
        }
        if (status == SyncStatus.PENDING) {
            // never started (skipped, or the pass ended before it): it took no time
            this.startedNanos = System.nanoTime();
        }
        this.finishedNanos = System.nanoTime();
        this.status = s;
        this.error = err;
    }

    /** Gives back the stream's lock, if this run holds it. */
    void releaseLock() {
        StreamLocks.Lease l = lease;
        lease = null;
        if (l != null) {
            l.close();
        }
    }

    StreamLocks.Lease lease() {
        return lease;
    }

    /** A source's read-ahead state for this run (e.g. the next page already being fetched); dropped with the run. */
    /** The pages this run has requested ahead (the pager fills and takes them). */
    java.util.Map<PageRequest, java.util.concurrent.CompletableFuture<SourcePage>> ahead() {
        return ahead;
    }

    /** The first {@code n} slices after the current one (their first pages may be read ahead). */
    java.util.List<SyncWindow> nextSlices(int n) {
        return slicesLeft.stream().limit(n).toList();
    }

    boolean progressDue(long intervalNanos) {
        long now = System.nanoTime();
        if (now - lastProgressNanos >= intervalNanos) {
            lastProgressNanos = now;
            return true;
        }
        return false;
    }

    /** The source ids this run was served, when its stream's absences mean something; else null. */
    public SeenIds seen() {
        return seen;
    }

    /** What this run was served, when its stream's list order can move records past the read position; else null. */
    ServedVersions served() {
        return served;
    }

    /** The run read every page, but a record moved while it did: its cursor stays, the next pass reads the window again. */
    void holdCursor(String why) {
        if (cursorHeld == null) {
            cursorHeld = why;
        }
    }

    String cursorHeld() {
        return cursorHeld;
    }

    public SyncPass pass() {
        return pass;
    }

    public String sourceSystem() {
        return sourceSystem;
    }

    public String stream() {
        return stream;
    }

    /** The stream's partition this run reads ('' when the stream has none). */
    public String partition() {
        return partition;
    }

    /** {@code stream} or {@code stream[partition]}, for logs and messages. */
    public String label() {
        return StreamKey.label(stream, partition);
    }

    /** The run's row in hub.sync_runs, or 0 while it has none (not begun, or its insert failed). */
    /** No run of this stream (and partition) succeeded before this one: its first, full read. */
    public boolean initialLoad() {
        return initialLoad;
    }

    public long runId() {
        return runId;
    }

    public SyncWindow window() {
        return window;
    }

    /** Which pages the run reads; complete once every page of the window was read. Null before the run starts. */
    public ReadPlan plan() {
        return plan;
    }

    public long pages() {
        return plan == null ? 0 : plan.requests();
    }

    public long fetched() {
        return fetched;
    }

    public long changed() {
        return changed;
    }

    public long written() {
        return written.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    public SyncStatus status() {
        return status;
    }

    public String error() {
        return error;
    }

    public double seconds() {
        return ((finishedNanos != 0 ? finishedNanos : System.nanoTime()) - startedNanos) / 1e9;
    }

    StreamResult result() {
        return new StreamResult(sourceSystem, stream, partition, status, fetched, changed, written.get(), deadLettered.get(), seconds(),
                error, runId);
    }
}
