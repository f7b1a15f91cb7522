package com.canopyhub.config;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The built-in sandboxes on the classpath, and the ones this hub started. The README's run command, the tests and
 * {@code bench} add the sandbox module; the production jar and the Docker image do not, so there a source or
 * marketplace with an empty base URL fails startup with {@link #start}'s error, naming the setting.
 */
public final class Sandboxes {

    /**
     * A started sandbox.
     *
     * @param baseUrl     where it listens
     * @param credentials what the hub authenticates with (names as the provider documents them: api-key, token, ...)
     * @param identity    the upstream identity cursors remember (so a real upstream later starts from the beginning)
     * @param instance    the simulator itself, closed with the hub, bound in Camel's registry for tests and the bench
     */
    public record Started(String baseUrl, Map<String, String> credentials, String identity, AutoCloseable instance) {

        public String credential(String name) {
            String v = credentials.get(name);
            if (v == null) {
                throw new IllegalStateException("the " + identity + " sandbox has no credential '" + name + "'");
            }
            return v;
        }
    }

    private final Map<String, SandboxProvider> providers = new LinkedHashMap<>();
    private final Map<String, Started> started = new LinkedHashMap<>();

    private Sandboxes(Iterable<SandboxProvider> found) {
        found.forEach(p -> providers.putIfAbsent(p.upstream(), p));
    }

    /** The sandboxes the modules on the classpath contribute (none in the production artifact). */
    public static Sandboxes installed() {
        return of(ServiceLoader.load(SandboxProvider.class, Sandboxes.class.getClassLoader()));
    }

    /** These sandboxes only (none: as in the production artifact). */
    static Sandboxes of(Iterable<SandboxProvider> providers) {
        return new Sandboxes(providers);
    }

    public boolean has(String upstream) {
        return providers.containsKey(upstream);
    }

    /**
     * Starts the built-in sandbox of {@code upstream}, whose base-URL setting {@code baseUrlKey} is empty.
     *
     * @throws ConfigException naming {@code baseUrlKey} when the sandbox module is not on the classpath
     */
    public synchronized Started start(String upstream, String baseUrlKey, HubSettings settings, Clock clock) throws Exception {
        require(upstream, baseUrlKey);
        SandboxProvider provider = providers.get(upstream);
        Started s = provider.start(settings, clock, this);
        started.put(upstream, s);
        return s;
    }

    /**
     * Fails, naming {@code baseUrlKey}, when the sandbox of {@code upstream} is needed (its base URL is empty) but not
     * installed: checked before anything opens, so the production jar says what to set instead of starting a database.
     */
    public void require(String upstream, String baseUrlKey) {
        if (!providers.containsKey(upstream)) {
            throw new ConfigException(java.util.List.of(baseUrlKey + ": needs the built-in " + upstream
                    + " sandbox, which this build does not have (the sandbox module, canopy-hub-sandbox, is not on the classpath: "
                    + "the production jar and image leave it out). Set " + baseUrlKey + " (env " + HubSettings.find(baseUrlKey)
                    .map(Setting::environmentVariable).orElse(baseUrlKey) + ") and its credentials, or run from the "
                    + "project with the README's command, which adds the sandboxes"));
        }
    }

    /** A sandbox this hub already started. */
    public synchronized Optional<Started> running(String upstream) {
        return Optional.ofNullable(started.get(upstream));
    }
}
