package com.canopyhub.source.distru;

import com.canopyhub.sync.MappedPage;
import com.canopyhub.sync.SourcePage;
import com.canopyhub.sync.Source;
import com.canopyhub.sync.StreamKey;
import com.canopyhub.sync.StreamReader;
import com.canopyhub.sync.Windowing;
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
    private final Map<String, StreamReader> readers = new LinkedHashMap<>();
    private final DistruMapper mapper;
    private final Duration safetyLag;
    private final Duration overlap;
    private final String upstream;

    public DistruSource(DistruClient client, DistruMapper mapper, List<String> streams, Duration safetyLag,
                        Duration overlap, String upstream) {
        this.streams = List.copyOf(streams);
        Arrays.stream(DistruEntity.values()).forEach(e -> readers.put(e.configName(), new DistruStreamReader(client, e)));
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
    public List<String> streams(String partition) {
        return streams;
    }

    @Override
    public List<String> allStreams() {
        return List.copyOf(readers.keySet());
    }

    @Override
    public Windowing windowing(String stream) {
        return reader(stream).windowing();
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
    public StreamReader reader(String stream) {
        StreamReader r = readers.get(stream);
        if (r == null) {
            throw new IllegalArgumentException("distru has no stream '" + stream + "'");
        }
        return r;
    }

    @Override
    public MappedPage map(SourcePage page, String partition) {
        return mapper.map(page);
    }
}
