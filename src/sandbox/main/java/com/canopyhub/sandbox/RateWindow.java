package com.canopyhub.sandbox;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sandbox's rate limit for one key (an API key, a facility): at most {@code perSecond} requests in a sliding
 * second, and at most {@code inFlight} answered at once. The peak of requests in flight is kept, so a test or the
 * bench can prove a client never exceeded the limit.
 */
public final class RateWindow {

    private final int perSecond;
    private final int inFlightLimit;
    private final long[] stamps;
    private int head;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();

    /** @param perSecond 0 or less: no rate limit; @param inFlight 0 or less: no concurrency limit */
    public RateWindow(int perSecond, int inFlight) {
        this.perSecond = perSecond;
        this.inFlightLimit = inFlight;
        this.stamps = new long[Math.max(perSecond, 1)];
    }

    /**
     * Admits a request now, or says no (the caller answers 429). An admitted request must be {@link #release()}d
     * once answered.
     */
    public boolean tryAdmit() {
        int now = inFlight.incrementAndGet();
        if (inFlightLimit > 0 && now > inFlightLimit) {
            inFlight.decrementAndGet();
            rejected.incrementAndGet();
            return false;
        }
        if (perSecond > 0) {
            synchronized (stamps) {
                long t = System.nanoTime();
                // the oldest of the last perSecond admissions must be more than a second ago
                if (stamps[head] != 0 && t - stamps[head] < 1_000_000_000L) {
                    inFlight.decrementAndGet();
                    rejected.incrementAndGet();
                    return false;
                }
                stamps[head] = t;
                head = (head + 1) % stamps.length;
            }
        }
        peakInFlight.accumulateAndGet(now, Math::max);
        return true;
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    public int peakInFlight() {
        return peakInFlight.get();
    }

    public long rejected() {
        return rejected.get();
    }
}
