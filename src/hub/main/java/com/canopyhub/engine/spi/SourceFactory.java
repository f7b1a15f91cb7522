package com.canopyhub.engine.spi;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.source.ExtraFields;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Makes a {@link Source} from its settings. Each source registers its factory itself (META-INF/services), so the
 * composition root wires every source listed in {@code hub.sync.sources} without naming any.
 */
public interface SourceFactory {

    /** The source's name, as in {@code hub.sync.sources}. */
    String source();

    /** Creates the source: its client (or built-in sandbox), reader and mapper. */
    Source create(Wiring wiring) throws Exception;

    /**
     * What a source may use while it is wired.
     *
     * @param closeOnStop receives what must be closed when the hub stops
     * @param bind        binds a bean in Camel's registry (the sandbox, for tests and the bench)
     */
    record Wiring(HubSettings settings, Clock clock, ExtraFields extraFields, ObjectMapper upstreamJson, DataSource dataSource,
                  Sandboxes sandboxes, Consumer<AutoCloseable> closeOnStop, BiConsumer<String, Object> bind,
                  com.canopyhub.source.UpstreamMeters meters) {
    }
}
