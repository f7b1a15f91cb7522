package com.canopyhub.source.distru;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Quantity;
import com.canopyhub.canonical.StockLevel;
import com.canopyhub.engine.spi.GoneState;
import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.engine.spi.Windowing;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * One Distru collection as a stream of the engine: its path, page size and fixed query come from {@link DistruStream};
 * the request (page number, {@code updated_datetime} range) and the envelope's parsing from {@link DistruClient}.
 * Distru filters {@code updated_datetime=START,} with an open end, so incremental collections are read open-ended
 * (the set only grows while it is paged); inventory has no date filter and is read whole.
 */
public final class DistruApiStream implements Stream {

    private final DistruClient client;
    private final DistruStream stream;
    private final DistruSource source;

    DistruApiStream(DistruClient client, DistruStream stream, DistruSource source) {
        this.client = client;
        this.stream = stream;
        this.source = source;
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
     * Inventory: Distru leaves out groups with 0 active and 0 available (distru-api.txt, inventory), so a group a
     * complete snapshot no longer serves holds nothing: its stock level turns to 0 (in the same unit).
     */
    @Override
    public GoneState goneState() {
        if (stream != DistruStream.INVENTORY) {
            return null;
        }
        return new GoneState(EntityType.STOCK_LEVEL, last -> {
            StockLevel s = (StockLevel) last;
            return new StockLevel(s.canonicalId(), s.provenance(), s.productSourceId(), s.locationSourceId(), s.batchNumber(),
                    new Quantity(BigDecimal.ZERO, s.active().unit()), new Quantity(BigDecimal.ZERO, s.available().unit()),
                    s.sourceUpdatedAt(), s.attributes());
        });
    }

    /** Inventory's absences are confirmed by asking for just those products (see DistruSource#confirmInventoryAbsent). */
    @Override
    public Set<String> confirmAbsent(String partition, List<CanonicalRecord> candidates) {
        return stream == DistruStream.INVENTORY ? source.confirmInventoryAbsent(candidates) : Set.of();
    }
}
