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

    /**
     * How every upstream's JSON is read (and a dead letter's stored record read again): decimals exact, as
     * BigDecimal, never through a double.
     */
    public static com.fasterxml.jackson.databind.ObjectMapper json() {
        return com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    /** Runs a wait on a limit (pacing, a budget) and reports it when it took longer than a millisecond. */
    public static void waitOn(String source, UpstreamMeters meters, Runnable wait) {
        long started = System.nanoTime();
        wait.run();
        long waited = System.nanoTime() - started;
        if (waited > 1_000_000L) {
            meters.upstreamWaited(source, java.time.Duration.ofNanos(waited));
        }
    }

    /**
     * The HTTP client every source reads its upstream with: connect, socket and response timeouts, up to
     * {@code connections} pooled connections, and no retries or redirects of its own: the client classifies each
     * answer and the routes' error handler (routes/errors.camel.yaml) owns retrying (HttpClient 5 would otherwise sit
     * out a 429's Retry-After by itself).
     */
    public static org.apache.hc.client5.http.impl.classic.CloseableHttpClient httpClient(java.time.Duration connectTimeout,
                                                                                        java.time.Duration readTimeout, int connections,
                                                                                        String source, UpstreamMeters meters) {
        return org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                // every answer counted by status class (docs/operations.md), whatever the client makes of it
                .addResponseInterceptorLast((response, entity, context) -> meters.upstreamAnswered(source, response.getCode()))
                .setConnectionManager(org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(connections)
                        .setMaxConnPerRoute(connections)
                        .setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                                .setConnectTimeout(org.apache.hc.core5.util.Timeout.of(connectTimeout))
                                .setSocketTimeout(org.apache.hc.core5.util.Timeout.of(readTimeout))
                                .build())
                        .build())
                .setDefaultRequestConfig(org.apache.hc.client5.http.config.RequestConfig.custom()
                        .setResponseTimeout(org.apache.hc.core5.util.Timeout.of(readTimeout)).build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .build();
    }
}
