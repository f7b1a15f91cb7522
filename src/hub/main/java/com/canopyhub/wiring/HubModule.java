package com.canopyhub.wiring;

/**
 * A part of the hub that registers itself (META-INF/services/com.canopyhub.wiring.HubModule) and binds the beans its
 * routes call, in the spirit of camel-main's {@code @BindToRegistry} configuration classes: the composition root
 * (app/HubConfiguration) knows no module, it runs each one's {@link #check} before the database opens and its
 * {@link #wire} after, in {@link #order()}.
 */
public interface HubModule {

    /** Lower first: a module that uses what another binds or provides comes after it. */
    int order();

    /**
     * Reads and checks the module's own configuration files before anything opens (a bad file fails startup naming
     * file and line); may {@link HubWiring#provide} what other modules need from them.
     */
    default void check(HubWiring wiring) throws Exception {
    }

    /** Binds the module's beans (the database is open and migrated, the sources are wired). */
    void wire(HubWiring wiring) throws Exception;
}
