package com.canopyhub.app;

import com.canopyhub.config.CoreSettings;

import com.canopyhub.config.ConfigException;
import com.canopyhub.config.HubSettings;
import com.canopyhub.config.SecretRedactor;
import com.canopyhub.config.Setting;
import com.canopyhub.db.HubDatabase;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncRequest;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The hub's command line: {@code run} (the default verb), {@code sync --once}, {@code status}, {@code webhooks}, {@code check-config},
 * {@code bench}, {@code config-reference}, {@code help}. Usage errors (unknown verb, option, source or stream) exit 2
 * before anything starts.
 */
@Command(name = "canopy-hub", mixinStandardHelpOptions = true, version = "Canopy Hub 0.1.0",
        description = "Syncs its sources (Distru, Metrc) into the canonical model and delivers the changes. "
                + "Without a verb: run.",
        subcommands = {CanopyHub.Run.class, CanopyHub.Sync.class, CanopyHub.Backfill.class, StatusCommand.class, DeadLettersCommand.class,
                WebhooksCommand.class, FeedCommand.class, CanopyHub.CheckConfig.class,
                CanopyHub.ConfigReference.class, CommandLine.HelpCommand.class})
public class CanopyHub implements Callable<Integer> {

    /** Options of the top-level command itself; anything else before a verb means `run`. */
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    /** Options every verb shares. */
    public static class Common {
        @Option(names = "--config-dir", defaultValue = "config", description = "Folder with application.properties (default: ${DEFAULT-VALUE}).")
        public Path configDir;

        @Option(names = "--profile", description = "Also load application-PROFILE.properties, e.g. dev (hot reload of routes/).")
        public String profile;

        @Option(names = {"-s", "--set"}, description = "Override a property: --set hub.sandbox.records=500 (repeatable).")
        public Map<String, String> overrides = new LinkedHashMap<>();

        /**
         * The --set overrides, checked: a key outside hub.* and camel.* would be read by nothing, so it is an error
         * (unknown hub.* keys are caught with the rest of the settings, with a suggestion).
         */
        public Map<String, String> checkedOverrides() {
            List<String> problems = overrides.keySet().stream().filter(k -> !k.startsWith("hub.") && !k.startsWith("camel."))
                    .map(k -> k + ": unknown key given with --set (hub settings start with hub., Camel's with camel.)"
                            + HubSettings.suggestion("hub." + k).map(m -> "; did you mean " + m + "?").orElse(""))
                    .toList();
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return overrides;
        }

        HubRuntime start() throws Exception {
            return HubRuntime.start(configDir, profile, checkedOverrides(), Map.of());
        }

        /** Starts the hub for a one-off verb: schedules stay off. */
        HubRuntime startWithoutSchedules() throws Exception {
            return startWithoutSchedules(Map.of());
        }

        HubRuntime startWithoutSchedules(Map<String, Object> beans) throws Exception {
            Map<String, String> all = new LinkedHashMap<>(checkedOverrides());
            all.put("hub.schedule.enabled", "false");
            all.putAll(HubRuntime.NO_HTTP_SERVER);
            return HubRuntime.start(configDir, profile, all, beans);
        }

        /**
         * Starts the hub for an operations verb (webhooks ...): no schedules, and no HTTP port, so it runs beside a
         * hub that has it.
         */
        HubRuntime startForOperations() throws Exception {
            Map<String, String> all = new LinkedHashMap<>(checkedOverrides());
            all.put("hub.schedule.enabled", "false");
            all.putAll(HubRuntime.NO_HTTP_SERVER);
            return HubRuntime.start(configDir, profile, all, Map.of());
        }

        /**
         * Starts the hub to look only (check-config, status): no route starts, nothing is migrated or closed, no HTTP
         * port, and the settings read as configured (hub.schedule.enabled included).
         */
        HubRuntime startToLook() throws Exception {
            Map<String, String> all = new LinkedHashMap<>(checkedOverrides());
            all.put("camel.main.auto-startup", "false");
            all.putAll(HubRuntime.NO_HTTP_SERVER);
            return HubRuntime.start(configDir, profile, all, Map.of(HubConfiguration.CHECK_ONLY_BEAN, Boolean.TRUE));
        }
    }

    public static void main(String... args) {
        System.exit(execute(withDefaultVerb(args)));
    }

