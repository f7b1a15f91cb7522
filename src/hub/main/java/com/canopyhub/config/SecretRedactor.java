package com.canopyhub.config;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it is printed, logged or stored: the configured secret values (API keys,
 * passwords), bearer tokens, webhook signing secrets, and passwords inside URLs (user info and query parameters), wherever they come from.
 */
public final class SecretRedactor {

    private static final String MASK = "****";
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',;]+");
    /** {@code scheme://user:password@host}: the password goes, the user stays (it helps to see who connected). */
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/\\s:@?#]*:)[^@\\s/?#]+(@)");
    /** {@code ?password=…}, {@code &api_key=…}, also {@code ;password=…} (JDBC) and the usual spellings. */
    private static final Pattern URL_PARAMETER = Pattern.compile(
            "(?i)([?&;](?:password|passwd|pwd|pass|secret|token|access[_-]?token|api[_-]?key|apikey|sslpassword)=)[^&;\\s\"'#]+");

    /** Webhook signing secrets ({@code whsec_…}), wherever they appear. */
    private static final Pattern WEBHOOK_SECRET = Pattern.compile("whsec_[A-Za-z0-9+/=]+");

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
        return maskPatterns(out);
    }

    /**
     * Masks what looks like a secret whatever its value: bearer tokens and passwords in URLs. Used where the
     * configured secrets are not known (the log encoder, echoes of invalid settings).
     */
    public static String maskPatterns(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = BEARER.matcher(text).replaceAll("$1" + MASK);
        out = URL_USERINFO.matcher(out).replaceAll("$1" + MASK + "$2");
        out = WEBHOOK_SECRET.matcher(out).replaceAll("whsec_" + MASK);
        return URL_PARAMETER.matcher(out).replaceAll("$1" + MASK);
    }
}
