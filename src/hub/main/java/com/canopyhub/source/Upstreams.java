package com.canopyhub.source;

import java.net.URI;
import java.util.Locale;

/** How cursors name the upstream they were read from. */
public final class Upstreams {

    private Upstreams() {
    }

    /**
     * Which upstream a base URL names: scheme, host, port and path, lower-cased host, no trailing slash, never user
     * info or query (so never a credential).
     */
    public static String identity(String baseUrl) {
        URI u = URI.create(baseUrl);
        String path = u.getPath() == null ? "" : u.getPath().replaceAll("/+$", "");
        return u.getScheme() + "://" + u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() > 0 ? ":" + u.getPort() : "") + path;
    }
}
