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
    String streamsKey();

    /**
     * Adds a problem for every combination of values that cannot work (e.g. a base URL without its key). Runs
     * after each key was validated on its own; {@code problems} holds what was found so far.
     */
    @Override
    default void crossCheck(Map<String, String> values, List<String> problems) {
    }

    /** The source's base URL (empty: its built-in sandbox); a set one makes the source sync by default. */
    Setting baseUrl();

    /** The Quartz cron of its scheduled passes. */
    Setting schedule();

    /** How long a connection to it may take, and an answer (check-config uses them too). */
    Setting connectTimeout();

    Setting readTimeout();

    /** The key of {@link #baseUrl()}. */
    default String baseUrlKey() {
        return baseUrl().key();
    }

    /** Whether the source is configured to sync ({@code hub.sync.sources} lists it). */
    default boolean enabled(Map<String, String> values) {
        return HubSettings.splitList(values.get("hub.sync.sources")).contains(source());
    }
}
