package com.canopyhub.sync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/** One pass over a source's entities (a scheduled firing or one `sync --once`). */
public final class SyncPass {

    private final UUID id = UUID.randomUUID();
    private final SyncRequest request;
    private final List<String> entities;
    private final List<EntitySync> runs = Collections.synchronizedList(new ArrayList<>());
    private final long startedNanos = System.nanoTime();
    private volatile String abortReason;

    SyncPass(SyncRequest request, List<String> entities) {
        this.request = request;
        this.entities = List.copyOf(entities);
    }

    public UUID id() {
        return id;
    }

    public SyncRequest request() {
        return request;
    }

    /** The entities to sync in order; the routes split over this list. */
    public List<String> entities() {
        return entities;
    }

    void add(EntitySync run) {
        runs.add(run);
    }

    void abort(String reason) {
        this.abortReason = reason;
    }

    String abortReason() {
        return abortReason;
    }

    SyncReport report() {
        List<EntityResult> results;
        synchronized (runs) {
            results = runs.stream().map(EntitySync::result).toList();
        }
        return new SyncReport(id, request.source(), request.trigger(), results, (System.nanoTime() - startedNanos) / 1e9);
    }
}
