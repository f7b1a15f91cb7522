package com.canopyhub.testing;

import com.canopyhub.source.Waiting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock the test moves by hand, shared by the sandbox and the hub, so windows and lags are deterministic. A client
 * that paces a budget on it ({@link Waiting}) moves it instead of sleeping: an hour of pacing takes no real time.
 */
public final class MutableClock extends Clock implements Waiting {

    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void advance(Duration d) {
        now.updateAndGet(i -> i.plus(d));
    }

    /** Moves the clock to {@code at} unless it is already past it. */
    @Override
    public void until(Instant at) {
        now.accumulateAndGet(at, (current, wanted) -> wanted.isAfter(current) ? wanted : current);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
