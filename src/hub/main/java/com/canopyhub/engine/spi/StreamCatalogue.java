package com.canopyhub.engine.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every stream a source knows, by name, in its declared order: what {@link Source#allStreams()} and
 * {@link Source#stream(String)} answer, with one error for a name it does not know.
 */
public final class StreamCatalogue {

    private final String source;
    private final Map<String, Stream> byName = new LinkedHashMap<>();

    public StreamCatalogue(String source, List<? extends Stream> streams) {
        this.source = source;
        streams.forEach(s -> byName.put(s.name(), s));
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** @throws IllegalArgumentException naming the known streams, for a name the source does not have */
    public Stream get(String name) {
        Stream s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException(source + " has no stream '" + name + "' (known: " + String.join(", ", byName.keySet()) + ")");
        }
        return s;
    }

    /** The streams of these names, in this order. */
    public List<Stream> get(List<String> names) {
        return names.stream().map(this::get).toList();
    }
}
