package com.canopyhub.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paces requests by a budget the upstream announces on every answer ({@code X-RateLimit-Remaining}: requests left;
 * {@code X-RateLimit-Reset}: epoch seconds when the budget refills): the requests left above a reserve are spread
 * evenly over the time to the reset, so a long pass runs at the budget's pace without ever spending it all, and a person
 * using the same key still has the reserve. At or below the reserve the next request waits for the reset.
 *
 * <p>The spreading is a generic cell rate algorithm: each request books the next slot {@code spacing} after the one
 * before, but may go up to {@link #BURST_SHARE} of the usable budget's worth of slots early, so a short pass (three
 * requests an hour) is not drawn out over minutes while a long one still settles at the even pace.
 *
 * <p>Requests in flight book their slot before the answer comes back (the local count goes down at once), so read-ahead
 * cannot overspend; every answer's headers then correct the count. Before the first answer, and after a reset passed
 * without a new answer, nothing is known and a request goes at once (one request, whose answer says the rest).
 */
public final class HeaderBudget {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderBudget.class);
    /** A request after the reset waits this much more, for clocks that differ by a little. */
    static final Duration RESET_MARGIN = Duration.ofSeconds(1);
    /** The share of the usable budget (limit − reserve) that may go as a burst ahead of the even pace. */
    static final double BURST_SHARE = 0.05;

    private final String name;
    private final long reserve;
    private final long burst;
    private final Clock clock;
    private final Waiting waiting;
    private long remaining = -1;
    private Instant resetAt;
    private Instant lastSlot;
    /** Set when the budget ran down to the reserve: the reset (plus a margin), before which no request goes. */
    private Instant resumeAt;
    private final AtomicLong waitedMillis = new AtomicLong();

    /**
     * @param limit          the budget per window (the key's {@code rate_limit_per_hour})
     * @param reservePercent the share of it left unused
     */
    public HeaderBudget(String name, long limit, int reservePercent, Clock clock) {
        this.name = name;
        this.reserve = (long) Math.ceil(limit * reservePercent / 100.0);
        this.burst = Math.max(1, (long) Math.ceil((limit - reserve) * BURST_SHARE));
        this.clock = clock;
        this.waiting = Waiting.on(clock);
    }

    /** Waits for this request's slot, then books it. */
    public void beforeRequest() {
        Instant slot;
        synchronized (this) {
            Instant now = clock.instant();
            if (resumeAt != null) {
                // the budget ran down to the reserve: nothing goes before its reset
                slot = now.isBefore(resumeAt) ? resumeAt : now;
                if (!now.isBefore(resumeAt)) {
                    resumeAt = null;
                }
                lastSlot = null;
            } else if (remaining < 0 || resetAt == null || !now.isBefore(resetAt)) {
                // nothing known (first request, or the window ended): one request finds out
                slot = now;
                remaining = -1;
                lastSlot = null;
            } else if (remaining <= reserve) {
                resumeAt = resetAt.plus(RESET_MARGIN);
                slot = resumeAt;
                lastSlot = null;
                remaining = -1; // the next answer tells the new window's budget
                LOG.info("{}: the budget is down to its reserve of {} requests; waiting for its reset at {}", name, reserve, resetAt);
            } else {
                Duration spacing = Duration.between(now, resetAt).dividedBy(remaining - reserve);
                // theoretical arrival time: the even pace's next slot, never earlier than now
                Instant tat = lastSlot == null || lastSlot.isBefore(now) ? now : lastSlot;
                Instant early = tat.minus(spacing.multipliedBy(burst - 1));
                slot = early.isBefore(now) ? now : early;
                lastSlot = tat.plus(spacing);
                remaining--;
            }
        }
        long wait = Duration.between(clock.instant(), slot).toMillis();
        if (wait > 0) {
            waitedMillis.addAndGet(wait);
            try {
                waiting.until(slot);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + ": interrupted while pacing", e);
            }
        }
    }

    /** Takes the budget headers of an answer (any status, 429 included); absent or unreadable headers change nothing. */
    public synchronized void answered(String remainingHeader, String resetHeader) {
        try {
            if (remainingHeader == null || resetHeader == null) {
                return;
            }
            long left = Long.parseLong(remainingHeader.trim());
            Instant reset = Instant.ofEpochSecond(Long.parseLong(resetHeader.trim()));
            if (resetAt == null || !reset.equals(resetAt) || remaining < 0) {
                remaining = left;
            } else {
                remaining = Math.min(remaining, left); // answers may come back out of order; the lowest count is the truth
            }
            resetAt = reset;
        } catch (NumberFormatException | java.time.DateTimeException e) {
            // not a budget we can read: pace as before
        }
    }

    /** Time spent waiting for slots so far. */
    public long waitedMillis() {
        return waitedMillis.get();
    }

    /** The requests the hub leaves unused in every window. */
    public long reserve() {
        return reserve;
    }
}
