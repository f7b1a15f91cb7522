package com.canopyhub.wiring;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.config.SecretRedactor;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.engine.changes.ChangeSink;
import com.canopyhub.engine.spi.Source;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;

/**
 * What a {@link HubModule} wires with: the settings, the database, the sources, the Camel context, and three shared
 * places: the change stream's sinks (contributed in their order), the outbox readers' wake-up URIs, and services one
 * module provides another by type (e.g. the event rules the webhooks file holds).
 */
public final class HubWiring {

    private final CamelContext context;
    private final HubSettings settings;
    private final SecretRedactor redactor;
    private final Clock clock;
    private final boolean checkOnly;
    private final Sandboxes sandboxes;
    private final Consumer<AutoCloseable> closeOnStop;
    private final Map<Class<?>, Object> services = new HashMap<>();
    private final TreeMap<Integer, ChangeSink> changeSinks = new TreeMap<>();
    private final List<String> wakeOnCommit = new ArrayList<>();
    private Map<String, String> environment = System.getenv();
    private HubDatabase database;
    private Map<String, Source> sources = Map.of();

    public HubWiring(CamelContext context, HubSettings settings, SecretRedactor redactor, Clock clock, boolean checkOnly,
                     Sandboxes sandboxes, Consumer<AutoCloseable> closeOnStop) {
        this.context = context;
        this.settings = settings;
        this.redactor = redactor;
        this.clock = clock;
        this.checkOnly = checkOnly;
        this.sandboxes = sandboxes;
        this.closeOnStop = closeOnStop;
    }

    public CamelContext context() {
        return context;
    }

    public HubSettings settings() {
        return settings;
    }

    public SecretRedactor redactor() {
        return redactor;
    }

    public Clock clock() {
        return clock;
    }

    /** `check-config` and `status`: only look (no migration, no sandbox, no delivery). */
    public boolean checkOnly() {
        return checkOnly;
    }

    public Sandboxes sandboxes() {
        return sandboxes;
    }

    /** The environment variables config files may refer to ({@code ${env:NAME}}). */
    public Map<String, String> environment() {
        return environment;
    }

    public void environment(Map<String, String> environment) {
        this.environment = environment;
    }

    public HubDatabase database() {
        if (database == null) {
            throw new IllegalStateException("the database is opened after every module's check()");
        }
        return database;
    }

    public void database(HubDatabase database) {
        this.database = database;
    }

    /** The sources this hub syncs, by name. */
    public Map<String, Source> sources() {
        return sources;
    }

    public void sources(Map<String, Source> sources) {
        this.sources = Map.copyOf(sources);
    }

    /**
     * Whether every source this hub syncs runs on its built-in sandbox (no base URL set): the marketplaces and the
     * webhook receiver then start their own sandboxes too, and no real downstream system gets generated data.
     */
    public boolean sourcesOnSandboxes() {
        return sources.keySet().stream().allMatch(s -> settings.get(HubSettings.module(s).baseUrl()).isEmpty());
    }

    /** Closed when the hub stops, in the reverse order of registration. */
    public <T extends AutoCloseable> T closeOnStop(T resource) {
        closeOnStop.accept(resource);
        return resource;
    }

    /** Binds a bean the routes call by name. */
    public <T> T bind(String name, T bean) {
        context.getRegistry().bind(name, bean);
        return bean;
    }

    public <T> T lookup(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    public <T> void provide(Class<T> type, T service) {
        services.put(type, service);
    }

    /** A service a module provided, or null. */
    public <T> T find(Class<T> type) {
        return type.cast(services.get(type));
    }

    public <T> T require(Class<T> type) {
        Object s = services.get(type);
        if (s == null) {
            throw new IllegalStateException("no module provided " + type.getSimpleName());
        }
        return type.cast(s);
    }

    /**
     * Adds a writer to the change stream: every page goes to each, in {@code position} order, in one transaction
     * (10 the change log, 20 the outbox, 30 the reporting tables, 40 low-stock events, 50 dead letters).
     */
    public void changeSink(int position, ChangeSink sink) {
        if (changeSinks.putIfAbsent(position, sink) != null) {
            throw new IllegalStateException("two change sinks at position " + position);
        }
    }

    public List<ChangeSink> changeSinks() {
        return List.copyOf(changeSinks.values());
    }

    /** An outbox reader's route to wake when a page with events commits (LISTEN/NOTIFY). */
    public void wakeOnCommit(String uri) {
        wakeOnCommit.add(uri);
    }

    public List<String> wakeOnCommit() {
        return List.copyOf(wakeOnCommit);
    }

    /** This node as its database sessions are named in pg_stat_activity (at most 63 characters, as PostgreSQL keeps). */
    public String claimant() {
        String name = HubDatabase.applicationName();
        return name.length() > 63 ? name.substring(0, 63) : name;
    }
}
