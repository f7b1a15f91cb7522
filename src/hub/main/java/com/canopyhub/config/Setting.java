package com.canopyhub.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * One configuration key, declared once: its name, default, meaning and validation. Startup
 * validation and the README's config reference both come from these declarations.
 *
 * @param key         the {@code hub.*} property key (environment override: upper-case, dots and dashes to underscores)
 * @param defaultValue value used when the key is absent; empty string means "unset"
 * @param secret      true when the value must never be printed
 * @param description one line: why the key exists and what its default means
 * @param validator   returns an error message for a bad value, or empty when the value is acceptable
 */
public record Setting(String key, String defaultValue, boolean secret, String description,
                      Function<String, Optional<String>> validator) {

    /** A setting whose value may be shown. */
    public static Setting of(String key, String defaultValue, String description,
                             java.util.function.Function<String, Optional<String>> validator) {
        return new Setting(key, defaultValue, false, description, validator);
    }

    /** A setting whose value is never printed (keys, passwords, tokens). */
    public static Setting secretOf(String key, String defaultValue, String description) {
        return new Setting(key, defaultValue, true, description, v -> Optional.empty());
    }

    public String environmentVariable() {
        return environmentVariableOf(key);
    }

    /** The environment variable of a key: upper-case, dots and dashes to underscores ({@code HUB_DISTRU_BASE_URL}). */
    public static String environmentVariableOf(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> validate(String value) {
        return validator.apply(value);
    }
}
