package com.canopyhub.ops;

/** SQL the health details, the metrics and the alerts share, so the three agree on what "failing" means. */
final class AlertQueries {

    /** Runs that count as a success: the pass read everything it asked for (INCOMPLETE: written, nothing lost). */
    static final String SUCCESS = "('SUCCEEDED', 'INCOMPLETE')";

    /**
     * (source, stream, partition, failed runs since the last success) for every stream with a failed or abandoned run
     * after its last success; append a HAVING clause to keep the ones at or over a threshold.
     */
    static final String CONSECUTIVE_FAILURES = """
            SELECT r.source_system, r.stream, r.partition, count(*)
              FROM hub.sync_runs r
             WHERE r.status IN ('FAILED', 'ABANDONED')
               AND r.id > coalesce((SELECT max(s.id) FROM hub.sync_runs s WHERE s.source_system = r.source_system
                                       AND s.stream = r.stream AND s.partition = r.partition AND s.status IN """ + SUCCESS + "), 0)\n"
            + " GROUP BY 1, 2, 3";

    private AlertQueries() {
    }
}
