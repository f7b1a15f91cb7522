package com.canopyhub.app;

import com.canopyhub.config.CoreSettings;
import com.canopyhub.delivery.kafka.KafkaSettings;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.engine.spi.SourceFactory;
import com.canopyhub.config.SecretRedactor;
import com.canopyhub.db.DatabaseErrors;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.store.DeadLetterStore;
import com.canopyhub.source.ExtraFields;
import com.canopyhub.events.DocumentExpiry;
import com.canopyhub.events.LowStockSink;
import com.canopyhub.events.OutboxListener;
import com.canopyhub.events.OutboxSink;
import com.canopyhub.delivery.webhook.SigningSecrets;
import com.canopyhub.delivery.webhook.Subscriptions;
import com.canopyhub.delivery.webhook.UrlGuard;
import com.canopyhub.delivery.webhook.WebhookConfig;
import com.canopyhub.delivery.webhook.WebhookDispatcher;
import com.canopyhub.delivery.webhook.WebhookService;
import com.canopyhub.delivery.webhook.WebhookSettings;
import com.canopyhub.store.ReportingSink;
import com.canopyhub.source.RetryAfterDelay;
import com.canopyhub.source.Upstreams;
import com.canopyhub.source.metrc.MetrcUnits;
import com.fasterxml.jackson.databind.JsonNode;
import com.canopyhub.engine.run.ChangeDetector;
import com.canopyhub.engine.changes.ChangeSink;
import com.canopyhub.engine.run.ChangeStream;
import com.canopyhub.engine.run.CursorStore;
import com.canopyhub.engine.run.Pager;
import com.canopyhub.engine.run.PassSchedule;
import com.canopyhub.engine.run.RetryDecision;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.run.SourceMapper;
import com.canopyhub.engine.changes.RecordChangeLog;
import com.canopyhub.engine.run.StreamLocks;
import com.canopyhub.engine.run.SyncRuns;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
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
    public static final String STOP_FLAG_BEAN = "hubStopFlag";

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
                present, environment != null ? environment : System.getenv());
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
            wire(context, settings, redactor, clock, resources);
        } catch (Exception | Error e) {
            resources.doStop();
            throw e;
        }
    }

    private void wire(CamelContext context, HubSettings settings, SecretRedactor redactor, Clock clock, Resources resources)
            throws Exception {
        // mapping files are configuration: a bad one fails startup (naming file and line) before anything opens
        ExtraFields extraFields = ExtraFields.load(Path.of(settings.get(CoreSettings.MAPPINGS_DIRECTORY)),
                HubSettings.SOURCES.stream().collect(Collectors.toMap(m -> m.source(), m -> m.streams())));
        // so is the webhooks file: subscriptions and event rules are checked before anything opens
        @SuppressWarnings("unchecked")
        Map<String, String> environment = context.getRegistry().lookupByNameAndType(ENVIRONMENT_BEAN, Map.class);
        WebhookConfig webhookConfig = WebhookConfig.load(Path.of(settings.get(WebhookSettings.FILE)),
                environment != null ? environment : System.getenv());
        HubDatabase.Timeouts timeouts = new HubDatabase.Timeouts(settings.getLong(CoreSettings.REPORTING_CONNECT_TIMEOUT_SECONDS),
                settings.getLong(CoreSettings.REPORTING_STATEMENT_TIMEOUT_SECONDS), settings.getLong(CoreSettings.REPORTING_SOCKET_TIMEOUT_SECONDS));
        // check-config and status only look: the database is neither required to answer nor migrated
        boolean checkOnly = context.getRegistry().lookupByName(CHECK_ONLY_BEAN) != null;
        // a source on its sandbox where the sandbox module is missing (the production jar): named before anything opens
        Sandboxes sandboxes = Sandboxes.installed();
        for (String name : settings.getList(CoreSettings.SYNC_SOURCES)) {
            String baseUrlKey = HubSettings.module(name).baseUrlKey();
            if (settings.get(baseUrlKey).isEmpty()) {
                sandboxes.require(name, baseUrlKey);
            }
        }
        HubDatabase db = openDatabase(settings, timeouts, checkOnly);
        resources.add(db);
        LOG.info("Reporting database: {}", db.description());
        if (!checkOnly) {
            db.migrate();
        }

        // the configured sources, each wired by its module; the engine below knows none of them by name
        Map<String, SourceFactory> factories = new LinkedHashMap<>();
        java.util.ServiceLoader.load(SourceFactory.class, getClass().getClassLoader()).forEach(f -> factories.putIfAbsent(f.source(), f));
        SourceFactory.Wiring wiring = new SourceFactory.Wiring(settings, clock, extraFields, upstreamJson(), db.dataSource(),
                sandboxes, resources::add, context.getRegistry()::bind);
        Map<String, Source> sources = new LinkedHashMap<>();
        for (String name : settings.getList(CoreSettings.SYNC_SOURCES)) {
            SourceFactory factory = factories.get(name);
            if (factory == null) {
                throw new IllegalStateException("hub.sync.sources: no module registered for source '" + name + "'");
            }
            sources.put(name, factory.create(wiring));
        }
        // a source the hub does not sync gets no schedule route (routes/template-source-schedule.camel.yaml's precondition)
        for (String known : HubSettings.KNOWN_SOURCES) {
            context.getPropertiesComponent().addOverrideProperty("hub." + known + ".synced", Boolean.toString(sources.containsKey(known)));
        }

        var registry = context.getRegistry();
        registry.bind("hubSettings", settings);
        registry.bind("hubDataSource", db.dataSource());
        registry.bind("hubDatabase", db);
        registry.bind("hubHealth", new HubHealth(context, db.dataSource()));
        registry.bind("outages", new com.canopyhub.ops.Outages(java.time.Duration.ofMinutes(5)));
        Pager pager = new Pager(sources, new com.canopyhub.store.ReportingParentRecords(db.dataSource()));
        resources.add(pager);
        registry.bind("pager", pager);
        registry.bind("mapper", new SourceMapper(sources));
        // partitions of one source run side by side, at most this many at once (their pages still pace per upstream)
        ExecutorService partitionPool = context.getExecutorServiceManager().newFixedThreadPool(this, "sync-partition",
                settings.getInt(CoreSettings.SYNC_PARALLEL_PARTITIONS));
        registry.bind("partitionPool", partitionPool);
        registry.bind("changeDetector", new ChangeDetector(db.dataSource()));
        DeadLetterStore deadLetters = new DeadLetterStore(db.dataSource(), redactor);
        registry.bind("deadLetters", deadLetters);
        // the outbox reads an order's previous status before the reporting sink overwrites it, so it goes first
        List<ChangeSink> sinks = new ArrayList<>(List.of(new RecordChangeLog()));
        boolean outbox = settings.getBoolean(CoreSettings.OUTBOX_ENABLED);
        boolean skipInitialLoad = settings.getBoolean(CoreSettings.OUTBOX_SKIP_INITIAL_LOAD);
        if (outbox) {
            sinks.add(new OutboxSink(skipInitialLoad));
        }
        sinks.add(new ReportingSink());
        if (outbox) {
            // reads the stock the reporting sink just wrote, in the same transaction
            sinks.add(new LowStockSink(webhookConfig::lowStock, skipInitialLoad));
        }
        sinks.add(deadLetters);
        registry.bind("retention", new com.canopyhub.ops.Retention(db.dataSource(), new com.canopyhub.ops.Retention.Ages(
                settings.getDuration(CoreSettings.RETENTION_OUTBOX), settings.getDuration(CoreSettings.RETENTION_WEBHOOK_DELIVERIES),
                settings.getDuration(CoreSettings.RETENTION_MARKETPLACE_REQUESTS), settings.getDuration(CoreSettings.RETENTION_RECORD_CHANGES),
                settings.getDuration(CoreSettings.RETENTION_SYNC_RUNS)), settings.getInt(CoreSettings.RETENTION_BATCH_SIZE),
                () -> settings.getBoolean(WebhookSettings.ENABLED),
                () -> !registry.findByType(com.canopyhub.delivery.marketplace.MarketplaceDelivery.class).isEmpty(),
                () -> !settings.get(KafkaSettings.BOOTSTRAP_SERVERS).isEmpty()));
        context.getPropertiesComponent().addOverrideProperty("hub.retention.interval-ms",
                Long.toString(settings.getDuration(CoreSettings.RETENTION_INTERVAL).toMillis()));
        ChangeStream changeStream = new ChangeStream(db.dataSource(), sinks, deadLetters);
        registry.bind("changeStream", changeStream);
        registry.bind("absences", new com.canopyhub.engine.run.Absences(db.dataSource(), sources,
                new com.canopyhub.store.ReportingStoredRecords(), changeStream));
        AtomicBoolean stopFlag = new AtomicBoolean();
        registry.bind(STOP_FLAG_BEAN, stopFlag);
        PassSchedule schedule = settings.getBoolean(CoreSettings.SCHEDULE_ENABLED)
                ? new PassSchedule(sources.keySet().stream().collect(Collectors.toMap(s -> s, s -> settings.get("hub." + s + ".schedule"))), clock)
                : PassSchedule.none(clock);
        registry.bind("passSchedule", schedule);
        if (settings.get(CoreSettings.SCHEDULE_STORE).equals("jdbc") && !checkOnly) {
            com.canopyhub.engine.run.ClusteredSchedules.install(context, db.dataSource(),
                    settings.getMillis(CoreSettings.SCHEDULE_CLUSTER_CHECKIN_INTERVAL_MS));
            LOG.info("Schedules: Quartz's clustered JDBC store in this database (every node shares them; hub.schedule.store=jdbc)");
        }
        SyncRuns syncRuns = new SyncRuns(db.dataSource(), new CursorStore(db.dataSource()),
                new StreamLocks(db::openDedicatedConnection, db.dataSource()), sources, clock,
                () -> stopFlag.get() || context.isStopping() || context.isStopped(), redactor, new DatabaseErrors(timeouts),
                Duration.ofSeconds(settings.getLong(CoreSettings.SYNC_PROGRESS_INTERVAL_SECONDS)), HubDatabase.hostName(), schedule);
        registry.bind("syncRuns", syncRuns);
        if (!checkOnly) {
            // runs a killed process left RUNNING (and whose stream no live process holds) are closed now
            syncRuns.abandonOrphans();
        }
        registry.bind("retryAfterDelay", new RetryAfterDelay(settings.getMillis(CoreSettings.RETRY_MAX_DELAY_MS)));
        if (settings.getBoolean(CoreSettings.ROUTES_RELOAD) && !checkOnly) {
            context.addService(new SafeRouteReload(settings.get(CoreSettings.ROUTES_DIRECTORY), "*.camel.yaml"));
            LOG.info("Route files in {} reload when saved (hub.routes.reload)", settings.get(CoreSettings.ROUTES_DIRECTORY));
        }
        registry.bind("documentExpiry", new DocumentExpiry(db.dataSource(), clock, webhookConfig::expiringDays));
        wireWebhooks(context, settings, redactor, db, webhookConfig, sources, resources, checkOnly, sandboxes, clock);
        com.canopyhub.delivery.marketplace.MarketplaceModule.wire(context, settings, redactor, db, deadLetters, sources.keySet(), resources::add, checkOnly, claimant(), clock, sandboxes);
        boolean kafka = com.canopyhub.delivery.kafka.KafkaModule.wire(context, settings, db, resources::add, checkOnly);
        if (!checkOnly) {
            List<String> wake = new ArrayList<>();
            if (settings.getBoolean(WebhookSettings.ENABLED)) {
                wake.add(WebhookService.WAKE_URI);
            }
            if (kafka) {
                wake.add(com.canopyhub.delivery.kafka.KafkaModule.WAKE_URI);
            }
            wakeOnCommit(context, db, resources, wake);
        }
        registry.bind("retryDecision", new RetryDecision(settings.getInt(CoreSettings.RETRY_MAX_REDELIVERIES),
                () -> stopFlag.get() || context.isStopping() || context.isStopped()));
    }

    /**
     * Signed webhooks: the subscriptions of config/webhooks.yaml synced into PostgreSQL (plus the built-in receiver's),
     * the dispatcher routes/deliver-webhooks.camel.yaml calls, the HTTP connections with the SSRF rules in their DNS resolver,
     * and the LISTEN/NOTIFY wake-up.
     */
    private void wireWebhooks(CamelContext context, HubSettings settings, SecretRedactor redactor, HubDatabase db,
                              WebhookConfig config, Map<String, Source> sources, Resources resources, boolean checkOnly,
                              Sandboxes sandboxes, Clock clock) throws Exception {
        var registry = context.getRegistry();
        SigningSecrets secrets = SigningSecrets.open(settings.get(WebhookSettings.SECRET_KEY), Path.of(settings.get(WebhookSettings.SECRET_KEY_FILE)));
        // delivery bookkeeping has connections of its own: dozens of senders must never keep a page waiting for one
        javax.sql.DataSource deliveryDb = checkOnly ? db.dataSource() : db.sidePool("webhooks", settings.getInt(WebhookSettings.POOL_SIZE));
        Subscriptions subscriptions = new Subscriptions(deliveryDb, secrets, settings.getInt(WebhookSettings.MAX_IN_FLIGHT));
        registry.bind("webhookSubscriptions", subscriptions);
        registry.bind("webhookService", new WebhookService(deliveryDb, subscriptions));
        String mode = settings.get(WebhookSettings.SANDBOX_RECEIVER);
        boolean sandbox = !checkOnly && (mode.equals("true") || (mode.equals("auto")
                && sources.keySet().stream().allMatch(s -> settings.get("hub." + s + ".base-url").isEmpty())));
        // auto: the receiver where the sandbox module is installed; true: required (a clear error without it)
        Sandboxes.Started receiver = null;
        if (sandbox && (mode.equals("true") || sandboxes.has("webhook-receiver"))) {
            receiver = sandboxes.start("webhook-receiver", "hub.webhooks.sandbox-receiver", settings, clock);
            resources.add((AutoCloseable) receiver.instance());
            registry.bind("webhookReceiver", receiver.instance());
            LOG.info("Webhook sandbox receiver at {} (subscription 'sandbox', every event)", receiver.baseUrl());
        }
        if (!checkOnly) {
            WebhookConfig.Subscription sandboxSubscription = receiver == null ? null
                    : new WebhookConfig.Subscription("sandbox", receiver.baseUrl(), receiver.credential("secret"), List.of("*"), true,
                    "the built-in sandbox receiver (hub.webhooks.sandbox-receiver)", null);
            subscriptions.sync(config.subscriptions(), sandboxSubscription,
                    WebhookSettings.duration(settings.get(WebhookSettings.ROTATION_OVERLAP)).orElseThrow(), System.out::println);
            subscriptions.checkKey();
        }
        java.util.Set<String> allowed = new java.util.HashSet<>(settings.getList(WebhookSettings.ALLOWED_PRIVATE_HOSTS));
        if (receiver != null) {
            allowed.add("localhost"); // the built-in receiver listens there
        }
        UrlGuard guard = new UrlGuard(allowed);
        java.time.Duration timeout = settings.getMillis(WebhookSettings.TIMEOUT_MS);
        int senders = settings.getInt(WebhookSettings.SENDERS);
        var connections = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guard)
                .setMaxConnTotal(Math.max(senders * 2, 20))
                .setMaxConnPerRoute(Math.max(senders, 10))
                .setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                        .setConnectTimeout(org.apache.hc.core5.util.Timeout.of(timeout))
                        .setSocketTimeout(org.apache.hc.core5.util.Timeout.of(timeout)).build())
                .build();
        resources.add(connections);
        registry.bind("webhookConnections", connections);
        WebhookDispatcher dispatcher = new WebhookDispatcher(deliveryDb, subscriptions, guard,
                WebhookSettings.delays(settings.get(WebhookSettings.RETRY_SCHEDULE)), timeout,
                WebhookSettings.duration(settings.get(WebhookSettings.DISABLE_AFTER)).orElseThrow(), senders * 2,
                claimant(), redactor);
        registry.bind("webhookDispatcher", dispatcher);
        SyncRuns syncRuns = registry.lookupByNameAndType("syncRuns", SyncRuns.class);
        dispatcher.yieldTo(syncRuns::anyPassRunning, settings.getInt(WebhookSettings.IN_FLIGHT_DURING_SYNC));
        resources.add(dispatcher); // closed after the routes stopped: gives back what was claimed but not sent
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

    /** This node as its database sessions are named in pg_stat_activity (at most 63 characters, as PostgreSQL keeps). */
    private static String claimant() {
        String name = HubDatabase.applicationName();
        return name.length() > 63 ? name.substring(0, 63) : name;
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
        return JsonMapper.builder()
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
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
