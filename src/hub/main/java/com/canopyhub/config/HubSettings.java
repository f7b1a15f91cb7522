package com.canopyhub.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The hub's settings: every {@code hub.*} key is declared once, with its default, description and validation, as a
 * constant of its group ({@link CoreSettings}, and each module's {@link SettingsGroup}); here they are resolved
 * through Camel's properties component (so environment variables override the properties file) and validated as a
 * whole, so one startup error names every bad key.
 */
public final class HubSettings {

    /**
     * Every settings group the modules on the classpath registered (META-INF/services), in their order; the hub's
     * own ({@link CoreSettings}) come before them all.
     */
    public static final List<SettingsGroup> GROUPS = java.util.ServiceLoader.load(SettingsGroup.class, HubSettings.class.getClassLoader())
            .stream().map(java.util.ServiceLoader.Provider::get).sorted(java.util.Comparator.comparingInt(SettingsGroup::order)).toList();

    /** Every source module the hub has: each declares its settings, its streams and its cross-checks. */
    public static final List<SourceModule> SOURCES = GROUPS.stream().filter(SourceModule.class::isInstance)
            .map(SourceModule.class::cast).toList();

    /** The names of the known sources, in declaration order. */
    public static final Set<String> KNOWN_SOURCES =
            SOURCES.stream().map(SourceModule::source).collect(Collectors.toCollection(java.util.LinkedHashSet::new));

    /** The module of a known source. */
    public static SourceModule module(String source) {
        return SOURCES.stream().filter(m -> m.source().equals(source)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown source '" + source + "'"));
    }

    /** The streams a known source offers, in sync order. */
    public static List<String> streamsOf(String source) {
        return SOURCES.stream().filter(m -> m.source().equals(source)).findFirst().map(SourceModule::streams).orElse(List.of());
    }

    /** Every setting: the hub's own, then each group's. */
    public static final List<Setting> ALL = new Catalog();

    /** Renamed keys still read for one release: old key → new key. */
    public static final Map<String, String> RENAMED = GROUPS.stream().flatMap(g -> g.renamedKeys().entrySet().stream())
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));

    /**
     * Every setting, gathered on first use: the modules' setting constants are initialised in whichever order their
     * classes are first touched, so the catalogue is built once all of them exist.
     */
    private static final class Catalog extends java.util.AbstractList<Setting> {
        private volatile List<Setting> all;

        private List<Setting> all() {
            List<Setting> a = all;
            if (a == null) {
                a = java.util.stream.Stream.concat(CoreSettings.SETTINGS.stream(),
                        GROUPS.stream().flatMap(g -> g.settings().stream())).toList();
                all = a;
            }
            return a;
        }

        @Override
        public Setting get(int index) {
            return all().get(index);
        }

        @Override
        public int size() {
            return all().size();
        }
    }

    private static final class ByKey {
        static final Map<String, Setting> BY_KEY =
            ALL.stream().collect(Collectors.toMap(Setting::key, s -> s, (a, b) -> a, LinkedHashMap::new));
    }

    private final Map<String, String> values;
    private final List<String> warnings;

    private HubSettings(Map<String, String> values, List<String> warnings) {
        this.values = values;
        this.warnings = List.copyOf(warnings);
    }

    /** What startup should warn about: renamed keys still in use. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Resolves and validates every setting.
     *
     * @param lookup  resolves a key to its configured value (properties file, environment, overrides)
     * @param present every {@code hub.*} key found in the property sources, to catch typos
     * @throws ConfigException naming every invalid, missing or unknown key
     */
    public static HubSettings resolve(Function<String, Optional<String>> lookup, Set<String> present) {
        return resolve(lookup, present, Map.of());
    }

    /**
     * As {@link #resolve(Function, Set)}, and checks the process environment too: a {@code HUB_*} variable that
     * is no setting's variable (a typo such as {@code HUB_DISTRU_BASEURL}) is an error, not silently ignored.
     */
    public static HubSettings resolve(Function<String, Optional<String>> lookup, Set<String> present,
                                      Map<String, String> environment) {
        return resolve(lookup, present, environment, Set.of());
    }

    /**
     * As {@link #resolve(Function, Set, Map)}, knowing which keys were given as overrides (--set, a verb's own): where
     * a renamed key and its new name are both set, the one from the stronger place wins (overrides, then environment,
     * then the properties files), so an old environment variable still beats a shipped file's new key.
     */
    public static HubSettings resolve(Function<String, Optional<String>> lookup, Set<String> present,
                                      Map<String, String> environment, Set<String> overridden) {
        List<String> problems = new ArrayList<>();
        Map<String, Setting> byVariable = ALL.stream().collect(Collectors.toMap(Setting::environmentVariable, s -> s));
        Set<String> renamedVariables = RENAMED.keySet().stream().map(Setting::environmentVariableOf).collect(Collectors.toSet());
        environment.keySet().stream().filter(v -> v.startsWith("HUB_") && !byVariable.containsKey(v) && !renamedVariables.contains(v)).sorted()
                .forEach(v -> problems.add(v + ": unknown environment variable (no hub.* setting reads it)"
                        + suggestion(v, byVariable.keySet()).map(m -> "; did you mean " + m + " ("
                        + byVariable.get(m).key() + ")?").orElse("")));
        Map<String, String> values = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Map<String, String> renamedTo = new LinkedHashMap<>();
        RENAMED.forEach((old, now) -> renamedTo.put(now, old));
        for (Setting s : ALL) {
            Optional<String> configured = lookup.apply(s.key());
            String old = renamedTo.get(s.key());
            if (old != null) {
                Optional<String> oldValue = lookup.apply(old);
                boolean oldStronger = oldValue.isPresent() && configured.isPresent()
                        && layer(old, present, environment, overridden) < layer(s.key(), present, environment, overridden);
                if (oldValue.isPresent() && configured.isPresent() && !oldStronger) {
                    warnings.add(old + " (env " + Setting.environmentVariableOf(old) + ") is deprecated and ignored: " + s.key() + " is set too");
                } else if (oldValue.isPresent()) {
                    warnings.add(old + " (env " + Setting.environmentVariableOf(old) + ") is deprecated: rename it " + s.key() + " (env "
                            + s.environmentVariable() + "); it is read for this release only");
                    configured = oldValue;
                }
            }
            String value = configured.map(String::trim).orElse(s.defaultValue());
            values.put(s.key(), value);
            s.validate(value).ifPresent(p -> problems.add(s.key() + ": " + p));
        }
        present.stream().filter(k -> k.startsWith("hub.") && !ByKey.BY_KEY.containsKey(k) && !RENAMED.containsKey(k)).sorted()
                .forEach(k -> problems.add(k + ": unknown key" + suggestion(k, ByKey.BY_KEY.keySet()).map(m -> "; did you mean " + m + "?")
                        .orElse("") + " (see the configuration reference in README.md)"));
        credentialsNeedTheirUrl(values, problems, "hub.reporting.jdbc-url", "hub.reporting.username", "hub.reporting.password");
        values.put("hub.sync.sources", effectiveSources(values.get("hub.sync.sources"), values));
        for (SettingsGroup group : GROUPS) {
            group.crossCheck(values, problems);
        }
        if (problems.stream().noneMatch(p -> p.startsWith("hub.reporting.socket-timeout-seconds")
                || p.startsWith("hub.reporting.statement-timeout-seconds"))
                && Long.parseLong(values.get("hub.reporting.socket-timeout-seconds"))
                <= Long.parseLong(values.get("hub.reporting.statement-timeout-seconds"))) {
            problems.add("hub.reporting.socket-timeout-seconds: must exceed hub.reporting.statement-timeout-seconds ("
                    + values.get("hub.reporting.statement-timeout-seconds") + "), so a slow statement is cancelled by the "
                    + "database with a clear error before the connection is given up");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new HubSettings(values, warnings);
    }

    /** Where a key's value comes from: 0 an override, 1 the environment, 2 a properties file, 3 nowhere. */
    private static int layer(String key, Set<String> present, Map<String, String> environment, Set<String> overridden) {
        if (overridden.contains(key)) {
            return 0;
        }
        if (environment.containsKey(Setting.environmentVariableOf(key))) {
            return 1;
        }
        return present.contains(key) ? 2 : 3;
    }

    /**
     * The sources to sync: as configured, or (empty) every source whose base URL is set, or (none is) every source on
     * its sandbox. So the README's Distru and PostgreSQL variables alone make a Distru-only hub: no other source is
     * started, checked or scheduled.
     */
    static String effectiveSources(String configured, Map<String, String> values) {
        if (!configured.isBlank()) {
            return configured;
        }
        List<String> withUrl = SOURCES.stream().filter(m -> !values.getOrDefault(m.baseUrlKey(), "").isEmpty())
                .map(SourceModule::source).toList();
        return String.join(",", withUrl.isEmpty() ? List.copyOf(KNOWN_SOURCES) : withUrl);
    }

    /**
     * Credentials without the URL they are for mean the operator meant to connect somewhere real; carrying on with
     * the sandbox or the embedded database would look like success. Both keys are named.
     */
    public static void credentialsNeedTheirUrl(Map<String, String> values, List<String> problems, String urlKey,
                                                String... credentialKeys) {
        if (!values.get(urlKey).isEmpty()) {
            return;
        }
        for (String key : credentialKeys) {
            if (!values.get(key).isEmpty()) {
                problems.add(key + ": set, but " + urlKey + " is empty, so it would not be used (env "
                        + find(key).orElseThrow().environmentVariable() + " without " + find(urlKey).orElseThrow().environmentVariable()
                        + "); set " + urlKey + " too, or remove " + key);
            }
        }
    }

    /**
     * The sandbox-safety rule of a source: with an external database (hub.reporting.jdbc-url) its built-in sandbox
     * must not feed it by accident: an empty {@code hub.<source>.base-url} fails startup unless
     * {@code hub.<source>.sandbox=true}; and that switch with a base URL set is a contradiction.
     */
    public static void sandboxGuard(Map<String, String> values, List<String> problems, String source, String display,
                                    String... credentialKeys) {
        String baseUrl = "hub." + source + ".base-url";
        String sandbox = "hub." + source + ".sandbox";
        if (values.get(baseUrl).isEmpty() && !values.get("hub.reporting.jdbc-url").isEmpty()
                && !"true".equals(values.get(sandbox))
                && problems.stream().noneMatch(p -> p.startsWith("hub.reporting.jdbc-url"))) {
            // the sandbox's generated rows and cursors would look like real data there
            List<String> keys = new ArrayList<>(List.of(baseUrl));
            keys.addAll(List.of(credentialKeys));
            problems.add(baseUrl + ": empty, so the built-in " + display + " sandbox would write generated data into the "
                    + "external database of hub.reporting.jdbc-url. Set " + String.join(" and ", keys) + " (env "
                    + String.join(", ", keys.stream().map(k -> find(k).orElseThrow().environmentVariable()).toList())
                    + ") to sync real " + display + ", leave " + source + " out of hub.sync.sources (env HUB_SYNC_SOURCES; by default "
                    + "only sources with a base URL sync when any has one), or " + sandbox + "=true to feed that database from "
                    + "the sandbox on purpose");
        }
        if ("true".equals(values.get(sandbox)) && !values.get(baseUrl).isEmpty()) {
            problems.add(sandbox + ": true, but " + baseUrl + " is set: the hub would sync real " + display + ", not "
                    + "the sandbox; remove one of them");
        }
    }

    /**
     * The known name closest to a misspelt one: equal once case, dots, dashes and underscores are ignored
     * (BASEURL for BASE_URL), or within a small edit distance.
     */
    public static Optional<String> suggestion(String unknownKey) {
        return suggestion(unknownKey, ByKey.BY_KEY.keySet());
    }

    /** The name among {@code known} closest to {@code unknown} (a bean, a stream), if one is close. */
    public static Optional<String> closest(String unknown, Collection<String> known) {
        return suggestion(unknown, known);
    }

    static Optional<String> suggestion(String unknown, Collection<String> known) {
        String bare = bare(unknown);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = bare(k).equals(bare) ? 0 : editDistance(unknown.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(2, unknown.length() / 5) ? Optional.of(best) : Optional.empty();
    }

    private static String bare(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[._-]", "");
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    public static Optional<Setting> find(String key) {
        return Optional.ofNullable(ByKey.BY_KEY.get(key));
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("Undeclared setting " + key);
        }
        return v;
    }

    /** The value of a declared setting (a module's constant, e.g. {@code DistruSettings.BASE_URL}). */
    public String get(Setting setting) {
        return get(setting.key());
    }

    public int getInt(Setting setting) {
        return getInt(setting.key());
    }

    public long getLong(Setting setting) {
        return getLong(setting.key());
    }

    public double getDouble(Setting setting) {
        return getDouble(setting.key());
    }

    public boolean getBoolean(Setting setting) {
        return getBoolean(setting.key());
    }

    /** A setting in milliseconds, as a duration. */
    public Duration getMillis(Setting setting) {
        return getMillis(setting.key());
    }

    /** A setting in the hub's duration notation (30s, 12h, 5d), as a duration. */
    public Duration getDuration(Setting setting) {
        return Durations.parse(get(setting)).orElseThrow(() -> new IllegalStateException(setting.key() + " is not a duration"));
    }

    public List<String> getList(Setting setting) {
        return getList(setting.key());
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public long getLong(String key) {
        return Long.parseLong(get(key));
    }

    public double getDouble(String key) {
        return Double.parseDouble(get(key));
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    public Duration getMillis(String key) {
        return Duration.ofMillis(getLong(key));
    }

    public List<String> getList(String key) {
        return splitList(get(key));
    }

    /** Every value with secrets masked (passwords inside URLs too), for `check-config` and startup logs. */
    public Map<String, String> printable() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting s : ALL) {
            String v = values.get(s.key());
            out.put(s.key(), s.secret() && !v.isEmpty() ? "****" : SecretRedactor.maskPatterns(v));
        }
        return out;
    }

    public static List<String> splitList(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    public static Setting setting(String key, String def, String description, Function<String, Optional<String>> validator) {
        return new Setting(key, def, false, description, validator);
    }

    public static Setting secret(String key, String def, String description) {
        return new Setting(key, def, true, description, HubSettings::any);
    }

    public static Optional<String> any(String v) {
        return Optional.empty();
    }

    public static Optional<String> nonBlank(String v) {
        return v.isBlank() ? Optional.of("must not be empty") : Optional.empty();
    }

    /** One of the given values, as written. */
    public static java.util.function.Function<String, Optional<String>> oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return v -> values.contains(v) ? Optional.empty() : Optional.of("'" + v + "' is not one of " + String.join(", ", values));
    }

    /** A duration such as 500ms, 5s, 1m, 1h30m, 5d. */
    public static Optional<String> duration(String v) {
        return Durations.parse(v).isPresent() ? Optional.empty()
                : Optional.of("'" + v + "' is not a duration such as 30s, 1m, 12h or 5d");
    }

    public static Optional<String> bool(String v) {
        return v.equals("true") || v.equals("false") ? Optional.empty() : Optional.of("'" + v + "' is not true or false");
    }

    public static Optional<String> unknownOf(String v, Set<String> known, String what) {
        List<String> items = splitList(v);
        if (items.isEmpty()) {
            return Optional.of("at least one " + what + " is required");
        }
        List<String> unknown = items.stream().filter(i -> !known.contains(i)).toList();
        return unknown.isEmpty() ? Optional.empty()
                : Optional.of("unknown " + what + " " + unknown + " (known: " + known.stream().sorted().toList() + ")");
    }

    public static Optional<String> longBetween(String v, long min, long max) {
        try {
            long l = Long.parseLong(v);
            return l < min || l > max ? Optional.of(l + " is outside " + min + ".." + max) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of("'" + v + "' is not a whole number");
        }
    }

    public static Optional<String> decimalBetween(String v, double min, double max) {
        try {
            double d = Double.parseDouble(v);
            return d < min || d > max ? Optional.of(v + " is outside " + min + ".." + max) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of("'" + v + "' is not a number");
        }
    }

    public static Optional<String> optionalHttpUrl(String v) {
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(v);
            if (!uri.isAbsolute() || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                return Optional.of("'" + v + "' is not an absolute http(s) URL with a host");
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of("'" + v + "' is not a valid URL");
        }
    }

    public static Optional<String> optionalJdbcUrl(String v) {
        return v.isEmpty() || v.startsWith("jdbc:postgresql:") ? Optional.empty()
                : Optional.of("'" + v + "' is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
    }

    public static Optional<String> cron(String v) {
        return org.quartz.CronExpression.isValidExpression(v) ? Optional.empty()
                : Optional.of("'" + v + "' is not a valid Quartz cron expression (e.g. 0 0/5 * * * ?)");
    }
}
