package com.canopyhub.engine.spi;

import java.time.Instant;

/**
 * One page the engine asks a stream's reader for: page {@code number} (from 1) of the records modified in
 * {@code [from, to]}, both bounds inclusive; a null bound is unbounded.
 */
public record PageRequest(Instant from, Instant to, int number) {

    public PageRequest withNumber(int n) {
        return new PageRequest(from, to, n);
    }

    @Override
    public String toString() {
        return "page " + number + " of [" + (from == null ? "" : from) + ", " + (to == null ? "" : to) + "]";
    }
}