    /** No verb (or only options such as --profile dev) means `run`, as the README promises. */
    static String[] withDefaultVerb(String... args) {
        if (args.length == 0 || (args[0].startsWith("-") && !TOP_LEVEL_OPTIONS.contains(args[0]))) {
            String[] withRun = new String[args.length + 1];
            withRun[0] = "run";
            System.arraycopy(args, 0, withRun, 1, args.length);
            return withRun;
        }
        return args;
    }

    static int execute(String... args) {
        return commandLine()
                .setExecutionExceptionHandler((e, cmd, parse) -> {
                    Throwable config = configProblem(e);
                    cmd.getErr().println(config != null ? config.getMessage()
                            : "canopy-hub: " + SecretRedactor.maskPatterns(explain(e)) + " (-Dhub.debug=true for the stack trace)");
                    if (config == null && Boolean.getBoolean("hub.debug")) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return config != null ? 2 : 1;
                })
                .execute(args);
    }

    /**
     * The verbs: the hub's own, and those other modules register (META-INF/services/com.canopyhub.app.HubCommand:
     * the sandbox module's {@code bench}). Without that module {@code bench} says where it is.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CanopyHub());
        java.util.ServiceLoader.load(HubCommand.class, CanopyHub.class.getClassLoader()).forEach(cl::addSubcommand);
        if (!cl.getSubcommands().containsKey("bench")) {
            cl.addSubcommand(new BenchNotInstalled());
        }
        return cl;
    }

    /** {@code bench} where the sandbox module (its simulators and data) is not on the classpath: the production jar. */
    @Command(name = "bench", description = "The benchmark: needs the sandbox module (run it from the project, see README).")
    static final class BenchNotInstalled implements Callable<Integer> {
        @picocli.CommandLine.Unmatched
        List<String> ignored;

        @Override
        public Integer call() {
            System.err.println("canopy-hub: bench needs the sandbox module (canopy-hub-sandbox), which the production jar leaves "
                    + "out; from the project run: mvn -q compile exec:exec -Dhub.args=\"bench --records 200000\"");
            return 2;
        }
    }

