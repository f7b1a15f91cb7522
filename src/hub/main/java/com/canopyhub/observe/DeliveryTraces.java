package com.canopyhub.observe;

import java.time.Instant;
import java.util.Map;

/**
 * The spans of deliveries (ops/Tracing implements it): each links to the page whose transaction wrote the event
 * ({@code hub.outbox.trace_parent}), so a trace of a page leads to every attempt its events caused.
 */
public interface DeliveryTraces {

    DeliveryTraces NONE = (name, traceParent, start, end, ok, attributes) -> { };

    /**
     * @param name        e.g. {@code webhook attempt}, {@code kafka send}
     * @param traceParent the event's W3C traceparent, or null
     */
    void delivery(String name, String traceParent, Instant start, Instant end, boolean ok, Map<String, String> attributes);
}
