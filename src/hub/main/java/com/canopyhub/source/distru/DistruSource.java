package com.canopyhub.source.distru;

import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.StreamKey;
import com.canopyhub.engine.spi.Stream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Distru as a source of the engine: no partitions (one company per API key), the configured collections as
 * streams, each read in one window per run (open-ended where Distru filters by update time, whole otherwise).
 */
public final class DistruSource implements Source {

    private final List<String> streams;
    private final Map<String, Stream> all = new LinkedHashMap<>();
    private final DistruMapper mapper;
    private final Duration safetyLag;
    private final Duration overlap;
    private final String upstream;

    public DistruSource(DistruClient client, DistruMapper mapper, List<String> streams, Duration safetyLag,
                        Duration overlap, String upstream) {
        this.streams = List.copyOf(streams);
        Arrays.stream(DistruStream.values()).forEach(e -> all.put(e.configName(), e == DistruStream.INVENTORY
                ? new DistruInventoryStream(client, mapper) : new DistruApiStream(client, e)));
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
        return streams.stream().map(this::stream).toList();
    }

    @Override
    public List<String> allStreams() {
        return List.copyOf(all.keySet());
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
        Stream r = all.get(name);
        if (r == null) {
            throw new IllegalArgumentException("distru has no stream '" + name + "'");
        }
        return r;
    }

    @Override
    public MappedPage map(SourcePage page, String partition) {
        return mapper.map(page);
    }
}
