package com.canopyhub.sandbox;

import com.canopyhub.config.KeyHash;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * The gate of a marketplace sandbox's every request: the Bearer key (known only by its SHA-256) and its limit.
     * Returns the key's scopes, or null after answering 401 ({@code unknownCode}) or 429 with Retry-After.
     */
    public Set<String> admit(HttpExchange ex, Map<String, Set<String>> scopesByKeyHash, JsonAnswers answers, String unknownCode)
            throws IOException {
        String key = JsonAnswers.bearer(ex);
        String hash = key == null ? null : KeyHash.sha256Hex(key);
        Set<String> scopes = hash == null ? null : scopesByKeyHash.get(hash);
        if (scopes == null) {
            answers.send(ex, 401, JsonAnswers.error(unknownCode, "missing or unknown key"));
            return null;
        }
        Long retryAfter = admit(hash);
        if (retryAfter != null) {
            ex.getResponseHeaders().add("Retry-After", Long.toString(retryAfter));
            answers.send(ex, 429, JsonAnswers.error("rate_limited", limit + " requests per " + window + " per key"));
            return null;
        }
        return scopes;
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
