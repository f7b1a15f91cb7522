package com.canopyhub.engine.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import com.canopyhub.engine.spi.SyncWindow;
import com.canopyhub.engine.spi.Windowing;

/** Cuts a run's window into the slices its source allows (Metrc: at most 24 h per request). */
public final class Slices {

    private Slices() {
    }

    /**
     * The window in time order as slices of at most {@code maxSlice}, adjacent (each ends where the next starts;
     * bounds are inclusive, so a record modified exactly at a boundary is read twice and written once). A window
     * without both bounds, a stream that is not {@link Windowing#CLOSED}, or no limit: the window itself.
     */
    public static List<SyncWindow> cut(SyncWindow window, Windowing windowing, Duration maxSlice) {
        if (maxSlice == null || windowing != Windowing.CLOSED || window.start() == null || window.end() == null
                || !window.start().isBefore(window.end())) {
            return List.of(window);
        }
        List<SyncWindow> slices = new ArrayList<>();
        Instant from = window.start();
        while (from.isBefore(window.end())) {
            Instant to = from.plus(maxSlice);
            if (to.isAfter(window.end())) {
                to = window.end();
            }
            slices.add(new SyncWindow(from, to));
            from = to;
        }
        return slices;
    }
}
