package com.canopyhub.engine.run;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.SyncWindow;
import com.canopyhub.engine.spi.Windowing;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * Which pages one run reads, decided page by page, so that the read is complete although the upstream's
 * offset-paged results change while they are read. The argument is in docs/sync-engine.md ("Complete passes"):
 * <ul>
 *   <li>{@link Windowing#SNAPSHOT} and {@link Windowing#OPEN_END}: pages 1, 2, … until the upstream has no more.
 *       An open-ended set only grows while it is paged, so no record present at the start is skipped.</li>
 *   <li>{@link Windowing#CLOSED}: a slice served in one page is a consistent snapshot. A slice that needs several
 *       pages is trusted only if the upstream's totals show it did not change while it was paged (every page
 *       reported the same total, and that many records were served); otherwise, or when the upstream reports no
 *       totals, the slice is re-read as two halves, recursively, until each half fits one page. Re-reads write
 *       nothing new: change detection drops records already taken.</li>
 *   <li>A counted {@link Windowing#SNAPSHOT} ({@code Stream.snapshotKey()}): a read of several pages is proven
 *       complete only if every page reported the same total, every page began on the record the one before ended with,
 *       and that many distinct keys were served; otherwise it is read again from page 1, at most
 *       {@link #MAX_SNAPSHOT_READS} times, and then left {@link #unproven() unproven}.</li>
 * </ul>
 */
public final class ReadPlan {

    private static final Logger LOG = LoggerFactory.getLogger(ReadPlan.class);
    /** Below this a slice is not cut further: more than a page of records modified within it is paged as is. */
    static final Duration MIN_SLICE = Duration.ofMillis(2);
    /** How many times a counted snapshot is read before the run gives up proving it (each read costs a full pass). */
    public static final int MAX_SNAPSHOT_READS = 3;

    private final String name;
    private final Windowing windowing;
    private final Deque<Slice> pending = new ArrayDeque<>();
    private Slice slice;
    private int number = 1;
    private long firstTotal = SourcePage.UNKNOWN_TOTAL;
    private boolean totalsAgree = true;
    private long servedInSlice;
    private long requests;
    private long bisections;
    /** Counted snapshots: the record key, and what the current read has proven so far. */
    private final Function<JsonNode, String> countedKey;
    private int reads = 1;
    private SeenIds readKeys;
    private boolean continuous = true;
    private String lastKey;
    private String unidentified;
    private boolean consistent;
    private String unproven;

    /** One time range of the run's window, both bounds inclusive; null is unbounded. */
    private record Slice(Instant from, Instant to) {
    }

    public ReadPlan(String name, Windowing windowing, SyncWindow window) {
        this(name, windowing, window, null);
    }

    /** @param countedKey a counted snapshot's record key ({@code Stream.snapshotKey()}), or null */
    public ReadPlan(String name, Windowing windowing, SyncWindow window,
                    Function<JsonNode, String> countedKey) {
        this.name = name;
        this.countedKey = windowing == Windowing.SNAPSHOT ? countedKey : null;
        this.readKeys = this.countedKey == null ? null : new SeenIds();
        this.windowing = windowing;
        this.slice = switch (windowing) {
            case SNAPSHOT -> new Slice(null, null);
            case OPEN_END -> new Slice(window.start(), null);
            case CLOSED -> new Slice(window.start(), window.end());
        };
    }

    /** The page to read next, or null once the read is complete. */
    public PageRequest next() {
        return slice == null ? null : new PageRequest(slice.from(), slice.to(), number,
                countedKey != null && number > 1 ? lastKey : null);
    }

    public boolean complete() {
        return slice == null;
    }

    /** Takes what the page for {@link #next()} returned, and decides what comes after it. */
    public void served(SourcePage page) {
        PageRequest expected = next();
        if (expected == null || !expected.equals(page.request())) {
            throw new IllegalStateException(name + ": served " + page.request() + " but the plan expected " + expected);
        }
        requests++;
        servedInSlice += page.records().size();
        if (page.total() != SourcePage.UNKNOWN_TOTAL) {
            if (firstTotal == SourcePage.UNKNOWN_TOTAL) {
                firstTotal = page.total();
            } else if (page.total() != firstTotal) {
                totalsAgree = false;
            }
        }
        if (countedKey != null) {
            count(page);
            return;
        }
        if (windowing != Windowing.CLOSED) {
            if (page.hasMore()) {
                number++;
            } else {
                nextSlice();
            }
            return;
        }
        boolean severalPages = page.hasMore() || number > 1;
        boolean provedStill = page.total() != SourcePage.UNKNOWN_TOTAL && totalsAgree
                && (page.hasMore() || servedInSlice == firstTotal);
        if (!severalPages || provedStill) {
            if (page.hasMore()) {
                number++;
            } else {
                nextSlice();
            }
        } else if (bisectable()) {
            bisect();
        } else {
            // more than a page modified within MIN_SLICE: nothing finer to cut; page it and say so
            LOG.warn("{}: slice {} holds more than a page within {} ms and its totals changed while paged; read as is",
                    name, slice, MIN_SLICE.toMillis());
            if (page.hasMore()) {
                number++;
            } else {
                nextSlice();
            }
        }
    }

    private void count(SourcePage page) {
        if (!page.continuous()) {
            continuous = false;
        }
        for (JsonNode r : page.records()) {
            String key = countedKey.apply(r);
            if (key == null) {
                if (unidentified == null) {
                    unidentified = "a record without a key was served on page " + number;
                }
            } else {
                readKeys.add(key);
                lastKey = key;
            }
        }
        if (page.hasMore()) {
            number++;
            return;
        }
        String doubt = number == 1 ? null : doubt();
        if (doubt == null) {
            consistent = true;
            nextSlice();
        } else if (reads < MAX_SNAPSHOT_READS && unidentified == null) {
            // (a record without a key is there in every read: reading again would not help)
            LOG.info("{}: read {} of {} pages not proven complete ({}); reading it again", name, reads, number, doubt);
            reads++;
            number = 1;
            firstTotal = SourcePage.UNKNOWN_TOTAL;
            totalsAgree = true;
            servedInSlice = 0;
            continuous = true;
            lastKey = null;
            unidentified = null;
            readKeys = new SeenIds();
        } else {
            unproven = doubt + (reads > 1 ? " in each of " + reads + " reads" : "");
            LOG.warn("{}: {}; its records are written, nothing is marked gone", name, unproven);
            nextSlice();
        }
    }

    /** Why the read of several pages that just ended is not proven complete, or null when it is. */
    private String doubt() {
        if (unidentified != null) {
            return unidentified;
        }
        if (firstTotal == SourcePage.UNKNOWN_TOTAL) {
            return "the upstream reported no total";
        }
        if (!totalsAgree) {
            return "the total changed while it was paged";
        }
        if (!continuous) {
            return "records moved across a page boundary";
        }
        int distinct = readKeys.distinct();
        if (servedInSlice != firstTotal || distinct != firstTotal) {
            return servedInSlice + " records (" + distinct + " distinct) served of a total of " + firstTotal;
        }
        return null;
    }

    /**
     * The read is complete and a consistent picture of the set: one page, or (counted snapshots) several that prove
     * the set stood still. Only then may absences mean anything without the upstream confirming each.
     */
    public boolean consistent() {
        return consistent;
    }

    /** Why a counted snapshot that was read to the end could not be proven complete (the run is INCOMPLETE); or null. */
    public String unproven() {
        return unproven;
    }

    /** How many times the snapshot was read (re-reads of an unproven counted snapshot included). */
    public int reads() {
        return reads;
    }

    /** Requests made so far (pages read, re-reads included). */
    public long requests() {
        return requests;
    }

    /** How many times a slice was cut in halves and re-read. */
    public long bisections() {
        return bisections;
    }

    private boolean bisectable() {
        return slice.from() != null && slice.to() != null
                && Duration.between(slice.from(), slice.to()).compareTo(MIN_SLICE) > 0;
    }

    private void bisect() {
        bisections++;
        long micros = ChronoUnit.MICROS.between(slice.from(), slice.to());
        Instant mid = slice.from().plus(micros / 2, ChronoUnit.MICROS);
        LOG.debug("{}: slice {} changed while it was paged; re-reading it by halves at {}", name, slice, mid);
        pending.addFirst(new Slice(mid.plus(1, ChronoUnit.MICROS), slice.to()));
        pending.addFirst(new Slice(slice.from(), mid));
        nextSlice();
    }

    private void nextSlice() {
        slice = pending.poll();
        number = 1;
        firstTotal = SourcePage.UNKNOWN_TOTAL;
        totalsAgree = true;
        servedInSlice = 0;
    }
}
