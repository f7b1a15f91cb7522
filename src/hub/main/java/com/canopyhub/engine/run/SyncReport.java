package com.canopyhub.engine.run;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** The result of a sync pass, with the summary table `sync --once` prints and `run` logs. */
public record SyncReport(UUID passId, String source, String trigger, List<StreamResult> results, double seconds) {

    /** True when every stream succeeded: the exit status of `sync --once`. */
    public boolean ok() {
        return !results.isEmpty() && results.stream().allMatch(r -> r.status() == SyncStatus.SUCCEEDED
                || r.status() == SyncStatus.UNAVAILABLE
                || r.status() == SyncStatus.INCOMPLETE);
    }

    /**
     * True when the hub was stopping (Ctrl-C, SIGTERM) and nothing failed for another reason: the page in flight
     * finished, the cursors of unfinished runs stayed put, and the next pass resumes.
     */
    public boolean interrupted() {
        return !ok() && results.stream().allMatch(r -> r.status() == SyncStatus.SUCCEEDED
                || r.status() == SyncStatus.UNAVAILABLE
                || r.status() == SyncStatus.INCOMPLETE || stoppedBy(r));
    }

    private static boolean stoppedBy(StreamResult r) {
        return r.status() == SyncStatus.INTERRUPTED || (r.status() == SyncStatus.SKIPPED && SyncPass.STOPPING.equals(r.error()));
    }

    /** OK, INTERRUPTED or FAILED: the total line of the summary. */
    public String outcome() {
        return ok() ? "OK" : interrupted() ? "INTERRUPTED" : "FAILED";
    }

    public long total(java.util.function.ToLongFunction<StreamResult> field) {
        return results.stream().mapToLong(field).sum();
    }

    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Sync pass %s (%s, %s) finished in %.2f s%n", passId, source, trigger, seconds));
        int width = Math.max(10, results.stream().mapToInt(r -> r.label().length()).max().orElse(10));
        int sourceWidth = Math.max(8, results.stream().mapToInt(r -> r.sourceSystem().length()).max().orElse(8));
        String fmt = "%-" + sourceWidth + "s %-" + width + "s %-12s %9s %9s %9s %14s %9s%n";
        sb.append(String.format(Locale.ROOT, fmt, "source", "entity", "status", "fetched", "changed", "written", "dead-lettered", "seconds"));
        for (StreamResult r : results) {
            sb.append(String.format(Locale.ROOT, fmt, r.sourceSystem(), r.label(), r.status(), r.fetched(), r.changed(),
                    r.written(), r.deadLettered(), String.format(Locale.ROOT, "%.2f", r.seconds())));
        }
        sb.append(String.format(Locale.ROOT, fmt, "total", "", outcome(), total(StreamResult::fetched),
                total(StreamResult::changed), total(StreamResult::written), total(StreamResult::deadLettered),
                String.format(Locale.ROOT, "%.2f", seconds)));
        // one line per distinct error, naming every run it ended (an unreachable upstream skips every stream with the
        // same reason: one line, not one per stream)
        java.util.Map<String, java.util.List<String>> byError = new java.util.LinkedHashMap<>();
        for (StreamResult r : results) {
            if (r.error() != null) {
                String reason = r.error().startsWith("skipped: ") ? r.error().substring("skipped: ".length()) : r.error();
                byError.computeIfAbsent(reason, k -> new java.util.ArrayList<>()).add(r.sourceSystem() + "/" + r.label());
            }
        }
        byError.forEach((error, runs) -> sb.append(String.format("%s: %s%n", runs.size() <= 3 ? String.join(", ", runs)
                : runs.get(0) + " and " + (runs.size() - 1) + " more", error)));
        return sb.toString();
    }
}
