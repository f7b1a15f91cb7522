package com.canopyhub.config;

import java.util.List;

/** Invalid configuration: the message names every offending key so an operator can fix all of them at once. */
public class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        this(problems.stream().map(SecretRedactor::maskPatterns).toList(), true);
    }

    private ConfigException(List<String> masked, boolean alreadyMasked) {
        // an invalid value is echoed so the operator sees what was read, but never a password inside it
        super("Invalid configuration:\n  - " + String.join("\n  - ", masked));
        this.problems = List.copyOf(masked);
    }

    public List<String> problems() {
        return problems;
    }
}
