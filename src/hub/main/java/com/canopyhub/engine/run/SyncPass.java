package com.canopyhub.engine.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One pass over a source (a scheduled firing or one `sync --once`): a run for every requested stream of every
 * partition, held from the start, so its summary lists each of them with a status, whatever happens. Partitions
 * run side by side; the streams of one partition in their dependency order.
 */
public final class SyncPass {

    /** Reason of a run skipped because the hub was stopping (Ctrl-C, SIGTERM): an interruption, not a failure. */
    public static final String STOPPING = "skipped: hub stopping";

    private final UUID id = UUID.randomUUID();
    private final SyncRequest request;
    /** Partition to its runs, in stream order; partitions in the source's order. */
    private final Map<String, List<StreamRun>> byPartition = new LinkedHashMap<>();
    private final long startedNanos = System.nanoTime();
    private volatile String abortReason;
    /** Set when the reporting database stopped answering: the rest of the pass is skipped without asking it again. */
    private volatile String databaseDown;
    private final Map<String, String> partitionAbortReasons = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param streams partition to the streams this pass syncs in it, in dependency order */
    SyncPass(SyncRequest request, String sourceSystem, Map<String, List<String>> streams, BooleanSupplier stopRequested) {
        this.request = request;
        streams.forEach((partition, names) -> {
            List<StreamRun> runs = new ArrayList<>();
            for (String stream : names) {
                runs.add(new StreamRun(this, sourceSystem, stream, partition, stopRequested));
            }
            byPartition.put(partition, List.copyOf(runs));
        });
    }

    /** The database is unreachable: the remaining runs are skipped in memory (each would wait a connect timeout). */
    public void databaseDown(String reason) {
        this.databaseDown = reason;
        abort("skipped: " + reason);
    }

    /** Why the database is taken to be down for the rest of this pass, or null. */
    public String databaseDown() {
        return databaseDown;
    }

    public UUID id() {
        return id;
    }

    public SyncRequest request() {
        return request;
    }

    /** The partitions of this pass; the pass route splits over them, in parallel. */
    public List<String> partitions() {
        return List.copyOf(byPartition.keySet());
    }

    /** The runs of one partition in dependency order; the pass route splits over them, one after the other. */
    public List<StreamRun> runsOf(String partition) {
        List<StreamRun> runs = byPartition.get(partition);
        if (runs == null) {
            throw new IllegalArgumentException("Partition '" + partition + "' is not part of pass " + id);
        }
        return runs;
    }

    /** Every stream name of the pass, in order (once each, whatever the partitions). */
    public List<String> streams() {
        return runs().stream().map(StreamRun::stream).distinct().toList();
    }

    List<StreamRun> runs() {
        return byPartition.values().stream().flatMap(List::stream).toList();
    }

    /** Every run not started yet is skipped with this reason (bad credentials, upstream unreachable). */
    void abort(String reason) {
        this.abortReason = reason;
    }

    /** The runs of one partition not started yet are skipped (e.g. 403 for one licence); the others carry on. */
    void abort(String partition, String reason) {
        partitionAbortReasons.putIfAbsent(partition, reason);
    }

    /** Why a run of {@code partition} must not start, or null. */
    String abortReason(String partition) {
        return abortReason != null ? abortReason : partitionAbortReasons.get(partition);
    }

    SyncReport report() {
        return new SyncReport(id, request.source(), request.trigger(), runs().stream().map(StreamRun::result).toList(),
                (System.nanoTime() - startedNanos) / 1e9);
    }
}
