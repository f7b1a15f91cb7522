package com.canopyhub.source.metrc;

import com.canopyhub.sync.PageRequest;
import com.canopyhub.sync.SourcePage;
import com.canopyhub.sync.StreamReader;
import com.canopyhub.sync.Windowing;

/** One Metrc list endpoint as a stream of the engine; the partition is the licence number. */
public final class MetrcStreamReader implements StreamReader {

    private final MetrcClient client;
    private final MetrcStream stream;

    public MetrcStreamReader(MetrcClient client, MetrcStream stream) {
        this.client = client;
        this.stream = stream;
    }

    @Override
    public String stream() {
        return stream.configName();
    }

    @Override
    public Windowing windowing() {
        return stream.windowing();
    }

    @Override
    public SourcePage read(String licenseNumber, PageRequest request) {
        return client.fetchPage(stream, licenseNumber, request);
    }
}
