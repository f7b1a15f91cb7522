package com.canopyhub.config;

import java.util.List;
import java.util.Map;

/**
 * A source's settings group: its keys (each with default, description, validation; secrets marked), the streams
 * it offers, and the checks that span several keys. {@link HubSettings} gathers every module's keys into one
 * validated whole and one configuration reference.
 */
public interface SourceModule extends SettingsGroup {

    /** The source's name, as in {@code hub.sync.sources}. */
    String source();

    /** Every stream the source offers, in sync order. */
    List<String> streams();

    /** The key that lists the streams to sync, e.g. {@code hub.distru.streams}. */
    default String streamsKey() {
        return keys().streams().key();
    }

    /**
     * Adds a problem for every combination of values that cannot work (e.g. a base URL without its key). Runs
     * after each key was validated on its own; {@code problems} holds what was found so far.
     */
    @Override
    default void crossCheck(Map<String, String> values, List<String> problems) {
    }

    /**
     * The settings every source has, by role.
     *
     * @param baseUrl        its base URL (empty: its built-in sandbox); a set one makes the source sync by default
     * @param schedule       the Quartz cron of its scheduled passes
     * @param streams        the streams to sync
     * @param connectTimeout how long a connection to it may take (check-config uses it too)
     * @param readTimeout    how long an answer may take
     */
    record Keys(Setting baseUrl, Setting schedule, Setting streams, Setting connectTimeout, Setting readTimeout) {
    }

    Keys keys();

    default Setting baseUrl() {
        return keys().baseUrl();
    }

    default Setting schedule() {
        return keys().schedule();
    }

    default Setting connectTimeout() {
        return keys().connectTimeout();
    }

    default Setting readTimeout() {
        return keys().readTimeout();
    }

    /** The key of {@link #baseUrl()}. */
    default String baseUrlKey() {
        return baseUrl().key();
    }

    /**
     * Advice {@code check-config} prints for this source (e.g. the shortest schedule its request budget allows for
     * the data it holds). {@code storedRows} gives a reporting table's row count, or -1 when the database cannot tell.
     */
    default List<String> advice(HubSettings settings, java.util.function.ToLongFunction<String> storedRows) {
        return List.of();
    }

    /** Whether the source is configured to sync ({@code hub.sync.sources} lists it). */
    default boolean enabled(Map<String, String> values) {
        return HubSettings.splitList(values.get("hub.sync.sources")).contains(source());
    }
}
