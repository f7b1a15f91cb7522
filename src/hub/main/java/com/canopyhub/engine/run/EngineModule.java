package com.canopyhub.engine.run;

import com.canopyhub.config.CoreSettings;
import com.canopyhub.config.HubSettings;
import com.canopyhub.db.DatabaseErrors;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.engine.changes.RecordChangeLog;
import com.canopyhub.engine.spi.ParentRecords;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.StoredRecords;
import com.canopyhub.source.RetryAfterDelay;
import com.canopyhub.wiring.HubModule;
import com.canopyhub.wiring.HubWiring;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync engine's beans, the ones routes/engine-*.camel.yaml call: the pager and mapper over every source, the
 * partitions' thread pool, change detection and the change stream (over the sinks the other modules contributed,
 * so it comes after them), absences, schedules, runs, and the retry decisions of routes/errors.camel.yaml.
 */
public final class EngineModule implements HubModule {

    private static final Logger LOG = LoggerFactory.getLogger(EngineModule.class);

    /** Registry name of the flag {@code HubRuntime.requestStop()} raises: passes end after the page in flight. */
    public static final String STOP_FLAG_BEAN = "hubStopFlag";

    @Override
    public int order() {
        return 50;
    }

    @Override
    public void wire(HubWiring w) throws Exception {
        CamelContext context = w.context();
        HubSettings settings = w.settings();
        HubDatabase db = w.database();
        Map<String, Source> sources = w.sources();
        w.changeSink(10, new RecordChangeLog());

        w.bind("pager", w.closeOnStop(new Pager(sources, w.require(ParentRecords.class))));
        w.bind("mapper", new SourceMapper(sources));
        io.opentelemetry.api.trace.Tracer tracer = w.find(io.opentelemetry.api.trace.Tracer.class);
        w.bind("pageTraces", new PageTraces(tracer != null ? tracer : io.opentelemetry.api.OpenTelemetry.noop().getTracer("none")));
        // partitions of one source run side by side, at most this many at once (their pages still pace per upstream)
        w.bind("partitionPool", context.getExecutorServiceManager().newFixedThreadPool(this, "sync-partition",
                settings.getInt(CoreSettings.SYNC_PARALLEL_PARTITIONS)));
        w.bind("changeDetector", new ChangeDetector(db.dataSource()));
        // pages written behind their runs (PageWrites): one writer at a time per run, threads made as runs need them
        ChangeStream changeStream = w.bind("changeStream", new ChangeStream(db.dataSource(), w.changeSinks(),
                w.require(ChangeStream.RejectedChanges.class),
                context.getExecutorServiceManager().newCachedThreadPool(this, "page-writer"),
                settings.getInt(CoreSettings.SYNC_WRITE_BEHIND_PAGES), tracer != null ? tracer
                        : io.opentelemetry.api.OpenTelemetry.noop().getTracer("none")));
        w.bind("absences", new Absences(db.dataSource(), sources, w.require(StoredRecords.class), changeStream));

        AtomicBoolean stopFlag = w.bind(STOP_FLAG_BEAN, new AtomicBoolean());
        BooleanSupplier stopping = () -> stopFlag.get() || context.isStopping() || context.isStopped();
        PassSchedule schedule = w.bind("passSchedule", settings.getBoolean(CoreSettings.SCHEDULE_ENABLED)
                ? new PassSchedule(sources.keySet().stream().collect(Collectors.toMap(s -> s, s -> settings.get(HubSettings.module(s).schedule()))), w.clock())
                : PassSchedule.none(w.clock()));
        if (settings.get(CoreSettings.SCHEDULE_STORE).equals("jdbc") && !w.checkOnly()) {
            ClusteredSchedules.install(context, db.dataSource(), settings.getMillis(CoreSettings.SCHEDULE_CLUSTER_CHECKIN_INTERVAL_MS));
            LOG.info("Schedules: Quartz's clustered JDBC store in this database (every node shares them; hub.schedule.store=jdbc)");
        }
        SyncRuns syncRuns = w.bind("syncRuns", new SyncRuns(db.dataSource(), new CursorStore(db.dataSource()),
                new StreamLocks(db::openDedicatedConnection, db.dataSource()), sources, w.clock(), stopping, w.redactor(),
                new DatabaseErrors(w.require(HubDatabase.Timeouts.class)),
                Duration.ofSeconds(settings.getLong(CoreSettings.SYNC_PROGRESS_INTERVAL_SECONDS)), HubDatabase.hostName(), schedule));
        if (!w.checkOnly()) {
            // runs a killed process left RUNNING (and whose stream no live process holds) are closed now
            syncRuns.abandonOrphans();
        }
        w.bind("retryAfterDelay", new RetryAfterDelay(settings.getMillis(CoreSettings.RETRY_MAX_DELAY_MS),
                java.util.Objects.requireNonNullElse(w.find(com.canopyhub.source.UpstreamMeters.class), com.canopyhub.source.UpstreamMeters.NONE)));
        w.bind("retryDecision", new RetryDecision(settings.getInt(CoreSettings.RETRY_MAX_REDELIVERIES), stopping));
    }
}
