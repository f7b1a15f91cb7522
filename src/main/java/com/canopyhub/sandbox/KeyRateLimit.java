package com.canopyhub.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A marketplace's per-key limit as the sandboxes enforce it: at most {@code limit} requests of one key in any
 * sliding {@code window}, counted from every caller. Keeps, so tests and the bench can prove a client stayed under
 * it: the peak per window, the refusals, and when each request was admitted.
 */
public final class KeyRateLimit {

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Long>> windows = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> peak = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final List<Long> admittedAt = Collections.synchronizedList(new ArrayList<>());

    /** @param limit 0 or less: no limit */
    public KeyRateLimit(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Null if admitted, else the whole seconds until the oldest request of the window leaves it (Retry-After). */
    public Long admit(String keyHash) {
        Deque<Long> w = windows.computeIfAbsent(keyHash, k -> new ArrayDeque<>());
        synchronized (w) {
            long now = clock.millis();
            long span = window.toMillis();
            while (!w.isEmpty() && w.peekFirst() <= now - span) {
                w.pollFirst();
            }
            if (limit > 0 && w.size() >= limit) {
                refused.incrementAndGet();
                return Math.max(1, (w.peekFirst() + span - now + 999) / 1000);
            }
            w.addLast(now);
            admittedAt.add(now);
            peak.computeIfAbsent(keyHash, k -> new AtomicLong()).accumulateAndGet(w.size(), Math::max);
            return null;
        }
    }

    public int limit() {
        return limit;
    }

    public Duration window() {
        return window;
    }

    /** Requests refused with 429. */
    public long refused() {
        return refused.get();
    }

    /** The most requests of one key admitted within any sliding window. */
    public long peak(String keyHash) {
        AtomicLong p = peak.get(keyHash);
        return p == null ? 0 : p.get();
    }

    /** When each admitted request came (the clock's millis), in order. */
    public List<Long> admittedAt() {
        synchronized (admittedAt) {
            return List.copyOf(admittedAt);
        }
    }
}
