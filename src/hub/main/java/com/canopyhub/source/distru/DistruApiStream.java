package com.canopyhub.source.distru;

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

    private final DistruClient client;
    private final DistruStream stream;
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
}
