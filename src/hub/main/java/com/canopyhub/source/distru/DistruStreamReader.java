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
    private final DistruStream stream;

    public DistruStreamReader(DistruClient client, DistruStream stream) {
        this.client = client;
        this.stream = stream;
    }

    @Override
    public String stream() {
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
}
