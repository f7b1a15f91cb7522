package com.canopyhub.config;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** Removes secret values (API keys, passwords, bearer tokens) from text before it is logged or stored. */
public final class SecretRedactor {

    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',;]+");
    private static final String MASK = "****";
    private final List<String> secrets;

    public SecretRedactor(Collection<String> secrets) {
        // longest first, so a secret containing another is masked whole
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4)
                .sorted((a, b) -> b.length() - a.length()).toList();
    }

    public static SecretRedactor of(HubSettings settings) {
        return new SecretRedactor(HubSettings.ALL.stream().filter(Setting::secret).map(s -> settings.get(s.key())).toList());
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASK);
        }
        return BEARER.matcher(out).replaceAll("$1" + MASK);
    }
}
