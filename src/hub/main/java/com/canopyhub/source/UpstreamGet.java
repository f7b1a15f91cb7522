package com.canopyhub.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;

/**
 * One authorised GET of an upstream's JSON, as every source client makes it: a 200 is read by the client, any other
 * status is classified by it (into the taxonomy {@code routes/errors.camel.yaml} acts on), nothing listening there is
 * {@link UpstreamUnreachableException} naming the base URL's setting, and any other I/O failure (a timeout, a cut
 * connection) is retryable.
 */
public final class UpstreamGet {

    /** What the client makes of an answer. */
    public interface Answer<T> {
        /** A 200: its body, read by the client (a malformed one is the client's {@link RetryableUpstreamException}). */
        T ok(ClassicHttpResponse response, InputStream body) throws IOException;

        /** Any other status: the failure it means, given the body's text. */
        UpstreamException refused(ClassicHttpResponse response, String body);
    }

    private UpstreamGet() {
    }

    /**
     * @param system     the source, for errors
     * @param baseUrlKey the setting of its base URL, named when nothing answers there
     */
    public static <T> T get(CloseableHttpClient http, URI uri, String authorization, String system, String requestLine,
                            String baseUrlKey, Answer<T> answer) {
        HttpGet get = new HttpGet(uri);
        get.setHeader("Authorization", authorization);
        get.setHeader("Accept", "application/json");
        try {
            return http.execute(get, response -> {
                HttpEntity body = response.getEntity();
                if (response.getCode() == 200) {
                    try (InputStream in = body.getContent()) {
                        return answer.ok(response, in);
                    }
                }
                throw answer.refused(response, body == null ? "" : new String(body.getContent().readAllBytes(), StandardCharsets.UTF_8));
            });
        } catch (ConnectException | UnknownHostException | NoRouteToHostException e) {
            // nothing listens there (or the name does not resolve): retrying for minutes would not change that
            throw new UpstreamUnreachableException(system, requestLine, baseUrlKey, e);
        } catch (IOException e) {
            throw new RetryableUpstreamException(system, requestLine, 0, e.getClass().getSimpleName() + ": " + e.getMessage(), null, e);
        }
    }

    /** An upstream's error text as errors and {@code hub.sync_runs} carry it: at most 500 characters. */
    public static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }

    /** A response header's value, or null. */
    public static String header(ClassicHttpResponse response, String name) {
        return response.getFirstHeader(name) == null ? null : response.getFirstHeader(name).getValue();
    }
}
