package com.canopyhub.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * The faults a sandbox injects: planned ones first (a test's exact sequence), then, at {@code rate}, a random mix
 * of 429 + Retry-After, 500 and a slow answer (longer than a client's read timeout). Deterministic per seed.
 */
public final class FaultPlan {

    private final Deque<Fault> planned = new ArrayDeque<>();
    private final SplittableRandom dice;
    private final double rate;

    public FaultPlan(double rate, long seed) {
        this.rate = rate;
        this.dice = new SplittableRandom(seed);
    }

    public synchronized void inject(Fault... faults) {
        planned.addAll(java.util.List.of(faults));
    }

    /** The fault for the request being answered now, or null for none. */
    public synchronized Fault next() {
        if (!planned.isEmpty()) {
            return planned.poll();
        }
        if (rate > 0 && dice.nextDouble() < rate) {
            return switch (dice.nextInt(3)) {
                case 0 -> Fault.tooManyRequests(1);
                case 1 -> Fault.status(500);
                default -> Fault.slow(Duration.ofMillis(1500));
            };
        }
        return null;
    }
}