    @Override
    public Integer call() {
        // reached only through execute() without a verb; main() inserts `run` before that can happen
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /**
     * The message an operator can act on: wrappers that only repeat their cause (Camel's startup exceptions,
     * {@code new RuntimeException(cause)}) are skipped down to the first exception that says something of its own.
     */
    static String explain(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
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

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the hub: scheduled syncs stay active until stopped (the default verb).")
    static class Run implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws Exception {
            HubRuntime hub = common.start();
            hub.awaitShutdown();
            return 0;
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "Run one sync pass, print its summary and exit (0 only if nothing failed, 130/143 if interrupted).")
    static class Sync implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--once", required = true, description = "One pass, then exit.")
        boolean once;

        @Option(names = "--source", description = "Source to sync (default: every source of hub.sync.sources, one after the other); "
                + "only that source is started and checked.")
        String source;

        @Option(names = {"--stream", "--entity"}, split = ",", description = "Streams to sync (default: all configured), e.g. products,packages; "
                + "each source syncs those it has. (--entity: the former name, read for this release with a warning.)")
        List<String> streams = new ArrayList<>();

        @Option(names = "--full", description = "Ignore cursors and re-read everything (unchanged records are still not rewritten).")
        boolean full;

        @Option(names = "--reset", description = "Forget the cursors of the streams synced first: they read from the source's start "
                + "from now on (the admin API's reset).")
        boolean reset;

        @Override
        public Integer call() throws Exception {
            if (spec.commandLine().getParseResult().originalArgs().stream().anyMatch(a -> a.equals("--entity") || a.startsWith("--entity="))) {
                System.err.println("canopy-hub: --entity is deprecated: use --stream (read for this release only)");
            }
            checkSourceAndStreams(spec, source, streams);
            if (source != null) {
                // this invocation syncs that source only: the others are neither started nor checked
                common.overrides.put("hub.sync.sources", source);
            }
            try (HubRuntime hub = common.startWithoutSchedules()) {
                HubSettings settings = hub.bean("hubSettings", HubSettings.class);
                List<String> configuredSources = settings.getList(CoreSettings.SYNC_SOURCES);
                Map<String, List<String>> plan = new LinkedHashMap<>();
                for (String s : source != null ? List.of(source) : configuredSources) {
                    List<String> configured = settings.getList(HubSettings.module(s).streamsKey());
                    List<String> wanted = streams.isEmpty() ? List.of()
                            : streams.stream().filter(configured::contains).toList();
                    if (streams.isEmpty() || !wanted.isEmpty()) {
                        plan.put(s, wanted);
                    }
                }
                List<String> unplaced = streams.stream().filter(e -> plan.values().stream().noneMatch(l -> l.contains(e))).toList();
                if (!unplaced.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--stream " + String.join(",", unplaced)
                            + ": not configured for " + (source != null ? source : "any source of hub.sync.sources") + " ("
                            + String.join("; ", (source != null ? List.of(source) : configuredSources).stream()
                            .map(s -> HubSettings.module(s).streamsKey() + " = " + settings.get(HubSettings.module(s).streamsKey()))
                            .toList()) + ")");
                }
                // Ctrl-C / SIGTERM: the page in flight finishes, its run becomes INTERRUPTED (cursor unmoved), the
                // summary prints and the process exits 130/143; a second signal stops the hub at once
                AtomicReference<String> signalled = new AtomicReference<>();
                HubRuntime.onStopSignals(signal -> {
                    if (signalled.compareAndSet(null, signal)) {
                        System.err.println("SIG" + signal + " received: finishing the page in flight (again to stop at once)");
                        HubRuntime.exitIfStillRunningAfterStopBudget(signal);
                        hub.requestStop();
                    } else {
                        hub.close();
                    }
                });
                if (reset) {
                    com.canopyhub.ops.AdminApi admin = hub.bean("adminApi", com.canopyhub.ops.AdminApi.class);
                    for (Map.Entry<String, List<String>> pass : plan.entrySet()) {
                        List<String> streamsOfPass = pass.getValue().isEmpty()
                                ? settings.getList(HubSettings.module(pass.getKey()).streamsKey()) : pass.getValue();
                        System.out.println(pass.getKey() + ": " + admin.resetCursors(pass.getKey(), streamsOfPass, null)
                                + " cursor(s) reset (" + String.join(", ", streamsOfPass) + ")");
                    }
                }
                boolean ok = true;
                java.time.Instant started = java.time.Instant.now();
                for (Map.Entry<String, List<String>> pass : plan.entrySet()) {
                    if (signalled.get() != null) {
                        break;
                    }
                    SyncReport report = hub.sync(new SyncRequest(pass.getKey(), pass.getValue(), full, "cli"));
                    System.out.println(report.table());
                    ok &= report.ok();
                }
                if (signalled.get() != null) {
                    return HubRuntime.exitStatusOf(signalled.get());
                }
                WebhooksCommand.printSummary(hub, started, signalled);
                for (var sink : hub.context().getRegistry().findByType(com.canopyhub.delivery.marketplace.MarketplaceDelivery.class)) {
                    System.out.println(sink.summary(started));
                }
                return ok ? 0 : 1;
            }
        }
    }

    @Command(name = "backfill", mixinStandardHelpOptions = true,
            description = "Re-read streams from a date: a bounded pass that moves no cursor backwards and marks nothing deleted "
                    + "(unchanged records are not rewritten). Exit 0 only if nothing failed.")
    static class Backfill implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--source", required = true, description = "The source.")
        String source;

        @Option(names = "--stream", required = true, split = ",", description = "Streams to backfill, e.g. products,packages.")
        List<String> streams = new ArrayList<>();

        @Option(names = "--since", required = true, description = "From this date (2026-01-01, UTC) or date-time (2026-01-01T00:00:00Z).")
        String since;

        @Override
        public Integer call() throws Exception {
            checkSourceAndStreams(spec, source, streams);
            java.time.Instant from;
            try {
                from = com.canopyhub.ops.AdminApi.instant(since, "--since");
            } catch (com.canopyhub.ops.AdminApi.Refused e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            common.overrides.put("hub.sync.sources", source);
            try (HubRuntime hub = common.startWithoutSchedules()) {
                SyncReport report = hub.sync(SyncRequest.backfill(source, streams, from, "cli"));
                System.out.println(report.table());
                return report.ok() ? 0 : 1;
            }
        }
    }

