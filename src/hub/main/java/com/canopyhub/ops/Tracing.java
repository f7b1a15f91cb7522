package com.canopyhub.ops;

import com.canopyhub.observe.DeliveryTraces;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traces (docs/operations.md, "Traces"): one OpenTelemetry SDK for the hub. Camel's own spans come from
 * camel-opentelemetry2 (the routes' endpoints, the HTTP calls, with W3C headers propagated); the hub adds one trace
 * per page (engine/run/PageTraces) and a span per delivery linked to the page that wrote the event. Spans are
 * exported over OTLP/HTTP only when {@code hub.otel.endpoint} is set; otherwise they are made and dropped. A test
 * binds its own span processor under {@link #PROCESSOR_BEAN}.
 */
public final class Tracing implements DeliveryTraces, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
    /** Registry name of a SpanProcessor to add (tests: a SimpleSpanProcessor of an in-memory exporter). */
    public static final String PROCESSOR_BEAN = "hubSpanProcessor";
    /**
     * Camel's spans are kept for the hub's HTTP edges (the admin API, inbound webhooks, outgoing camel-http calls with
     * their W3C headers). Polling and wake-up endpoints (a span per tick would be noise) and the engine's direct: hops
     * are left out: a page is the hub's own trace, and its span must stay the current one while its transaction writes
     * the events that carry it. Kafka sends are the hub's own spans: the message carries the page's traceparent, which
     * a Camel span would replace.
     */
    static final String CAMEL_EXCLUDES = "timer:*,seda:*,quartz:*,direct:*,kafka:*,http:*,https:*";

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    /** Whether spans go anywhere: without an exporter they would be made only to be dropped, so none are made. */
    private final boolean active;

    public Tracing(String endpoint, SpanProcessor extra, String version) {
        SdkTracerProviderBuilder builder = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "canopy-hub",
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.version"), version))));
        if (!endpoint.isEmpty()) {
            builder.addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                    .setEndpoint(endpoint.endsWith("/v1/traces") ? endpoint : endpoint.replaceAll("/+$", "") + "/v1/traces").build()).build());
            LOG.info("Traces: exported over OTLP/HTTP to {}", endpoint);
        }
        if (extra != null) {
            builder.addSpanProcessor(extra);
        }
        this.active = !endpoint.isEmpty() || extra != null;
        this.provider = builder.build();
        // no exporter: the API's no-op tracer (a page then has no span, its events no traceparent, nothing costs)
        this.tracer = active ? provider.get("com.canopyhub", version) : io.opentelemetry.api.OpenTelemetry.noop().getTracer("com.canopyhub");
    }

    public Tracer tracer() {
        return tracer;
    }

    /**
     * Camel's spans, from the same SDK (camel-opentelemetry2 finds the tracer and propagators in the registry); only
     * when spans go somewhere: its route policy and event notifier cost every exchange (docs/benchmarks.md).
     */
    public void instrument(CamelContext context) throws Exception {
        if (!active) {
            return;
        }
        context.getRegistry().bind("hubOtelTracer", tracer);
        context.getRegistry().bind("hubOtelPropagators", ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
        OpenTelemetryTracer camel = new OpenTelemetryTracer();
        camel.setExcludePatterns(CAMEL_EXCLUDES);
        camel.setTraceProcessors(false);
        camel.init(context);
    }

    @Override
    public void delivery(String name, String traceParent, Instant start, Instant end, boolean ok, Map<String, String> attributes) {
        if (!active) {
            return;
        }
        SpanBuilder builder = tracer.spanBuilder(name).setNoParent().setSpanKind(SpanKind.PRODUCER).setStartTimestamp(start);
        SpanContext page = parse(traceParent);
        if (page != null) {
            builder.addLink(page, Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey("canopyhub.link"), "page that wrote the event"));
        }
        attributes.forEach(builder::setAttribute);
        Span span = builder.startSpan();
        if (!ok) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end(end);
    }

    /** A W3C traceparent ({@code 00-<trace>-<span>-<flags>}) as a remote span context; null if absent or malformed. */
    static SpanContext parse(String traceParent) {
        if (traceParent == null) {
            return null;
        }
        String[] p = traceParent.split("-");
        if (p.length != 4 || p[1].length() != 32 || p[2].length() != 16 || p[3].length() != 2) {
            return null;
        }
        SpanContext c = SpanContext.createFromRemoteParent(p[1], p[2], TraceFlags.fromHex(p[3], 0), TraceState.getDefault());
        return c.isValid() ? c : null;
    }

    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
