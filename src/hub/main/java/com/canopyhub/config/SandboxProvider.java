package com.canopyhub.config;

import java.time.Clock;

/**
 * A built-in sandbox of one upstream (a stateful simulator written from its API reference), contributed by the
 * sandbox module (canopy-hub-sandbox) through META-INF/services. The production artifact carries none: there an
 * empty base URL is a startup error naming the setting ({@link Sandboxes#start}).
 */
public interface SandboxProvider {

    /** The upstream it simulates: distru, metrc, terravault, shop-platform, webhook-receiver. */
    String upstream();

    /**
     * Starts the sandbox with the hub's settings (its own keys, e.g. {@code hub.sandbox.*}, are declared with the
     * hub's so a production config that sets them still validates).
     *
     * @param running the sandboxes already started in this hub (demo data shared between them)
     */
    Sandboxes.Started start(HubSettings settings, Clock clock, Sandboxes running) throws Exception;
}
