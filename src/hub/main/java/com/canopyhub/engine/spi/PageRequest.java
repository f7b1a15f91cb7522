package com.canopyhub.engine.spi;

import java.time.Instant;

/**
 * One page the engine asks a stream's reader for: page {@code number} (from 1) of the records modified in
 * {@code [from, to]}, both bounds inclusive; a null bound is unbounded.
 *
 * @param after for a counted snapshot ({@link Stream#snapshotKey()}), the key of the last record of the page before
 *              (null on page 1): the reader starts this page on that record, so the engine can tell that nothing moved
 *              across the boundary ({@link SourcePage#continuous()})
 */
public record PageRequest(Instant from, Instant to, int number, String after) {

    public PageRequest(Instant from, Instant to, int number) {
        this(from, to, number, null);
    }

    public PageRequest withNumber(int n) {
        return new PageRequest(from, to, n);
    }

    @Override
    public String toString() {
        return "page " + number + " of [" + (from == null ? "" : from) + ", " + (to == null ? "" : to) + "]";
    }
}
