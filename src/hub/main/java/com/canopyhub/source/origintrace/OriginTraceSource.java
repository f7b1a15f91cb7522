package com.canopyhub.source.origintrace;

import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.engine.spi.StreamCatalogue;
import com.canopyhub.engine.spi.StreamKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * OriginTrace as a source of the engine: one partition (the API key's organisation: "API keys are scoped to your
 * organization"; the API names no organisation, so the partition is the source's only one), three snapshot streams in
 * dependency order (farms before the batches collected from them, then shipments), each read whole every pass.
 */
public final class OriginTraceSource implements Source {

    private final OriginTraceMapper mapper;
    private final List<String> streams;
    private final String upstream;
    private final StreamCatalogue all;

    public OriginTraceSource(OriginTraceClient client, OriginTraceMapper mapper, List<String> streams,
                             Map<OriginTraceStream, List<String>> statusFilters, String upstream) {
        this.mapper = mapper;
        this.streams = List.copyOf(streams);
        this.upstream = upstream;
        this.all = new StreamCatalogue(OriginTraceClient.SYSTEM, java.util.Arrays.stream(OriginTraceStream.values())
                .map(s -> new OriginTraceApiStream(client, s, statusFilters.getOrDefault(s, List.of()))).toList());
    }

    @Override
    public String name() {
        return OriginTraceClient.SYSTEM;
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
    public Stream stream(String name) {
        return all.get(name);
    }

    /** Snapshots have no window: nothing lags. */
    @Override
    public Duration safetyLag() {
        return Duration.ZERO;
    }

    @Override
    public Duration overlap() {
        return Duration.ZERO;
    }

    @Override
    public MappedPage map(SourcePage page, String partition) {
        return mapper.map(page);
    }
}
