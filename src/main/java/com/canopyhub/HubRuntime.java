package com.canopyhub;

import com.canopyhub.sync.SyncReport;
import com.canopyhub.sync.SyncRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import sun.misc.Signal;

/**
 * One running hub: a camel-main application with the routes of {@code routes/}, the config of
 * {@code config/application.properties} (plus a profile's file and overrides), and {@link HubConfiguration}.
 * Used by the command line and by the end-to-end tests alike.
 */
public final class HubRuntime implements AutoCloseable {

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
        beans.forEach(main::bind);
        HubRuntime runtime = new HubRuntime(main);
        main.start();
        return runtime;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** Runs one sync pass through the source's sync route and returns its report. */
    public SyncReport sync(SyncRequest request) {
        if (template == null) {
            template = context().createProducerTemplate();
        }
        return template.requestBody("direct:" + request.source() + "-sync", request, SyncReport.class);
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    /**
     * Blocks until SIGTERM or Ctrl-C, then stops the hub gracefully (the page in flight finishes, its cursor
     * stays consistent) before the JVM exits. The signals are handled here rather than in a shutdown hook:
     * hooks run concurrently, and the embedded PostgreSQL's own hook would stop the database under the page.
     */
    public void awaitShutdown() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            try {
                close();
            } finally {
                stopped.countDown();
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> new Thread(stop, "canopy-hub-stop").start());
        }
        stopped.await();
    }

    @Override
    public void close() {
        main.stop();
    }
}
