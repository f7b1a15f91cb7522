package com.canopyhub.engine.run;

import java.util.Map;
import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.SourcePage;

/** The mapping step of the sync routes for every source: a run's source maps its page to the canonical model. */
public class SourceMapper {

    private final Map<String, Source> sources;

    public SourceMapper(Map<String, Source> sources) {
        this.sources = Map.copyOf(sources);
    }

    public MappedPage map(@org.apache.camel.Body SourcePage page, @org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) {
        Source source = sources.get(sync.sourceSystem());
        if (source == null) {
            throw new IllegalArgumentException("No source '" + sync.sourceSystem() + "'");
        }
        return source.map(page, sync.partition());
    }
}
