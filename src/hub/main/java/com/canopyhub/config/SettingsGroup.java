package com.canopyhub.config;

import java.util.List;
import java.util.Map;

/**
 * A module's group of settings: its keys (each with default, description, validation; secrets marked) and the
 * checks that span several of them. Modules register their group themselves (META-INF/services), so this package
 * knows no module: {@link HubSettings} gathers every registered group into one validated whole and one
 * configuration reference, in {@link #order()}.
 */
public interface SettingsGroup {

    List<Setting> settings();

    /** Where the group's keys come in the configuration reference (the hub's own come first). */
    int order();

    /**
     * Keys renamed in this group, old → new: the old key (and its environment variable) is still read for one
     * release, with a warning naming the new one; the new key wins when both are set.
     */
    default Map<String, String> renamedKeys() {
        return Map.of();
    }

    /**
     * Adds a problem for every combination of values that cannot work (e.g. a base URL without its key). Runs
     * after each key was validated on its own; {@code problems} holds what was found so far.
     */
    default void crossCheck(Map<String, String> values, List<String> problems) {
    }
}
