package com.canopyhub.engine.run;

import com.canopyhub.source.RetryableUpstreamException;
import java.util.function.BooleanSupplier;

/**
 * Whether a failed upstream call is tried again ({@code retryWhile} of the hub-errors route configuration): only
 * while the failure is a transient one (429, 5xx, timeout, broken body), the attempts stay within
 * hub.retry.max-redeliveries, and the hub is not stopping. Camel keeps redelivering with the policy a first
 * transient failure chose even when a later attempt fails differently (e.g. connection refused once the upstream
 * went down), so the type is checked on every attempt; and a stopping hub must not sit out minutes of backoff.
 */
public final class RetryDecision {

    private final int maxRedeliveries;
    private final BooleanSupplier stopRequested;

    public RetryDecision(int maxRedeliveries, BooleanSupplier stopRequested) {
        this.maxRedeliveries = maxRedeliveries;
        this.stopRequested = stopRequested;
    }

    /**
     * @param failure the exception of the attempt that just failed
     * @param redelivery the number of the redelivery about to be made (Camel's CamelRedeliveryCounter: 1 for the first)
     */
    public boolean retry(Exception failure, Integer redelivery) {
        return failure instanceof RetryableUpstreamException
                && (redelivery == null || redelivery <= maxRedeliveries)
                && !stopRequested.getAsBoolean();
    }
}
