package com.canopyhub.source;

import java.time.Duration;

/** What the source clients report for the hub's metrics (ops/HubMetrics): every answer, and time spent on limits. */
public interface UpstreamMeters {

    UpstreamMeters NONE = new UpstreamMeters() {
        @Override
        public void upstreamAnswered(String source, int status) {
        }

        @Override
        public void upstreamWaited(String source, Duration waited) {
        }
    };

    /** An answer of any status (429s included). */
    void upstreamAnswered(String source, int status);

    /** Time waited on a limit: the client's pacing, a header budget, a Retry-After. */
    void upstreamWaited(String source, Duration waited);
}
