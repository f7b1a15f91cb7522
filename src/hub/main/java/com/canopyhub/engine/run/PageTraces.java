package com.canopyhub.engine.run;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import org.apache.camel.Exchange;

/**
 * One trace per page (routes/engine-sync.camel.yaml's sync-page; docs/operations.md, "Traces"): a root span for the
 * page with a child for each step as it ends (the upstream request, mapping, the database transaction). The page
 * span is current while the page's steps run on the route's thread, so the outbox rows the transaction writes carry
 * its traceparent and the deliveries of those events link back to it.
 */
public final class PageTraces {

    private static final String SPAN = "canopyhubPageSpan";
    private static final String SCOPE = "canopyhubPageScope";
    private static final String MARK = "canopyhubPageMark";

    private final Tracer tracer;

    public PageTraces(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Before the page is read: its span starts (a new trace) and becomes current on this thread. */
    public void open(Exchange exchange) {
        StreamRun run = exchange.getProperty(StreamRun.PROPERTY, StreamRun.class);
        Span span = tracer.spanBuilder("page " + run.sourceSystem() + "/" + run.label()).setNoParent().setSpanKind(SpanKind.INTERNAL)
                .setAttribute("canopyhub.source", run.sourceSystem()).setAttribute("canopyhub.stream", run.stream())
                .setAttribute("canopyhub.partition", run.partition()).setAttribute("canopyhub.run_id", run.runId())
                .setAttribute("canopyhub.page", run.pages() + 1)
                .startSpan();
        exchange.setProperty(SPAN, span);
        exchange.setProperty(SCOPE, Context.current().with(span).makeCurrent());
        exchange.setProperty(MARK, Instant.now());
    }

    /** A step of the page ended: a child span from the previous step's end until now. */
    public void step(Exchange exchange, String name) {
        Span page = exchange.getProperty(SPAN, Span.class);
        Instant mark = exchange.getProperty(MARK, Instant.class);
        if (page == null || mark == null) {
            return;
        }
        Instant now = Instant.now();
        Span step = tracer.spanBuilder(name).setParent(Context.current().with(page))
                .setSpanKind(name.startsWith("upstream") ? SpanKind.CLIENT : SpanKind.INTERNAL)
                .setStartTimestamp(mark).startSpan();
        StreamRun run = exchange.getProperty(StreamRun.PROPERTY, StreamRun.class);
        if (run != null && name.startsWith("upstream")) {
            step.setAttribute(AttributeKey.longKey("canopyhub.records"), run.lastPageSize());
        }
        step.end(now);
        exchange.setProperty(MARK, now);
    }

    /** After the page (or its failure): the span ends, with the error if any, and stops being current. */
    public void close(Exchange exchange) {
        Span page = exchange.getProperty(SPAN, Span.class);
        Scope scope = exchange.getProperty(SCOPE, Scope.class);
        exchange.removeProperty(SPAN);
        exchange.removeProperty(SCOPE);
        exchange.removeProperty(MARK);
        if (scope != null) {
            scope.close();
        }
        if (page == null) {
            return;
        }
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error != null) {
            page.recordException(error);
            page.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        }
        page.end();
    }
}
