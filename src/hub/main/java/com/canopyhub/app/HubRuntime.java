package com.canopyhub.app;

import com.canopyhub.engine.run.PassSchedule;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * One running hub: a camel-main application with the routes of {@code routes/}, the config of
 * {@code config/application.properties} (plus a profile's file and overrides), and {@link HubConfiguration}.
 * Used by the command line and by the end-to-end tests alike.
 */
public final class HubRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubRuntime.class);

    private final Main main;
    private ProducerTemplate template;

    private HubRuntime(Main main) {
        this.main = main;
    }

    /**
     * Starts the hub.
     *
     * @param configDir folder holding application.properties (and application-PROFILE.properties)
     * @param profile   optional profile name, e.g. {@code dev}; null for none
     * @param overrides properties that win over the files and the environment (tests, command-line flags)
     * @param beans     beans bound before wiring, e.g. a test clock under {@link HubConfiguration#CLOCK_BEAN}
     */
    /**
     * The overrides of every verb but {@code run}: no HTTP server (only {@code run} owns hub.http.port, so a one-off
     * sync, status or bench never takes the port from, or fails on, a running hub). hub.http.enabled keeps its
     * configured value (check-config prints it as configured).
     */
    public static final Map<String, String> NO_HTTP_SERVER = Map.of("camel.server.enabled", "false");

    public static HubRuntime start(Path configDir, String profile, Map<String, String> overrides, Map<String, Object> beans)
            throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(HubConfiguration.class);
        String locations = "file:" + configDir.resolve("application.properties");
        if (profile != null && !profile.isBlank()) {
            Path profileFile = configDir.resolve("application-" + profile + ".properties");
            if (!Files.exists(profileFile)) {
                throw new IllegalArgumentException("Profile '" + profile + "' has no " + profileFile);
            }
            // the first location that defines a key wins: the profile's file goes first
            locations = "file:" + profileFile + "," + locations;
        }
        main.setPropertyPlaceholderLocations(locations);
        overrides.forEach(main::addOverrideProperty);
        // the hub's settings read these first: Camel's own lookup lets a HUB_* environment variable win over them
        main.bind(HubConfiguration.OVERRIDES_BEAN, Map.copyOf(overrides));
        beans.forEach(main::bind);
        HubRuntime runtime = new HubRuntime(main);
        main.start();
        return runtime;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** Runs one sync pass of a source through the sync engine's pass route and returns its report. */
    public SyncReport sync(SyncRequest request) {
        if (template == null) {
            template = context().createProducerTemplate();
        }
        return template.requestBody("direct:sync-pass", request, SyncReport.class);
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    /** Asks running passes to end after the page in flight (their runs become INTERRUPTED); the hub stays up. */
    public void requestStop() {
        AtomicBoolean flag = bean(HubConfiguration.STOP_FLAG_BEAN, AtomicBoolean.class);
        if (flag != null) {
            flag.set(true);
        }
    }

    /**
     * Calls {@code handler} with the signal's name (TERM, INT) on SIGTERM and Ctrl-C, each time on a thread of its
     * own. The signals are handled here rather than in a shutdown hook: hooks run concurrently, and the embedded
     * PostgreSQL's own hook would stop the database under the page in flight.
     */
    public static void onStopSignals(Consumer<String> handler) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> new Thread(() -> handler.accept(signal.getName()), "canopy-hub-stop").start());
        }
    }

    /** Whatever state the hub is in, a stop signal ends the process within this (docker stop waits 10 s, then kills). */
    static final java.time.Duration STOP_BUDGET = java.time.Duration.ofSeconds(9);

    /**
     * After a stop signal: if the process still runs when the budget is spent (a database that does not answer, an
     * HTTP call that hangs), it says so and exits with the signal's status. Everything the hub owns survives that
     * (cursors move only after the sinks committed; unknown outcomes are settled at the next start).
     */
    public static void exitIfStillRunningAfterStopBudget(String signal) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(STOP_BUDGET.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            LOG.error("Still stopping {} s after SIG{}: exiting now; the next start resumes where this one stopped",
                    STOP_BUDGET.toSeconds(), signal);
            Runtime.getRuntime().halt(exitStatusOf(signal));
        }, "canopy-hub-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** The exit status of a process a signal stopped: 128 + the signal's number (SIGINT 130, SIGTERM 143). */
    public static int exitStatusOf(String signal) {
        return "INT".equals(signal) ? 130 : 143;
    }

    /**
     * Says what the hub will do, then blocks until SIGTERM or Ctrl-C and stops the hub gracefully (the page in
     * flight finishes, its cursor stays consistent) before the JVM exits, saying so.
     */
    public void awaitShutdown() throws InterruptedException {
        long started = System.nanoTime();
        PassSchedule schedule = bean("passSchedule", PassSchedule.class);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<String> by = new AtomicReference<>();
        onStopSignals(signal -> {
            if (by.compareAndSet(null, signal)) {
                LOG.info("SIG{} received: finishing the page in flight, then stopping", signal);
                exitIfStillRunningAfterStopBudget(signal);
                try {
                    close();
                } finally {
                    stopped.countDown();
                }
            }
        });
        // only now: an operator (or a script) who sees this line may stop the hub, and the signal is handled
        LOG.info("Canopy Hub running: {}. Ctrl-C or SIGTERM stops it.", schedule == null ? "no schedules" : schedule.describe());
        stopped.await();
        LOG.info("Canopy Hub stopped (SIG{}) after {} s", by.get(), (System.nanoTime() - started) / 1_000_000_000L);
    }

    @Override
    public void close() {
        main.stop();
    }
}
