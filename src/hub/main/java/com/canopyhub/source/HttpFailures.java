package com.canopyhub.source;

import java.time.Clock;
import java.time.Duration;

/**
 * What a non-200 answer of an upstream means, the same for every source: 401 and 403 are auth failures (never
 * retried; a 401 ends the pass, a 403 its partition), 429 and 5xx are retryable with the server's Retry-After,
 * unless it asks for longer than hub.retry.max-retry-after-seconds (then the run gives up until the next sync),
 * and any other status is a rejected request (not retried). The routes' error handler decides what to do with each.
 */
public final class HttpFailures {

    private HttpFailures() {
    }

    /**
     * @param unauthorised what a 401 means for this source (which settings to check; never the key itself)
     * @param forbidden    what a 403 means for this source
     */
    public static UpstreamException classify(String system, String requestLine, int status, String body, String retryAfterHeader,
                                             Clock clock, Duration maxRetryAfter, String unauthorised, String forbidden) {
        if (status == 401) {
            return new UpstreamAuthException(system, requestLine, status, unauthorised);
        }
        if (status == 403) {
            return new UpstreamAuthException(system, requestLine, status, forbidden);
        }
        if (status == 429 || status >= 500) {
            Duration retryAfter = RetryAfter.parse(retryAfterHeader, clock).orElse(null);
            if (retryAfter != null && retryAfter.compareTo(maxRetryAfter) > 0) {
                // waiting that long would stall every other stream; the next scheduled sync resumes instead
                return new UpstreamRejectedException(system, requestLine, status, "asked to retry after "
                        + retryAfter.toSeconds() + " s, longer than hub.retry.max-retry-after-seconds ("
                        + maxRetryAfter.toSeconds() + " s); giving up until the next sync");
            }
            return new RetryableUpstreamException(system, requestLine, status, body, retryAfter, null);
        }
        return new UpstreamRejectedException(system, requestLine, status, body);
    }
}
