package com.canopyhub.source.origintrace;

import com.canopyhub.engine.spi.GoneState;
import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.engine.spi.Windowing;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OriginTrace collection as a stream of the engine: a snapshot (no modification filter, no documented order), read
 * whole every pass by offset, each page after the first starting on the record the one before ended with (offset
 * {@code (n−1)·(limit−1)}), so the engine can prove a multi-page pass complete (totals that stood still, continuous
 * pages, that many distinct ids) and then mark what it no longer serves deleted.
 *
 * <p>With a status filter ({@code hub.origintrace.*-statuses}) the stream is filtered: a record outside it is not
 * gone, so nothing is marked deleted and passes are not counted. One status is asked of the API; several are read
 * unfiltered and kept here (the API filters by one value). A record of another status in a filtered answer means the
 * filter was ignored: said once, as an ERROR, and the record is left out.
 */
public final class OriginTraceApiStream implements Stream {

    private static final Logger LOG = LoggerFactory.getLogger(OriginTraceApiStream.class);
    private static final Function<JsonNode, String> ID = r -> r.path("id").isTextual() || r.path("id").isNumber()
            ? r.get("id").asText() : null;

    private final OriginTraceClient client;
    private final OriginTraceStream stream;
    private final List<String> statuses;
    private final AtomicBoolean filterIgnoredSaid = new AtomicBoolean();

    public OriginTraceApiStream(OriginTraceClient client, OriginTraceStream stream, List<String> statuses) {
        this.client = client;
        this.stream = stream;
        this.statuses = List.copyOf(statuses);
    }

    @Override
    public String name() {
        return stream.configName();
    }

    @Override
    public Windowing windowing() {
        return Windowing.SNAPSHOT;
    }

    public boolean filtered() {
        return !statuses.isEmpty();
    }

    @Override
    public SourcePage read(String partition, PageRequest request) {
        int size = client.pageSize();
        boolean counted = !filtered();
        long offset = counted && request.number() > 1 ? (long) (request.number() - 1) * (size - 1)
                : (long) (request.number() - 1) * size;
        String asked = statuses.size() == 1 ? statuses.get(0) : null;
        OriginTraceClient.CollectionPage answer = client.fetch(stream, offset, asked);
        List<JsonNode> records = answer.records();
        boolean hasMore = !records.isEmpty() && offset + records.size() < answer.total();
        boolean continuous = true;
        if (counted && request.after() != null) {
            // the page was asked to start on the previous page's last record: if it does, nothing moved across the
            // boundary, and that repeated record is left out (it was taken with the page before)
            continuous = !records.isEmpty() && request.after().equals(ID.apply(records.get(0)));
            if (continuous) {
                records = records.subList(1, records.size());
            }
        }
        if (filtered()) {
            records = keepFiltered(records, asked);
        }
        return new SourcePage(stream.configName(), request, records, hasMore, counted ? answer.total() : SourcePage.UNKNOWN_TOTAL,
                continuous);
    }

    private List<JsonNode> keepFiltered(List<JsonNode> records, String asked) {
        Set<String> wanted = Set.copyOf(statuses);
        List<JsonNode> kept = new ArrayList<>(records.size());
        for (JsonNode r : records) {
            String status = r.path(stream.statusParameter()).asText(null);
            if (wanted.contains(status)) {
                kept.add(r);
            } else if (asked != null && filterIgnoredSaid.compareAndSet(false, true)) {
                LOG.error("origintrace/{}: asked for {}={} but was served a record with {}={}: OriginTrace ignored the "
                        + "filter; such records are left out", stream.configName(), stream.statusParameter(), asked,
                        stream.statusParameter(), status);
            }
        }
        return kept;
    }

    @Override
    public Function<JsonNode, String> snapshotKey() {
        return filtered() ? null : ID;
    }

    /** Unfiltered: a record a proven-complete pass no longer serves was deleted upstream. Filtered: absence means nothing. */
    @Override
    public GoneState goneState() {
        return filtered() ? null : GoneState.deleted(stream.canonicalType());
    }
}
