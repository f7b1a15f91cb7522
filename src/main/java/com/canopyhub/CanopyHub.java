package com.canopyhub;

import com.canopyhub.bench.Benchmark;
import com.canopyhub.config.ConfigException;
import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Setting;
import com.canopyhub.sync.SyncReport;
import com.canopyhub.sync.SyncRequest;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The hub's command line: {@code run} (default), {@code sync --once}, {@code check-config}, {@code bench}. */
@Command(name = "canopy-hub", mixinStandardHelpOptions = true, version = "Canopy Hub 0.1.0",
        description = "Syncs Distru (and later Metrc, OriginTrace) into the canonical model and its sinks.",
        subcommands = {CanopyHub.Run.class, CanopyHub.Sync.class, CanopyHub.CheckConfig.class, Benchmark.class,
                CanopyHub.ConfigReference.class})
public class CanopyHub implements Callable<Integer> {

    /** Options every verb shares. */
    public static class Common {
        @Option(names = "--config-dir", defaultValue = "config", description = "Folder with application.properties (default: ${DEFAULT-VALUE}).")
        public Path configDir;

        @Option(names = "--profile", description = "Also load application-PROFILE.properties, e.g. dev (hot reload of routes/).")
        public String profile;

        @Option(names = {"-s", "--set"}, description = "Override a property: --set hub.sandbox.records=500 (repeatable).")
        public Map<String, String> overrides = new LinkedHashMap<>();

        /** Starts the hub for a one-off verb: schedules stay off. */
        HubRuntime startWithoutSchedules() throws Exception {
            return startWithoutSchedules(Map.of());
        }

        HubRuntime startWithoutSchedules(Map<String, Object> beans) throws Exception {
            Map<String, String> all = new LinkedHashMap<>(overrides);
            all.put("hub.schedule.enabled", "false");
            return HubRuntime.start(configDir, profile, all, beans);
        }
    }

    public static void main(String... args) {
        int code = new CommandLine(new CanopyHub())
                .setExecutionExceptionHandler((e, cmd, parse) -> {
                    Throwable config = configProblem(e);
                    cmd.getErr().println(config != null ? config.getMessage() : "canopy-hub: " + e);
                    if (config == null && Boolean.getBoolean("hub.debug")) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return config != null ? 2 : 1;
                })
                .execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        return new Run().call();
    }

    /** A {@link ConfigException} anywhere in the chain (Camel wraps startup failures). */
    static Throwable configProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException) {
                return t;
            }
        }
        return null;
    }

    @Command(name = "run", description = "Run the hub: scheduled syncs stay active until stopped (the default verb).")
    static class Run implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws Exception {
            HubRuntime hub = HubRuntime.start(common.configDir, common.profile, common.overrides, Map.of());
            hub.awaitShutdown();
            return 0;
        }
    }

    @Command(name = "sync", description = "Run one sync pass, print its summary and exit (0 only if nothing failed).")
    static class Sync implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--once", required = true, description = "One pass, then exit.")
        boolean once;

        @Option(names = "--source", defaultValue = "distru", description = "Source to sync (default: ${DEFAULT-VALUE}).")
        String source;

        @Option(names = "--entity", split = ",", description = "Entities to sync (default: all configured), e.g. products,packages.")
        List<String> entities = new ArrayList<>();

        @Option(names = "--full", description = "Ignore cursors and re-read everything (unchanged records are still not rewritten).")
        boolean full;

        @Override
        public Integer call() throws Exception {
            try (HubRuntime hub = common.startWithoutSchedules()) {
                SyncReport report = hub.sync(new SyncRequest(source, entities, full, "cli"));
                System.out.println(report.table());
                return report.ok() ? 0 : 1;
            }
        }
    }

    @Command(name = "check-config", description = "Validate the configuration and check that the database and upstreams answer.")
    static class CheckConfig implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws Exception {
            try (HubRuntime hub = common.startWithoutSchedules(Map.of(HubConfiguration.CHECK_ONLY_BEAN, Boolean.TRUE))) {
                HubSettings settings = hub.bean("hubSettings", HubSettings.class);
                settings.printable().forEach((k, v) -> System.out.println(k + " = " + v));
                boolean ok = true;
                try (Connection c = hub.bean("hubDataSource", javax.sql.DataSource.class).getConnection()) {
                    System.out.println("reporting database: OK (" + c.getMetaData().getDatabaseProductVersion() + ")");
                } catch (Exception e) {
                    ok = false;
                    System.out.println("reporting database: FAILED " + e.getMessage());
                }
                String url = settings.get("hub.distru.base-url");
                if (url.isEmpty()) {
                    System.out.println("distru: built-in sandbox");
                } else {
                    try {
                        HttpURLConnection conn = (HttpURLConnection) URI.create(url).toURL().openConnection();
                        conn.setConnectTimeout((int) settings.getLong("hub.distru.connect-timeout-ms"));
                        conn.setReadTimeout((int) settings.getLong("hub.distru.read-timeout-ms"));
                        System.out.println("distru: reachable (HTTP " + conn.getResponseCode() + " from " + url + ")");
                    } catch (Exception e) {
                        ok = false;
                        System.out.println("distru: UNREACHABLE " + url + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
                    }
                }
                System.out.println(ok ? "configuration OK" : "configuration has problems");
                return ok ? 0 : 1;
            }
        }
    }

    @Command(name = "config-reference", description = "Print the configuration reference (every hub.* key) as Markdown.")
    static class ConfigReference implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println(markdownReference());
            return 0;
        }
    }

    /** The configuration reference table; README.md embeds its output, and a test keeps them equal. */
    public static String markdownReference() {
        StringBuilder sb = new StringBuilder("| key | environment variable | default | meaning |\n|---|---|---|---|\n");
        for (Setting s : HubSettings.ALL) {
            sb.append("| `").append(s.key()).append("` | `").append(s.environmentVariable()).append("` | ")
                    .append(s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`").append(" | ")
                    .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
