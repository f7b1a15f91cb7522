package com.canopyhub.app;

import com.canopyhub.config.CoreSettings;

import com.canopyhub.config.HubSettings;
import com.canopyhub.wiring.HubModule;
import com.canopyhub.wiring.HubWiring;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.engine.spi.SourceFactory;
import com.canopyhub.config.SecretRedactor;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.source.ExtraFields;
import com.canopyhub.events.OutboxListener;
import com.canopyhub.source.Upstreams;
import com.canopyhub.engine.spi.Source;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the hub: validates the settings, opens the database (embedded by default), starts the Distru sandbox
 * when no Distru URL is configured, and binds the beans the routes call. Resources close when Camel stops.
 */
public class HubConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HubConfiguration.class);
    /** Registry name under which a test may bind its own {@link Clock}. */
    public static final String CLOCK_BEAN = "hubClock";
    /** Bound (to anything) by `check-config`: the hub only looks, so it leaves runs of dead processes as they are. */
    public static final String CHECK_ONLY_BEAN = "hubCheckOnly";
    /** Registry name under which a test may bind the environment variables the hub checks for typos. */
    public static final String ENVIRONMENT_BEAN = "hubEnvironment";
    /** The overrides the hub was started with (--set, a verb's own, tests'): they win over files and environment. */
    public static final String OVERRIDES_BEAN = "hubOverrides";
    /** Registry name of the flag {@link HubRuntime#requestStop()} raises: passes end after the page in flight. */
    public static final String STOP_FLAG_BEAN = com.canopyhub.engine.run.EngineModule.STOP_FLAG_BEAN;

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent pc = context.getPropertiesComponent();
        Set<String> present = pc.loadProperties(k -> k.startsWith("hub.")).stringPropertyNames();
        @SuppressWarnings("unchecked")
        Map<String, String> environment = context.getRegistry().lookupByNameAndType(ENVIRONMENT_BEAN, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, String> overrides = context.getRegistry().lookupByNameAndType(OVERRIDES_BEAN, Map.class);
        Map<String, String> first = overrides != null ? overrides : Map.of();
        HubSettings settings = HubSettings.resolve(k -> first.containsKey(k) ? Optional.of(first.get(k)) : pc.resolveProperty(k),
                present, environment != null ? environment : System.getenv(), first.keySet());
        settings.warnings().forEach(LOG::warn);
        SecretRedactor redactor = SecretRedactor.of(settings);
        // the HTTP server runs for `run` only (every other verb starts with camel.server.enabled=false); its routes
        // follow hub.http.listen. A port that is taken fails startup here, naming the setting, before anything opens
        boolean listen = settings.getBoolean(CoreSettings.HTTP_ENABLED) && !"false".equals(first.get("camel.server.enabled"));
        pc.addOverrideProperty("hub.http.listen", Boolean.toString(listen));
        if (listen) {
            HttpPortCheck.requireFree(settings.getInt(CoreSettings.HTTP_PORT));
        }
        Clock clock = context.getRegistry().lookupByNameAndType(CLOCK_BEAN, Clock.class);
        if (clock == null) {
            clock = Clock.systemUTC();
        }
        Resources resources = new Resources();
        context.addService(resources, true, true);
        try {
            wire(context, settings, redactor, clock, resources, environment != null ? environment : System.getenv());
        } catch (Exception | Error e) {
            resources.doStop();
            throw e;
        }
    }

    private void wire(CamelContext context, HubSettings settings, SecretRedactor redactor, Clock clock, Resources resources,
                      Map<String, String> environment) throws Exception {
        // check-config and status only look: the database is neither required to answer nor migrated
        boolean checkOnly = context.getRegistry().lookupByName(CHECK_ONLY_BEAN) != null;
        HubWiring wiring = new HubWiring(context, settings, redactor, clock, checkOnly, Sandboxes.installed(), resources::add);
        wiring.environment(environment);
        List<HubModule> modules = modules();
        // configuration files fail startup (naming file and line) before anything opens: mapping files, then each
        // module's own (the webhooks file)
        ExtraFields extraFields = ExtraFields.load(Path.of(settings.get(CoreSettings.MAPPINGS_DIRECTORY)),
                HubSettings.SOURCES.stream().collect(Collectors.toMap(m -> m.source(), m -> m.streams())));
        for (HubModule module : modules) {
            module.check(wiring);
        }
        // a source on its sandbox where the sandbox module is missing (the production jar): named before anything opens
        for (String name : settings.getList(CoreSettings.SYNC_SOURCES)) {
            String baseUrlKey = HubSettings.module(name).baseUrlKey();
            if (settings.get(baseUrlKey).isEmpty()) {
                wiring.sandboxes().require(name, baseUrlKey);
            }
        }
        HubDatabase.Timeouts timeouts = new HubDatabase.Timeouts(settings.getLong(CoreSettings.REPORTING_CONNECT_TIMEOUT_SECONDS),
                settings.getLong(CoreSettings.REPORTING_STATEMENT_TIMEOUT_SECONDS), settings.getLong(CoreSettings.REPORTING_SOCKET_TIMEOUT_SECONDS));
        wiring.provide(HubDatabase.Timeouts.class, timeouts);
        HubDatabase db = openDatabase(settings, timeouts, checkOnly);
        resources.add(db);
        LOG.info("Reporting database: {}", db.description());
        if (!checkOnly) {
            db.migrate();
        }
        wiring.database(db);
        var registry = context.getRegistry();
        registry.bind("hubSettings", settings);
        registry.bind("hubDataSource", db.dataSource());
        registry.bind("hubDatabase", db);
        // metrics first: the sources' clients and the delivery modules report to it
        com.canopyhub.ops.BuildInfo build = com.canopyhub.ops.BuildInfo.read();
        com.canopyhub.ops.HubMetrics metrics = new com.canopyhub.ops.HubMetrics(
                com.canopyhub.ops.HubMetrics.registryIn(registry), db.dataSource(), build.version(), build.commit());
        registry.bind("hubMetrics", metrics);
        com.canopyhub.ops.RouteMetrics.install(context, metrics.registry());
        wiring.provide(com.canopyhub.ops.HubMetrics.class, metrics);
        wiring.provide(com.canopyhub.source.UpstreamMeters.class, metrics);
        wiring.provide(com.canopyhub.observe.DeliveryMeters.class, metrics);
        // traces: camel-opentelemetry2's spans and the hub's (pages, deliveries) from one SDK; OTLP only when configured
        com.canopyhub.ops.Tracing tracing = new com.canopyhub.ops.Tracing(settings.get(com.canopyhub.ops.OpsSettings.OTEL_ENDPOINT),
                registry.lookupByNameAndType(com.canopyhub.ops.Tracing.PROCESSOR_BEAN, io.opentelemetry.sdk.trace.SpanProcessor.class),
                build.version());
        resources.add(tracing);
        tracing.instrument(context);
        wiring.provide(io.opentelemetry.api.trace.Tracer.class, tracing.tracer());
        wiring.provide(com.canopyhub.observe.DeliveryTraces.class, tracing);

        // the configured sources, each made by the factory its module registered; no source is named here
        Map<String, SourceFactory> factories = new LinkedHashMap<>();
        java.util.ServiceLoader.load(SourceFactory.class, getClass().getClassLoader()).forEach(f -> factories.putIfAbsent(f.source(), f));
        SourceFactory.Wiring sourceWiring = new SourceFactory.Wiring(settings, clock, extraFields, upstreamJson(), db.dataSource(),
                wiring.sandboxes(), resources::add, registry::bind, metrics);
        Map<String, Source> sources = new LinkedHashMap<>();
        for (String name : settings.getList(CoreSettings.SYNC_SOURCES)) {
            SourceFactory factory = factories.get(name);
            if (factory == null) {
                throw new IllegalStateException("hub.sync.sources: no module registered for source '" + name + "'");
            }
            sources.put(name, factory.create(sourceWiring));
        }
        wiring.sources(sources);
        // a source the hub does not sync gets no schedule route (routes/template-source-schedule.camel.yaml's precondition)
        for (String known : HubSettings.KNOWN_SOURCES) {
            context.getPropertiesComponent().addOverrideProperty("hub." + known + ".synced", Boolean.toString(sources.containsKey(known)));
        }

        // every module binds its beans, in order (the list: META-INF/services/com.canopyhub.wiring.HubModule)
        for (HubModule module : modules) {
            module.wire(wiring);
        }
        if (!checkOnly) {
            wakeOnCommit(context, db, resources, wiring.wakeOnCommit());
        }
        if (settings.getBoolean(CoreSettings.ROUTES_RELOAD) && !checkOnly) {
            context.addService(new SafeRouteReload(settings.get(CoreSettings.ROUTES_DIRECTORY), "*.camel.yaml"));
            LOG.info("Route files in {} reload when saved (hub.routes.reload)", settings.get(CoreSettings.ROUTES_DIRECTORY));
        }
    }

    /** The hub's modules, as they registered themselves, in their order. */
    static List<HubModule> modules() {
        return java.util.ServiceLoader.load(HubModule.class, HubConfiguration.class.getClassLoader()).stream()
                .map(java.util.ServiceLoader.Provider::get).sorted(java.util.Comparator.comparingInt(HubModule::order)).toList();
    }

    /**
     * The outbox's readers wake when a page commits (PostgreSQL LISTEN/NOTIFY on a connection of the hub's own),
     * not only on their timers.
     */
    private static void wakeOnCommit(CamelContext context, HubDatabase db, Resources resources, List<String> uris) throws Exception {
        if (uris.isEmpty()) {
            return;
        }
        java.util.concurrent.atomic.AtomicReference<org.apache.camel.ProducerTemplate> template = new java.util.concurrent.atomic.AtomicReference<>();
        OutboxListener listener = new OutboxListener(db::openDedicatedConnection, () -> {
            if (!context.isStarted() || context.isStopping()) {
                return;
            }
            template.compareAndSet(null, context.createProducerTemplate());
            for (String uri : uris) {
                template.get().sendBody(uri, null);
            }
        }).start();
        resources.add(listener);
    }

    private static HubDatabase openDatabase(HubSettings settings, HubDatabase.Timeouts timeouts, boolean lazy) throws Exception {
        String url = settings.get(CoreSettings.REPORTING_JDBC_URL);
        int pool = settings.getInt(CoreSettings.REPORTING_POOL_SIZE);
        if (url.isEmpty()) {
            return HubDatabase.embedded(Path.of(settings.get(CoreSettings.EMBEDDED_DATA_DIR)), settings.getInt(CoreSettings.EMBEDDED_PORT),
                    pool, timeouts);
        }
        return HubDatabase.connect(url, settings.get(CoreSettings.REPORTING_USERNAME), settings.get(CoreSettings.REPORTING_PASSWORD),
                pool, timeouts, lazy);
    }

    /** Which upstream a base URL names, as cursors remember it (see {@link Upstreams#identity}). */
    public static String upstreamIdentity(String baseUrl) {
        return Upstreams.identity(baseUrl);
    }

    /** Upstream JSON keeps decimals exact: never through double, trailing zeros kept. */
    public static ObjectMapper upstreamJson() {
        return com.canopyhub.source.Upstreams.json();
    }

    /** Closes what the hub opened, in reverse order, when the Camel context stops. */
    private static final class Resources extends ServiceSupport {
        private final Deque<AutoCloseable> open = new ArrayDeque<>();

        void add(AutoCloseable c) {
            open.push(c);
        }

        @Override
        protected void doStop() {
            while (!open.isEmpty()) {
                AutoCloseable c = open.pop();
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("Closing {} failed: {}", c.getClass().getSimpleName(), e.getMessage());
                }
            }
        }
    }
}
