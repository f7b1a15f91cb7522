package com.canopyhub.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How a client waits for a moment on its clock (pacing a request budget). In production that is sleeping; a clock
 * that implements this interface (a test's or the bench's simulated clock) moves itself instead, so an hour of pacing
 * takes no real time and the upstream's sandbox, on the same clock, sees the hour pass.
 */
public interface Waiting {

    /** Returns once {@code clock} reads {@code at} or later. */
    void until(Instant at) throws InterruptedException;

    /** The waiting of {@code clock}: its own if it has one, else sleeping until it reads {@code at}. */
    static Waiting on(Clock clock) {
        if (clock instanceof Waiting own) {
            return own;
        }
        return at -> {
            Duration left = Duration.between(clock.instant(), at);
            while (!left.isNegative() && !left.isZero()) {
                Thread.sleep(Math.max(1, left.toMillis()));
                left = Duration.between(clock.instant(), at);
            }
        };
    }
}
