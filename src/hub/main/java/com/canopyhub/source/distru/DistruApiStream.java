package com.canopyhub.source.distru;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.Tombstone;
import com.canopyhub.engine.spi.GoneState;
import com.canopyhub.engine.spi.SourcePage;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.engine.spi.Windowing;

/**
 * One Distru collection as a stream of the engine: its path, page size and fixed query come from {@link DistruStream};
 * the request (page number, {@code updated_datetime} range) and the envelope's parsing from {@link DistruClient}.
 * Distru filters {@code updated_datetime=START,} with an open end, so incremental collections are read open-ended
 * (the set only grows while it is paged). Inventory, read whole, is {@link DistruInventoryStream}.
 */
public final class DistruApiStream implements Stream {

    private static final Logger LOG = LoggerFactory.getLogger(DistruApiStream.class);
    /** A confirmation slice narrower than this that still fills a page is not cut further. */
    static final long MIN_SLICE_MICROS = 2_000;

    private final DistruClient client;
    private final DistruStream stream;
    private final AtomicBoolean filterIgnoredSaid = new AtomicBoolean();
    DistruApiStream(DistruClient client, DistruStream stream) {
        this.client = client;
        this.stream = stream;
    }

    @Override
    public String name() {
        return stream.configName();
    }

    @Override
    public Windowing windowing() {
        return stream.incremental() ? Windowing.OPEN_END : Windowing.SNAPSHOT;
    }

    @Override
    public SourcePage read(String partition, PageRequest request) {
        return client.fetchPage(stream, request);
    }

    /**
     * The collections the reference says are "sorted by their creation date": batches, companies, locations,
     * packages, products. Orders are sorted by order date, descending (an edited order date moves an order); strains
     * say nothing: neither is assumed.
     */
    @Override
    public boolean listedInCreationOrder() {
        return switch (stream) {
            case BATCHES, COMPANIES, LOCATIONS, PACKAGES, PRODUCTS -> true;
            default -> false;
        };
    }

    /**
     * A dated collection read from the beginning (a {@code --full} pass) serves every record Distru
     * holds: one it no longer serves was deleted there, once confirmed ({@link #confirmAbsent}).
     */
    @Override
    public GoneState goneState() {
        return stream.incremental() ? GoneState.deleted(stream.canonicalType()) : null;
    }

    /**
     * Confirms that records a multi-page {@code --full} pass did not serve are gone, by a consistent read of every
     * record modified since the oldest candidate's last known modification: {@code updated_datetime} slices from there
     * to a day ahead, read in time order, each in one page (a full page is cut in halves and re-read). A slice read in
     * one page is a consistent snapshot of it, and a record modified meanwhile only moves to a later slice, read after
     * it; so a record that still exists is served by some slice, whatever was deleted or edited while the pass or
     * this read ran (docs/sync-engine.md, "Deletions in Distru's dated collections"). A record without a known
     * modification time is not confirmed. A served record outside its slice means Distru ignored the filter: said
     * once, and nothing is confirmed.
     */
    @Override
    public Set<String> confirmAbsent(String partition, List<CanonicalRecord> candidates) {
        Instant from = null;
        for (CanonicalRecord r : candidates) {
            Instant t = r instanceof Tombstone tomb ? tomb.sourceUpdatedAt() : null;
            if (t != null && (from == null || t.isBefore(from))) {
                from = t;
            }
        }
        if (from == null) {
            return Set.of();
        }
        Set<String> present = new HashSet<>();
        Deque<Instant[]> slices = new ArrayDeque<>();
        slices.add(new Instant[] {from, client.clock().instant().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MICROS)});
        while (!slices.isEmpty()) {
            Instant[] slice = slices.poll();
            SourcePage page = client.fetchPage(stream, new PageRequest(slice[0], slice[1], 1));
            if (page.hasMore() && ChronoUnit.MICROS.between(slice[0], slice[1]) > MIN_SLICE_MICROS) {
                Instant mid = slice[0].plus(ChronoUnit.MICROS.between(slice[0], slice[1]) / 2, ChronoUnit.MICROS);
                slices.addFirst(new Instant[] {mid.plus(1, ChronoUnit.MICROS), slice[1]});
                slices.addFirst(new Instant[] {slice[0], mid});
                continue;
            }
            if (page.hasMore()) {
                LOG.warn("distru/{}: more than a page modified within {} µs around {}; absences are not confirmed this pass",
                        stream.configName(), MIN_SLICE_MICROS, slice[0]);
                return Set.of();
            }
            for (JsonNode r : page.records()) {
                Instant updated = updatedAt(r);
                if (updated != null && (updated.isBefore(slice[0]) || updated.isAfter(slice[1]))) {
                    if (filterIgnoredSaid.compareAndSet(false, true)) {
                        LOG.error("distru/{}: asked for updated_datetime={},{} but was served a record updated {}: Distru "
                                + "ignored the filter, so no deletion can be confirmed; records deleted there stay as last seen",
                                stream.configName(), slice[0], slice[1], updated);
                    }
                    return Set.of();
                }
                if (r.path("id").isValueNode()) {
                    present.add(r.get("id").asText());
                }
            }
        }
        Set<String> absent = new HashSet<>();
        for (CanonicalRecord r : candidates) {
            if (r instanceof Tombstone tomb && tomb.sourceUpdatedAt() != null && !present.contains(r.provenance().sourceId())) {
                absent.add(r.provenance().sourceId());
            }
        }
        return absent;
    }

    private static Instant updatedAt(JsonNode r) {
        try {
            return com.canopyhub.source.JsonFields.instant(r, "updated_datetime");
        } catch (RuntimeException e) {
            return null;
        }
    }
}
