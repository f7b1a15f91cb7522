package com.canopyhub.sync;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One pass over a source's entities (a scheduled firing or one `sync --once`). It holds a run for every
 * requested entity from the start, so its summary lists each of them with a status, whatever happens.
 */
public final class SyncPass {

    /** Reason of a run skipped because the hub was stopping (Ctrl-C, SIGTERM): an interruption, not a failure. */
    public static final String STOPPING = "skipped: hub stopping";

    private final UUID id = UUID.randomUUID();
    private final SyncRequest request;
    private final Map<String, EntitySync> runs = new LinkedHashMap<>();
    private final long startedNanos = System.nanoTime();
    private volatile String abortReason;

    SyncPass(SyncRequest request, String sourceSystem, List<String> entities, BooleanSupplier stopRequested) {
        this.request = request;
        for (String e : entities) {
            runs.put(e, new EntitySync(this, sourceSystem, e, stopRequested));
        }
    }

    public UUID id() {
        return id;
    }

    public SyncRequest request() {
        return request;
    }

    /** The entities to sync in order; the routes split over this list. */
    public List<String> entities() {
        return List.copyOf(runs.keySet());
    }

    EntitySync run(String entity) {
        EntitySync run = runs.get(entity);
        if (run == null) {
            throw new IllegalArgumentException("Entity '" + entity + "' is not part of pass " + id);
        }
        return run;
    }

    List<EntitySync> runs() {
        return List.copyOf(runs.values());
    }

    void abort(String reason) {
        this.abortReason = reason;
    }

    String abortReason() {
        return abortReason;
    }

    SyncReport report() {
        return new SyncReport(id, request.source(), request.trigger(), runs.values().stream().map(EntitySync::result).toList(),
                (System.nanoTime() - startedNanos) / 1e9);
    }
}
