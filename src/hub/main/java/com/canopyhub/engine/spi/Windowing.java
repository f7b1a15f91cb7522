package com.canopyhub.engine.spi;

/**
 * How a stream can be filtered by modification time. It decides how the engine makes a pass complete over
 * offset-paged results that change while they are read (docs/sync-engine.md, "Complete passes").
 */
public enum Windowing {
    /** No time filter: every pass reads the whole collection. */
    SNAPSHOT,
    /**
     * "Modified at or after START" with no upper bound (Distru's {@code updated_datetime=START,}). A record that
     * changes during the pass stays in the set, so the set only grows and offset paging skips nothing.
     */
    OPEN_END,
    /**
     * Both bounds are required (Metrc: at most 24 h). A record that changes during the pass leaves the slice and
     * shifts the later ones up a place; the engine detects that and re-reads the slice by halves.
     */
    CLOSED
}
