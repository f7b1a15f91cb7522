package com.canopyhub.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;

/**
 * The console ({@code GET /}: one page of HTML, CSS and a little JavaScript, no build step) and the admin API's
 * OpenAPI description ({@code GET /api/v1/openapi.json}), both served from the jar. The page holds no data: it asks
 * the admin API, with the token the operator gives it (kept in the tab's session storage).
 */
public final class Console {

    private final String page = resource("/console/index.html");
    private final String openApi = resource("/console/openapi.json");

    public void page(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        // the page runs only its own script and talks only to this hub
        exchange.getMessage().setHeader("Content-Security-Policy",
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
        exchange.getMessage().setHeader("Cache-Control", "no-cache");
        exchange.getMessage().setBody(page);
    }

    public void openApi(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(openApi);
    }

    private static String resource(String name) {
        try (InputStream in = Console.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
