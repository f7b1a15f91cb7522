package com.canopyhub.engine.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page of raw upstream records as a stream's reader returns it.
 *
 * @param stream  the stream (stream) it belongs to
 * @param request the request it answers
 * @param records the records, in the upstream's order
 * @param hasMore whether the upstream has a page after this one
 * @param total   how many records the filtered set held when this page was served, if the upstream says so
 *                (Metrc's {@code TotalRecords}); -1 when it does not
 * @param continuous for a page asked to start after a record ({@link PageRequest#after()}): whether it did, i.e.
 *                the previous page's last record was where it was (the reader then leaves that repeated record out);
 *                false means records moved across the page boundary while the set was paged
 */
public record SourcePage(String stream, PageRequest request, List<JsonNode> records, boolean hasMore, long total,
                         boolean continuous) {

    public SourcePage(String stream, PageRequest request, List<JsonNode> records, boolean hasMore, long total) {
        this(stream, request, records, hasMore, total, true);
    }

    public static final long UNKNOWN_TOTAL = -1;
}