    /** Unknown source or stream: a usage error (exit 2) before the hub starts, naming the known ones. */
    static void checkSourceAndStreams(CommandLine.Model.CommandSpec spec, String source, List<String> streams) {
        if (source != null && !HubSettings.KNOWN_SOURCES.contains(source)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--source " + source + ": unknown source (known: "
                    + String.join(", ", HubSettings.KNOWN_SOURCES.stream().sorted().toList()) + ")");
        }
        List<String> sources = source != null ? List.of(source) : List.copyOf(HubSettings.KNOWN_SOURCES);
        List<String> unknown = streams.stream()
                .filter(e -> sources.stream().noneMatch(s -> HubSettings.streamsOf(s).contains(e))).toList();
        if (!unknown.isEmpty()) {
            List<String> known = sources.stream().flatMap(s -> HubSettings.streamsOf(s).stream()).toList();
            String hint = unknown.size() == 1 ? HubSettings.closest(unknown.get(0), known).map(m -> "; did you mean " + m + "?")
                    .orElse("") : "";
            throw new CommandLine.ParameterException(spec.commandLine(), "--stream " + String.join(",", unknown)
                    + ": unknown " + (source != null ? source + " " : "") + "stream" + (unknown.size() == 1 ? "" : "s") + hint
                    + " (known: " + String.join("; ", sources.stream()
                    .map(s -> (sources.size() > 1 ? s + ": " : "") + String.join(", ", HubSettings.streamsOf(s))).toList()) + ")");
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true, description = "Validate the configuration and check that the database and upstreams answer.")
    static class CheckConfig implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws Exception {
            try (HubRuntime hub = common.startToLook()) {
                HubSettings settings = hub.bean("hubSettings", HubSettings.class);
                settings.printable().forEach((k, v) -> System.out.println(k + " = " + v));
                boolean ok = true;
                HubDatabase db = hub.bean("hubDatabase", HubDatabase.class);
                HubDatabase.Probe probe = db.probe();
                if (!probe.reachable()) {
                    ok = false;
                    System.out.println("reporting database: UNREACHABLE " + db.description() + " (" + probe.detail() + ")");
                } else {
                    List<String> pending = db.pendingMigrations();
                    System.out.println("reporting database: OK " + db.description() + " (" + probe.detail() + "); "
                            + (pending.isEmpty() ? "schema up to date"
                            : pending.size() + " pending migration(s), applied by the next run or sync: " + String.join(", ", pending)));
                }
                for (String source : settings.getList(CoreSettings.SYNC_SOURCES)) {
                    ok &= checkUpstream(source, settings);
                    HubSettings.module(source).advice(settings, table -> probe.reachable() ? db.rowCount("reporting." + table) : -1)
                            .forEach(line -> System.out.println(source + ": " + line));
                }
                System.out.println(ok ? "configuration OK" : "configuration has problems");
                return ok ? 0 : 1;
            }
        }
    }

    /**
     * One line per configured source: its built-in sandbox, or whether its base URL answers (any HTTP status means
     * reachable; credentials are checked by the first sync, which says so clearly).
     */
    static boolean checkUpstream(String source, HubSettings settings) {
        String url = settings.get(HubSettings.module(source).baseUrl());
        if (url.isEmpty()) {
            System.out.println(source + ": built-in sandbox");
            return true;
        }
        String shown = SecretRedactor.maskPatterns(url);
        try {
            HttpURLConnection conn = (HttpURLConnection) URI.create(url).toURL().openConnection();
            conn.setConnectTimeout((int) settings.getLong(HubSettings.module(source).connectTimeout()));
            conn.setReadTimeout((int) settings.getLong(HubSettings.module(source).readTimeout()));
            System.out.println(source + ": reachable (HTTP " + conn.getResponseCode() + " from " + shown + ")");
            return true;
        } catch (Exception e) {
            System.out.println(source + ": UNREACHABLE " + shown + " (" + e.getClass().getSimpleName() + ": "
                    + SecretRedactor.maskPatterns(String.valueOf(e.getMessage())) + ")");
            return false;
        }
    }

    @Command(name = "config-reference", mixinStandardHelpOptions = true, description = "Print the configuration reference (every hub.* key) as Markdown.")
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
