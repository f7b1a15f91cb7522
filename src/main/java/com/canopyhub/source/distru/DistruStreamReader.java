package com.canopyhub.source.distru;

import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.StreamReader;
import com.canopyhub.engine.spi.Windowing;

/**
 * One Distru collection as a stream of the engine. Distru filters {@code updated_datetime=START,} with an open
 * end, so incremental collections are read open-ended (the set only grows while it is paged); inventory has no
 * date filter and is read whole.
 */
public final class DistruStreamReader implements StreamReader {

    private final DistruClient client;
    private final DistruStream entity;

    public DistruStreamReader(DistruClient client, DistruStream entity) {
        this.client = client;
        this.entity = entity;
    }

    @Override
    public String stream() {
        return entity.configName();
    }

    @Override
    public Windowing windowing() {
        return entity.incremental() ? Windowing.OPEN_END : Windowing.SNAPSHOT;
    }

    @Override
    public SourcePage read(String partition, PageRequest request) {
        return client.fetchPage(entity, request);
    }
}
