package com.canopyhub.sync;

import java.util.function.BooleanSupplier;

/** The state of one entity's run while its pages flow: window, paging position and counters. */
public final class EntitySync {

    private final SyncPass pass;
    private final String sourceSystem;
    private final String entity;
    private final long runId;
    private final SyncWindow window;
    private final ReadPlan plan;
    private final BooleanSupplier stopRequested;
    private final long startedNanos = System.nanoTime();
    private long fetched;
    private long changed;
    private long written;
    private long deadLettered;
    private volatile SyncStatus status;
    private String error;
    private long lastProgressNanos = startedNanos;
    private long finishedNanos;
    private Object lookahead;

    EntitySync(SyncPass pass, String sourceSystem, String entity, long runId, SyncWindow window, Windowing windowing,
               BooleanSupplier stopRequested, SyncStatus initial) {
        this.pass = pass;
        this.sourceSystem = sourceSystem;
        this.entity = entity;
        this.runId = runId;
        this.window = window;
        this.plan = new ReadPlan(sourceSystem + "/" + entity, windowing, window);
        this.stopRequested = stopRequested;
        this.status = initial;
    }

    /** Loop condition of the sync routes: more pages, still running, and the hub is not shutting down. */
    public boolean continuePaging() {
        return status == SyncStatus.RUNNING && !plan.complete() && !stopRequested.getAsBoolean();
    }

    /** A page arrived: counts it and lets the plan decide what to read next. */
    void pageFetched(SourcePage page) {
        plan.served(page);
        fetched += page.records().size();
    }

    void recordChanged(long n) {
        changed += n;
    }

    void recordWritten(long n) {
        written += n;
    }

    public void recordDeadLettered(long n) {
        deadLettered += n;
    }

    void finish(SyncStatus s, String err) {
        this.finishedNanos = System.nanoTime();
        this.status = s;
        this.error = err;
    }

    /** A source's read-ahead state for this run (e.g. the next page already being fetched); dropped with the run. */
    public Object lookahead() {
        return lookahead;
    }

    public void lookahead(Object state) {
        this.lookahead = state;
    }

    boolean progressDue(long intervalNanos) {
        long now = System.nanoTime();
        if (now - lastProgressNanos >= intervalNanos) {
            lastProgressNanos = now;
            return true;
        }
        return false;
    }

    public SyncPass pass() {
        return pass;
    }

    public String sourceSystem() {
        return sourceSystem;
    }

    public String entity() {
        return entity;
    }

    public long runId() {
        return runId;
    }

    public SyncWindow window() {
        return window;
    }

    /** Which pages the run reads; complete once every page of the window was read. */
    public ReadPlan plan() {
        return plan;
    }

    public long pages() {
        return plan.requests();
    }

    public long fetched() {
        return fetched;
    }

    public long changed() {
        return changed;
    }

    public long written() {
        return written;
    }

    public long deadLettered() {
        return deadLettered;
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

    EntityResult result() {
        return new EntityResult(sourceSystem, entity, status, fetched, changed, written, deadLettered, seconds(), error);
    }
}
