package com.canopyhub.source.distru;

import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.StreamKey;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.engine.spi.StreamCatalogue;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Distru as a source of the engine: no partitions (one company per API key), the configured collections as
 * streams, each read in one window per run (open-ended where Distru filters by update time, whole otherwise).
 */
public final class DistruSource implements Source {

    private final List<String> streams;
    private final StreamCatalogue all;
    private final DistruMapper mapper;
    private final Duration safetyLag;
    private final Duration overlap;
    private final String upstream;

    public DistruSource(DistruClient client, DistruMapper mapper, List<String> streams, Duration safetyLag,
                        Duration overlap, String upstream) {
        this.streams = List.copyOf(streams);
        this.all = new StreamCatalogue(DistruClient.SYSTEM, Arrays.stream(DistruStream.values()).map(e -> e == DistruStream.INVENTORY
                ? (Stream) new DistruInventoryStream(client, mapper) : new DistruApiStream(client, e)).toList());
        this.mapper = mapper;
        this.safetyLag = safetyLag;
        this.overlap = overlap;
        this.upstream = upstream;
    }

    @Override
    public String name() {
        return DistruClient.SYSTEM;
    }

    @Override
    public String upstream() {
        return upstream;
    }

    @Override
    public List<String> partitions() {
        return List.of(StreamKey.NO_PARTITION);
    }

    @Override
    public List<Stream> streams(String partition) {
        return all.get(streams);
    }

    @Override
    public List<String> allStreams() {
        return all.names();
    }

    @Override
    public Duration safetyLag() {
        return safetyLag;
    }

    @Override
    public Duration overlap() {
        return overlap;
    }

    @Override
    public Stream stream(String name) {
        return all.get(name);
    }

    @Override
    public MappedPage map(SourcePage page, String partition) {
        return mapper.map(page);
    }
}
